"""``torch.nn.utils.convert_conv2d_weight_memory_format`` and its 3-D twin: PyTorch restrides the weights of a
model's convolutions to channels-last; minigrad's kernels read (N, C, H, W) weights, so the weights keep their
layout and values (see ``minigrad.memory_format``) and the module is returned, as PyTorch returns it."""
from ...memory_format import memory_format as _format

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """The module itself (its convolutions' weights already in the layout minigrad's kernels read)."""
    if not isinstance(memory_format, _format):
        raise TypeError(f"memory_format must be a minigrad memory format, not {type(memory_format).__name__}")
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """The module itself, as ``convert_conv2d_weight_memory_format``."""
    return convert_conv2d_weight_memory_format(module, memory_format)

"""DLPack, as ``torch.from_dlpack`` and ``torch.utils.dlpack``: tensors exchanged with PyTorch, numpy, JAX or
CuPy without a copy. A minigrad CPU tensor offers ``__dlpack__``/``__dlpack_device__`` (its numpy array's), so
``torch.from_dlpack(t)`` shares its memory; ``minigrad.from_dlpack(x)`` takes any object that offers them (a
PyTorch CPU tensor among them) or a DLPack capsule."""
import numpy as np

__all__ = ["from_dlpack", "to_dlpack"]


class _Capsule:
    """A bare DLPack capsule, given the protocol numpy's from_dlpack reads (a CPU capsule)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU


def from_dlpack(ext_tensor):
    """``torch.from_dlpack``: a Tensor sharing the memory of ``ext_tensor`` (an object with ``__dlpack__``, on the
    CPU, or a capsule from ``to_dlpack``)."""
    from .tensor import Tensor
    source = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
    device_type = source.__dlpack_device__()[0]
    if int(device_type) != 1:
        raise RuntimeError(f"from_dlpack: minigrad reads CPU memory only (DLPack device type {int(device_type)})")
    return Tensor._wrap(np.from_dlpack(source), "cpu")


def to_dlpack(tensor):
    """``torch.utils.dlpack.to_dlpack``: a DLPack capsule of the tensor's memory (CPU tensors)."""
    return tensor.cpu().array.__dlpack__()


def dlpack(tensor, stream=None, **kwargs):
    """``Tensor.__dlpack__``: the capsule of this tensor's memory, for another library's from_dlpack."""
    if tensor.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    if tensor.device.type != "cpu":
        raise RuntimeError("minigrad exports CPU tensors only through DLPack")
    return tensor.array.__dlpack__(**({"stream": stream} if stream is not None else {}), **kwargs)


def dlpack_device(tensor):
    """``Tensor.__dlpack_device__``: (kDLCPU, 0)."""
    return (1, 0)


METHODS = {"__dlpack__": dlpack, "__dlpack_device__": dlpack_device}

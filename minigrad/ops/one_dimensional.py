"""The 1-D layers as PyTorch's: conv1d, conv_transpose1d, max_pool1d, avg_pool1d, adaptive_avg_pool1d. Each is
its 2-D namesake on the input seen with a height of 1 (a kernel of height 1, no padding or stride along it),
which computes the same sums: so the kernels, gradients and NaN rules are those of the 2-D layers."""
from .conv import _conv2d, _conv_transpose2d
from .pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = ["conv1d", "conv_transpose1d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d"]


def _single(value, name, op):
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{op}: {name} must be an int or a 1-tuple, got {value}")
        return int(value[0])
    return int(value)


def _as_plane(input, op):  # noqa: A002
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{op}: expected a 2D (unbatched) or 3D (batched) input, got {input.ndim}D input of "
                           f"size {list(input.shape)}")
    return input.unsqueeze(-2)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, *, op="conv1d"):  # noqa: A002
    """``torch.nn.functional.conv1d``: an (N, C_in, L) or (C_in, L) input with a (C_out, C_in/groups, k) weight;
    ``padding`` an int, 'valid' or 'same'."""
    if weight.ndim != 3:
        raise RuntimeError(f"{op}: expected a 3D weight (C_out, C_in/groups, k), got size {list(weight.shape)}")
    if input.ndim in (2, 3):  # (PyTorch's message names the 1-D shapes, the batched input's)
        batched = ([] if input.ndim == 3 else [1]) + list(input.shape)
        expected = weight.shape[1] * groups if isinstance(groups, int) else batched[1]
        if batched[1] != expected:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{batched} "
                               f"to have {expected} channels, but got {batched[1]} channels instead")
    if not isinstance(padding, str):
        padding = (0, _single(padding, "padding", op))
    out = _conv2d(op, _as_plane(input, op), weight.unsqueeze(2), bias, (1, _single(stride, "stride", op)), padding,
                  (1, _single(dilation, "dilation", op)), groups)
    return out.squeeze(-2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1, *, op="conv_transpose1d"):
    """``torch.nn.functional.conv_transpose1d``: the transpose of conv1d, weight (C_in, C_out/groups, k)."""
    if weight.ndim != 3:
        raise RuntimeError(f"{op}: expected a 3D weight (C_in, C_out/groups, k), got size {list(weight.shape)}")
    out = _conv_transpose2d(op, _as_plane(input, op), weight.unsqueeze(2), bias, (1, _single(stride, "stride", op)),
                            (0, _single(padding, "padding", op)), (0, _single(output_padding, "output_padding", op)),
                            groups, (1, _single(dilation, "dilation", op)))
    return out.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """``torch.nn.functional.max_pool1d``: the max over sliding windows (stride defaults to kernel_size), with
    the index of each maximum along L when ``return_indices``."""
    kernel = _single(kernel_size, "kernel_size", "max_pool1d")
    step = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _single(stride, "stride", "max_pool1d")
    out = max_pool2d(_as_plane(input, "max_pool1d"), (1, kernel), (1, step), (0, _single(padding, "padding", "")),
                     (1, _single(dilation, "dilation", "")), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """``torch.nn.functional.avg_pool1d``: window means (stride defaults to kernel_size)."""
    kernel = _single(kernel_size, "kernel_size", "avg_pool1d")
    step = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _single(stride, "stride", "avg_pool1d")
    return avg_pool2d(_as_plane(input, "avg_pool1d"), (1, kernel), (1, step), (0, _single(padding, "padding", "")),
                      ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """``torch.nn.functional.adaptive_avg_pool1d``: the means of PyTorch's adaptive windows, ``output_size`` of
    them."""
    return adaptive_avg_pool2d(_as_plane(input, "adaptive_avg_pool1d"),
                               (1, _single(output_size, "output_size", "adaptive_avg_pool1d"))).squeeze(-2)

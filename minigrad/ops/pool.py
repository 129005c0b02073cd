"""2-D max and average pooling, as ``torch.nn.functional.max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``
and ``adaptive_max_pool2d``."""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"]
METHODS = {}


def _pair(value, name, op):
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return int(value[0]), int(value[0])
        if len(value) != 2:
            raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {value}")
        return int(value[0]), int(value[1])
    return int(value), int(value)


def pool_output_size(size, kernel, stride, padding, dilation=1, ceil_mode=False):
    """Output length of pooling along one dim, PyTorch's rule.

    floor (or ceil) of (size + 2·padding − dilation·(kernel − 1) − 1)/stride, plus one; in ceil
    mode the last window must start inside the input or its left padding, else it is dropped.
    """
    span = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode):  # noqa: A002
    """Validate arguments as PyTorch does and return (kernel, stride, padding, dilation, out_size)."""
    kernel = _pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _pair(stride, "stride", op)
    padding = _pair(padding, "padding", op)
    dilation = _pair(dilation, "dilation", op)
    # as PyTorch, only the batch dim of a 4-D input may be 0
    if input.ndim not in (3, 4) or 0 in tuple(input.shape)[input.ndim - 3:]:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if min(kernel) <= 0:
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"{op}: stride should be greater than zero, but got sH: {stride[0]} sW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    H, W = input.shape[-2:]
    out_size = tuple(pool_output_size(n, k, s, p, d, ceil_mode)
                     for n, k, s, p, d in zip((H, W), kernel, stride, padding, dilation))
    if min(out_size) < 1:  # (PyTorch's words: the sizes of one sample, channels first)
        channels = input.shape[-3] if input.ndim >= 3 else 1
        raise RuntimeError(f"Given input size: ({channels}x{H}x{W}). Calculated output size: "
                           f"({channels}x{out_size[0]}x{out_size[1]}). Output size is too small")
    return kernel, stride, padding, dilation, out_size


class MaxPool2d(Function):
    """Max over each window; the gradient goes to the window's argmax (first maximum in scan order)."""

    def forward(self, x, kernel=None, stride=None, padding=None, dilation=None, out_size=None, indices_sink=None):
        out, indices = self.B.max_pool2d_forward(x, kernel, stride, padding, dilation, out_size)
        self.in_shape = x.shape
        self.save_for_backward(indices)
        indices_sink.append(indices)
        return out

    def backward(self, g):
        return self.B.max_pool2d_backward(g, self.saved[0], self.in_shape)

    def composite(self, x, **options):
        """The same output as differentiable ops, for second derivatives (autograd_graph): x's elements at the
        saved argmax indices."""
        from ..creation import arange
        planes = x.numel() // (x.shape[-1] * x.shape[-2])
        indices = Tensor._wrap(self.saved[0], x.device)
        rows = arange(planes, device=x.device).reshape(-1, 1)
        return x.reshape(planes, -1)[rows, indices.reshape(planes, -1)].reshape(tuple(indices.shape))


class AvgPool2d(Function):
    """Mean over each window; the gradient is spread evenly back over the window."""

    def forward(self, x, kernel=None, stride=None, padding=None, out_size=None, count_include_pad=True,
                divisor_override=0):
        self.args = (kernel, stride, padding, count_include_pad, divisor_override)
        self.in_shape = x.shape
        return self.B.avg_pool2d_forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override)

    def backward(self, g):
        kernel, stride, padding, count_include_pad, divisor_override = self.args
        return self.B.avg_pool2d_backward(g, self.in_shape, kernel, stride, padding, count_include_pad,
                                          divisor_override)

    def composite(self, x, kernel=None, stride=None, padding=None, out_size=None, count_include_pad=True,
                  divisor_override=0):
        """The same output as differentiable ops, for second derivatives (autograd_graph): each window's sum,
        a depthwise convolution by ones (off the input it reads zeros), over its divisor."""
        from ..creation import ones
        from .conv import Conv2d
        planes = x.reshape(-1, 1, x.shape[-2], x.shape[-1])
        sums = Conv2d.apply(planes, ones(1, 1, *kernel, dtype=x.dtype, device=x.device), None, stride=stride,
                            padding=padding, dilation=(1, 1), groups=1, out_size=tuple(out_size))
        if divisor_override:
            divisor = float(divisor_override)
        else:
            rows, cols = (_window_counts(size, k, s, p, n, count_include_pad) for size, k, s, p, n in
                          zip(x.shape[-2:], kernel, stride, padding, out_size))
            divisor = Tensor(np.outer(rows, cols), dtype=x.dtype, device=x.device)
        return (sums / divisor).reshape(tuple(x.shape[:-2]) + tuple(out_size))


def _window_counts(size, kernel, stride, padding, count, include_padding):
    """How many positions each of ``count`` pooling windows along one axis averages over, as PyTorch counts
    them: within the padded input, or within the input itself without ``include_padding``."""
    start = np.arange(count) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    if include_padding:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """``torch.nn.functional.max_pool2d`` on (N, C, H, W) or (C, H, W); stride defaults to kernel_size.

    Padding counts as −inf. With ``return_indices`` also returns the int64 flat index
    (into H·W of its input plane) of every maximum, as PyTorch.
    """
    kernel, stride, padding, dilation, out_size = _geometry("max_pool2d", input, kernel_size, stride, padding,
                                                            dilation, ceil_mode)
    sink = []
    out = MaxPool2d.apply(input, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                          out_size=out_size, indices_sink=sink)
    if return_indices:
        return out, Tensor._wrap(sink[0], input.device)
    return out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """``torch.nn.functional.avg_pool2d``: window means; stride defaults to kernel_size.

    The divisor is ``divisor_override`` if given, else the window size counting zero padding
    (count_include_pad=True) or only the input pixels it covers.
    """
    kernel, stride, padding, _, out_size = _geometry("avg_pool2d", input, kernel_size, stride, padding, 1,
                                                     ceil_mode)
    if divisor_override is not None and int(divisor_override) == 0:
        raise RuntimeError("avg_pool2d: divisor must be not zero")
    return AvgPool2d.apply(input, kernel=kernel, stride=stride, padding=padding, out_size=out_size,
                           count_include_pad=bool(count_include_pad),
                           divisor_override=0 if divisor_override is None else int(divisor_override))


def adaptive_windows(size, out):
    """PyTorch's adaptive pooling windows along one dim: output i averages [floor(i*size/out), ceil((i+1)*size/out))."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive_sizes(op, input, output_size):  # noqa: A002
    if input.ndim not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise ValueError(f"{op}(): Expected 3D or 4D tensor with non-zero sizes in its last three dims, but input "
                         f"has sizes {list(input.shape)}")
    H, W = input.shape[-2:]
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size}")
    oh, ow = (H if sizes[0] is None else int(sizes[0])), (W if sizes[1] is None else int(sizes[1]))
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"{op}: output_size must be positive, got {(oh, ow)}")
    return H, W, oh, ow


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """``torch.nn.functional.adaptive_max_pool2d``: the max of PyTorch's adaptive windows (the first one in
    row-major order on ties, which takes the gradient), with its flat index in H*W when ``return_indices``.
    Windows of equal size are ``max_pool2d``; others are taken one by one."""
    from .shape import stack
    H, W, oh, ow = _adaptive_sizes("adaptive_max_pool2d", input, output_size)
    if H % oh == 0 and W % ow == 0:
        return max_pool2d(input, (H // oh, W // ow), return_indices=return_indices)
    values, places = [], []
    for top, bottom in adaptive_windows(H, oh):
        for left, right in adaptive_windows(W, ow):
            best, where = input[..., top:bottom, left:right].flatten(-2).max(-1)
            values.append(best)
            places.append((top + where // (right - left)) * W + left + where % (right - left))
    shape = tuple(input.shape[:-2]) + (oh, ow)
    out = stack(values, -1).reshape(shape)
    return (out, stack(places, -1).reshape(shape)) if return_indices else out


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """``torch.nn.functional.adaptive_avg_pool2d``: the mean of PyTorch's adaptive windows, an output of
    ``output_size`` (an int, or a pair whose None keeps the input's size) for any input size.

    Windows of equal size (the input's size a multiple of the output's, as in global pooling) are ``avg_pool2d``;
    else the windows' sums are taken along the rows, then the columns, and divided by each window's size, so an
    inf or NaN reaches exactly the outputs whose window holds it."""
    from .shape import cat
    H, W, oh, ow = _adaptive_sizes("adaptive_avg_pool2d", input, output_size)
    if H % oh == 0 and W % ow == 0:
        return avg_pool2d(input, (H // oh, W // ow))
    rows, columns = adaptive_windows(H, oh), adaptive_windows(W, ow)
    sums = cat([input[..., top:bottom, :].sum(-2, keepdim=True) for top, bottom in rows], -2)
    sums = cat([sums[..., left:right].sum(-1, keepdim=True) for left, right in columns], -1)
    counts = [[(bottom - top) * (right - left) for left, right in columns] for top, bottom in rows]
    return sums / Tensor(counts, dtype=input.dtype, device=input.device)

"""Sliding blocks, as PyTorch's: ``F.unfold`` (im2col: every kernel-sized patch of a padded image as a column),
``F.fold`` (its adjoint, col2im: columns summed back into an image) and ``Tensor.unfold`` (windows along one
dim, a strided view on the CPU). Written as gathers and scatter-adds of the input's elements, so values are copied
exactly (an inf stays an inf) and each gradient is the other op."""
import numpy as np

from ..autograd import Function
from ..creation import tensor
from .conv import _pair
from .indexing import pad
from .rearrange import index_select, movedim
from .scatter import index_add
from .shape import normalize_dim

__all__ = ["unfold", "fold"]


def _block_places(image_size, kernel_size, dilation, padding, stride, op):
    """For a padded image of ``image_size`` + 2 ``padding``: the flat positions (kh*kw, L) each patch element
    reads, and the padded size."""
    (kh, kw), (dh, dw) = _pair(kernel_size, "kernel_size", op), _pair(dilation, "dilation", op)
    (ph, pw), (sh, sw) = _pair(padding, "padding", op), _pair(stride, "stride", op)
    if min(kh, kw, dh, dw, sh, sw) <= 0 or min(ph, pw) < 0:
        raise RuntimeError(f"{op}: kernel_size, dilation and stride must be greater than zero and padding "
                           f"non-negative, got kernel_size={(kh, kw)}, dilation={(dh, dw)}, padding={(ph, pw)}, "
                           f"stride={(sh, sw)}")
    height, width = image_size[0] + 2 * ph, image_size[1] + 2 * pw
    rows, columns = (height - dh * (kh - 1) - 1) // sh + 1, (width - dw * (kw - 1) - 1) // sw + 1
    if rows <= 0 or columns <= 0:
        raise RuntimeError(f"{op}: the calculated shape of the array of sliding blocks is ({rows}, {columns}), but "
                           f"its components must be at least one")
    top = (np.arange(kh) * dh)[:, None, None, None] + (np.arange(rows) * sh)[None, None, :, None]
    left = (np.arange(kw) * dw)[None, :, None, None] + (np.arange(columns) * sw)[None, None, None, :]
    places = (top * width + left).reshape(kh * kw, rows * columns)
    return places, (height, width), (ph, pw), (rows, columns)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """``F.unfold``: (N, C, H, W) to (N, C*kh*kw, L), column l holding the l-th patch (channel-major, then kernel
    row, then kernel column), as PyTorch's im2col."""
    batched = input.ndim == 4
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    x = input if batched else input.unsqueeze(0)
    places, padded_size, (ph, pw), _ = _block_places(tuple(x.shape[2:]), kernel_size, dilation, padding, stride,
                                                    "unfold")
    n, c = x.shape[0], x.shape[1]
    flat = pad(x, (pw, pw, ph, ph)).reshape(n, c, padded_size[0] * padded_size[1])
    picked = index_select(flat, 2, tensor(places.reshape(-1), device=input.device))
    out = picked.reshape(n, c * places.shape[0], places.shape[1])
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """``F.fold``: (N, C*kh*kw, L) columns summed into (N, C, H, W) at the places ``unfold`` reads them from."""
    batched = input.ndim == 3
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
                           f"{input.ndim}D)")
    cols = input if batched else input.unsqueeze(0)
    size = _pair(output_size, "output_size", "fold")
    places, (height, width), (ph, pw), _ = _block_places(size, kernel_size, dilation, padding, stride, "fold")
    taps, blocks = places.shape
    n = cols.shape[0]
    if cols.shape[1] % taps:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={cols.shape[1]} and "
                           f"kernel_size={_pair(kernel_size, 'kernel_size', 'fold')}")
    if cols.shape[2] != blocks:
        raise RuntimeError(f"Given output_size={size}, kernel_size, dilation, padding and stride, expected size of "
                           f"input's dimension 2 to match the calculated number of sliding blocks {blocks}, but got "
                           f"input.size(2)={cols.shape[2]}.")
    c = cols.shape[1] // taps
    image = cols.new_zeros((n, c, height * width))
    image = index_add(image, 2, tensor(places.reshape(-1), device=input.device), cols.reshape(n, c, taps * blocks))
    out = image.reshape(n, c, height, width)[:, :, ph:ph + size[0], pw:pw + size[1]]
    return out if batched else out.squeeze(0)


class Windows(Function):
    """``Tensor.unfold`` on the CPU: a strided view of the input (no copy; writes go through to the input, as
    PyTorch's view). Gradient: each window's gradient added back where the window reads (its adjoint)."""

    supports_complex = True

    def forward(self, x, dim, size, step, count):
        self.args = x.shape, x.dtype, dim, size, step, count
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)

    def backward(self, g):
        shape, dtype, dim, size, step, count = self.args
        grad = np.zeros(shape, dtype)
        g = np.moveaxis(g, -1, dim + 1)  # (..., count, size, ...)
        before = (slice(None),) * dim
        if size <= count:  # (a loop over the shorter of the two: window offsets, or windows)
            for offset in range(size):
                grad[before + (slice(offset, offset + step * (count - 1) + 1, step),)] += g[before + (slice(None), offset)]
        else:
            for window in range(count):
                grad[before + (slice(window * step, window * step + size),)] += g[before + (window,)]
        return grad

    def composite(self, x, dim, size, step, count):
        return _gathered_windows(x, dim, size, step, count)


def _gathered_windows(input, dim, size, step, count):  # noqa: A002
    index = (np.arange(count)[:, None] * step + np.arange(size)).reshape(-1)
    windows = index_select(input, dim, tensor(index, device=input.device))
    windows = windows.reshape(tuple(input.shape[:dim]) + (count, size) + tuple(input.shape[dim + 1:]))
    return movedim(windows, dim + 1, -1)


def tensor_unfold(input, dimension, size, step):  # noqa: A002
    """``Tensor.unfold(dimension, size, step)``: the windows of ``size`` elements every ``step`` along
    ``dimension``, that dim becoming the window count and a new last dim the window; a view on the CPU, as
    PyTorch's (a gathered copy on CUDA)."""
    if input.ndim == 0:
        return input.reshape(1).unfold(0, size, step) if size == 1 else input.reshape(1)[:0]
    dim = normalize_dim(dimension, input.ndim)
    if size > input.shape[dim]:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {input.shape[dim]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    count = (input.shape[dim] - size) // step + 1
    if input.device.type == "cpu":
        return Windows.apply(input, dim=dim, size=size, step=step, count=count)
    return _gathered_windows(input, dim, size, step, count)


METHODS = {"unfold": tensor_unfold}

"""Strided copies, the one primitive behind permute, broadcast_to, slicing, cat and their gradients.

A *view* of a contiguous array is (offset, shape, element strides): a slice
``a[1:5:2, ::-1]``, a transpose, a broadcast (stride 0). ``gather`` copies a
view into a new contiguous array; ``scatter`` writes a contiguous array into
a view of another (the backward of slicing, and each input of ``cat``).
"""
from numba import cuda

from ._runtime import BOOL, DIMS, F32, I32, I64, MAX_DIMS, collapse, contiguous_strides, empty, flat, grid, \
    i64, kernel, on_device, pad_dims


@kernel(*((t, t, i64, DIMS, DIMS) for t in (F32, I64, BOOL, I32)))
def _gather(out, src, offset, shape, strides):
    i = cuda.grid(1)
    while i < out.size:
        j = i
        k = offset
        for d in range(MAX_DIMS - 1, -1, -1):
            k += (j % shape[d]) * strides[d]
            j //= shape[d]
        out[i] = src[k]
        i += cuda.gridsize(1)


@kernel(*((t, t, i64, DIMS, DIMS, i64) for t in (F32, I64, BOOL, I32)))
def _scatter(dst, src, offset, shape, strides, accumulate):
    """dst[view] = src, or += when ``accumulate``; the view must not repeat an element."""
    i = cuda.grid(1)
    while i < src.size:
        j = i
        k = offset
        for d in range(MAX_DIMS - 1, -1, -1):
            k += (j % shape[d]) * strides[d]
            j //= shape[d]
        if accumulate:
            dst[k] += src[i]
        else:
            dst[k] = src[i]
        i += cuda.gridsize(1)


def gather(a, offset, shape, strides):
    """A new contiguous array holding the view (offset, shape, element strides) of contiguous ``a``."""
    a = on_device(a)
    shape = tuple(int(s) for s in shape)
    out = empty(shape, a.dtype)
    if out.size:
        merged, (st,) = collapse(shape, strides) if shape else ((), [()])
        _gather[grid(out.size)](flat(out), flat(a), int(offset), pad_dims(merged, 1), pad_dims(st, 0))
    return out


def scatter(dst, src, offset, strides, accumulate=False):
    """Write (or add) contiguous ``src`` into the view (offset, src.shape, strides) of contiguous ``dst``, in place."""
    src = on_device(src, dst.dtype)
    if src.size:
        merged, (st,) = collapse(tuple(src.shape), strides) if src.ndim else ((), [()])
        _scatter[grid(src.size)](flat(dst), flat(src), int(offset), pad_dims(merged, 1), pad_dims(st, 0),
                                 1 if accumulate else 0)
    return dst


def permute(a, axes):
    """``np.transpose(a, axes)`` as a new contiguous array."""
    strides = contiguous_strides(a.shape)
    return gather(a, 0, [a.shape[d] for d in axes], [strides[d] for d in axes])

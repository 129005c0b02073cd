"""CUDA kernels: reshaping, indexing, joining, padding and in-place writes, mirroring ``backends/cpu/shape.py``.

Device arrays here are always C-contiguous: ``reshape`` is a view, but
``permute``, slicing and the other numpy views of the CPU backend are copies
(``_strided.gather``). So an in-place write to a tensor is not seen by a
"view" of it taken earlier, unlike on the CPU.

Indexing follows numpy: ints, slices, None and Ellipsis pick a strided view,
gathered into a new array; integer index arrays (and ints beside them) are then
folded into one flat index over their dims and taken with one kernel, whose
gradient scatter-adds with atomics (an index may repeat). A boolean mask is
turned into integer arrays on the host (its result's size depends on the data).
"""
import numpy as np
from numba import cuda

from ._runtime import (BOOL, F32, I32, I64, contiguous_strides, empty, flat, grid, i64, is_device_array,
                       is_host_scalar, kernel, on_device, to_device, to_host)
from ._strided import gather, permute as _permute, scatter
from .creation import astype, full, zeros as _zeros
from .elementwise import add, less, mul, where

__all__ = ["reshape", "reshape_view", "view_dtype", "permute", "contiguous", "is_contiguous", "getitem",
           "index_backward", "add_at", "concatenate", "split_at", "stack", "pad_constant", "pad_constant_backward",
           "fill_", "copy_", "setitem_"]


@kernel(*((t, t, I64, i64, i64) for t in (F32, I64, BOOL, I32)))
def _take(out, src, index, size, post):
    """out[p, j, q] = src[p, index[j], q] for src (P, size, post)."""
    i = cuda.grid(1)
    n_index = index.size
    while i < out.size:
        q = i % post
        j = (i // post) % n_index
        p = i // (post * n_index)
        out[i] = src[(p * size + index[j]) * post + q]
        i += cuda.gridsize(1)


@kernel((F32, F32, I64, i64, i64))
def _take_backward(grad_src, g, index, size, post):
    """grad_src[p, index[j], q] += g[p, j, q]; atomics, since an index may repeat."""
    i = cuda.grid(1)
    n_index = index.size
    while i < g.size:
        q = i % post
        j = (i // post) % n_index
        p = i // (post * n_index)
        cuda.atomic.add(grad_src, (p * size + index[j]) * post + q, g[i])
        i += cuda.gridsize(1)


@kernel(*((t, t, I64, i64, i64) for t in (F32, I64, BOOL, I32)))
def _put(dst, src, index, size, post):
    """dst[p, index[j], q] = src[p, j, q] for dst (P, size, post): ``_take``'s reverse."""
    i = cuda.grid(1)
    n_index = index.size
    while i < src.size:
        q = i % post
        j = (i // post) % n_index
        p = i // (post * n_index)
        dst[(p * size + index[j]) * post + q] = src[i]
        i += cuda.gridsize(1)


def reshape(a, shape):
    """A view (device arrays are contiguous)."""
    if is_host_scalar(a):
        return np.reshape(a, tuple(shape))
    return on_device(a).reshape(tuple(int(s) for s in shape))


def reshape_view(a, shape):
    return reshape(a, shape)


def view_dtype(a, dtype):
    """The same device memory read as ``dtype`` (arrays here are contiguous); the last dim scales with the item
    size."""
    return on_device(a).view(dtype)


def permute(a, axes):
    """``np.transpose`` as a contiguous copy."""
    return _permute(on_device(a), tuple(axes))


def contiguous(a):
    return on_device(a)


def is_contiguous(a):
    return not is_device_array(a) or a.is_c_contiguous()


# ---------------------------------------------------------------------------- indexing
def _expand(index, shape):
    """The index as a tuple without Ellipsis and boolean arrays, one entry per dim of ``shape`` (plus Nones)."""
    parts = index if isinstance(index, tuple) else (index,)
    expanded = []
    for p in parts:
        if is_device_array(p) and p.dtype == np.bool_ or isinstance(p, np.ndarray) and p.dtype == np.bool_:
            if p.ndim == 0:
                raise IndexError("CUDA backend: a 0-d boolean index is not supported")
            expanded.extend(to_device(nz) for nz in np.nonzero(to_host(p)))  # data-dependent size: a host trip
        elif isinstance(p, np.ndarray):
            expanded.append(to_device(p.astype(np.int64)))
        else:
            expanded.append(p)
    if sum(p is Ellipsis for p in expanded) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(p is not None and p is not Ellipsis for p in expanded)
    if used > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but {used} were indexed")
    fill = (slice(None),) * (len(shape) - used)
    if Ellipsis in [p if p is Ellipsis else None for p in expanded]:
        at = next(i for i, p in enumerate(expanded) if p is Ellipsis)
        return tuple(expanded[:at]) + fill + tuple(expanded[at + 1:])
    return tuple(expanded) + fill


def _plan(shape, index):
    """Split an index into a strided view (offset, shape, strides) and the advanced indices after it.

    Returns (offset, view_shape, view_strides, advanced) where ``advanced`` lists
    (dim of the view, int or int64 device array); numpy treats ints as index
    arrays as soon as one index array is present.
    """
    parts = _expand(index, shape)
    has_array = any(is_device_array(p) for p in parts)
    strides = contiguous_strides(shape)
    offset, vshape, vstrides, advanced, d = 0, [], [], [], 0
    for p in parts:
        if p is None:
            vshape.append(1)
            vstrides.append(0)
            continue
        n, st = shape[d], strides[d]
        if isinstance(p, slice):
            start, stop, step = p.indices(n)
            offset += start * st
            vshape.append(len(range(start, stop, step)))
            vstrides.append(step * st)
        elif is_device_array(p) or has_array:
            if not is_device_array(p):
                p = _check_int(p, n, d)
            advanced.append((len(vshape), p))
            vshape.append(n)
            vstrides.append(st)
        else:
            offset += _check_int(p, n, d) * st
        d += 1
    return offset, tuple(vshape), tuple(vstrides), advanced


def _check_int(i, n, dim):
    i = int(i)
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for axis {dim} with size {n}")
    return i % n


def _advanced_layout(view_shape, advanced):
    """How the advanced dims are taken: (permutation bringing them together, first dim, flat index)."""
    dims = [d for d, _ in advanced]
    adjacent = dims == list(range(dims[0], dims[0] + len(dims)))
    order = list(range(len(view_shape))) if adjacent else dims + [d for d in range(len(view_shape)) if d not in dims]
    first = dims[0] if adjacent else 0
    flat_index = None
    for d, p in advanced:
        n = view_shape[d]
        if is_device_array(p):
            p = where(less(p, np.int64(0)), add(p, np.int64(n)), on_device(p, np.int64))  # negative wraps
        flat_index = p if flat_index is None else add(mul(flat_index, np.int64(n)), p)
    if is_host_scalar(flat_index):
        flat_index = to_device(np.asarray(flat_index, dtype=np.int64))
    return order, first, flat_index


def getitem(a, index):
    """numpy indexing: ints, slices, None, Ellipsis, integer and boolean index arrays (always a copy)."""
    a = on_device(a)
    offset, vshape, vstrides, advanced = _plan(tuple(a.shape), index)
    view = gather(a, offset, vshape, vstrides)
    if not advanced:
        return view
    order, first, idx = _advanced_layout(vshape, advanced)
    if order != sorted(order):
        view = _permute(view, order)
    shape = tuple(view.shape)
    k = len(advanced)
    size, post = int(np.prod(shape[first:first + k])), int(np.prod(shape[first + k:]))
    out = empty(shape[:first] + tuple(idx.shape) + shape[first + k:], a.dtype)
    if out.size:
        _take[grid(out.size)](flat(out), flat(view), flat(idx), size, post)
    return out


def index_backward(g, shape, index):
    """The gradient of ``a[index]``: zeros of ``shape`` with ``g`` added where the elements came from."""
    g = on_device(g)
    shape = tuple(shape)
    offset, vshape, vstrides, advanced = _plan(shape, index)
    if advanced:
        order, first, idx = _advanced_layout(vshape, advanced)
        taken_shape = tuple(vshape[d] for d in order)
        k = len(advanced)
        size, post = int(np.prod(taken_shape[first:first + k])), int(np.prod(taken_shape[first + k:]))
        grad_view = _zeros(taken_shape, g.dtype)
        if g.size:
            _take_backward[grid(g.size)](flat(grad_view), flat(g), flat(idx), size, post)
        if order != sorted(order):
            grad_view = _permute(grad_view, tuple(np.argsort(order)))
        g = grad_view
    out = _zeros(shape, g.dtype)
    return scatter(out, g.reshape(vshape), offset, vstrides)


# ---------------------------------------------------------------------------- joining, padding
def _axis_view(shape, axis, start):
    """(offset, strides) of the slab starting at ``start`` along ``axis`` of a contiguous array."""
    strides = contiguous_strides(shape)
    return start * strides[axis], strides


def add_at(a, source, index):
    """``a`` with ``source`` added at ``index`` (atomic adds: a place named twice sums in the GPU's order)."""
    return add(a, index_backward(source, a.shape, index))


def concatenate(arrays, axis):
    """``np.concatenate``: each input is written into its slab of the output."""
    arrays = [on_device(a) for a in arrays]
    dtype = np.result_type(*(a.dtype for a in arrays))
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    out = empty(tuple(shape), dtype)
    start = 0
    for a in arrays:
        offset, strides = _axis_view(tuple(shape), axis, start)
        scatter(out, astype(a, dtype), offset, strides)
        start += a.shape[axis]
    return out


def split_at(a, sizes, axis):
    """``a`` cut along ``axis`` into pieces of the given sizes (copies)."""
    a = on_device(a)
    pieces, start = [], 0
    for size in sizes:
        shape = list(a.shape)
        shape[axis] = size
        offset, strides = _axis_view(tuple(a.shape), axis, start)
        pieces.append(gather(a, offset, shape, strides))
        start += size
    return pieces


def stack(arrays, axis):
    """``np.stack``: join equally-shaped arrays along a new axis."""
    arrays = [on_device(a) for a in arrays]
    shape = tuple(arrays[0].shape)
    return concatenate([a.reshape(shape[:axis] + (1,) + shape[axis:]) for a in arrays], axis)


def _pad_regions(shape, pads):
    """(offset, shape, strides) of the matching regions of the input and of the padded output."""
    out_shape = tuple(n + b + e for n, (b, e) in zip(shape, pads))
    src_start = [max(-b, 0) for b, _ in pads]
    dst_start = [max(b, 0) for b, _ in pads]
    region = tuple(n - max(-b, 0) - max(-e, 0) for n, (b, e) in zip(shape, pads))
    s_in, s_out = contiguous_strides(shape), contiguous_strides(out_shape)
    src = (sum(i * s for i, s in zip(src_start, s_in)), region, s_in)
    dst = (sum(i * s for i, s in zip(dst_start, s_out)), region, s_out)
    return out_shape, src, dst


def pad_constant(a, pads, value):
    """``a`` with ``pads[d] = (before, after)`` elements of ``value`` added on each side of dim d."""
    a = on_device(a)
    out_shape, (s_off, region, s_st), (d_off, _, d_st) = _pad_regions(tuple(a.shape), pads)
    out = full(out_shape, value, a.dtype)
    return scatter(out, gather(a, s_off, region, s_st), d_off, d_st)


def pad_constant_backward(g, pads, in_shape):
    g = on_device(g)
    _, (s_off, region, s_st), (d_off, _, d_st) = _pad_regions(tuple(in_shape), pads)
    out = _zeros(tuple(in_shape), g.dtype)
    return scatter(out, gather(g, d_off, region, d_st), s_off, s_st)


# ---------------------------------------------------------------------------- in-place writes
def fill_(a, value):
    """Fill in place."""
    from .creation import _fill
    if a.size:
        _fill[grid(a.size)](flat(a), a.dtype.type(value))
    return a


def copy_(a, src):
    """Copy ``src`` (broadcast to ``a``'s shape) into ``a`` in place."""
    from .reduce import broadcast_to
    src = on_device(src, a.dtype)
    if tuple(src.shape) != tuple(a.shape):
        src = broadcast_to(src, a.shape)
    if a.size:
        a.copy_to_device(src)
    return a


def setitem_(a, index, value):
    """``a[index] = value`` in place (value a number or an array broadcast to the indexed shape)."""
    from .reduce import broadcast_to
    offset, vshape, vstrides, advanced = _plan(tuple(a.shape), index)
    if advanced:
        order, first, idx = _advanced_layout(vshape, advanced)
        view = gather(a, offset, vshape, vstrides)
        if order != sorted(order):
            view = _permute(view, order)
        shape = tuple(view.shape)
        k = len(advanced)
        size, post = int(np.prod(shape[first:first + k])), int(np.prod(shape[first + k:]))
        target = shape[:first] + tuple(idx.shape) + shape[first + k:]
    else:
        target = vshape
    if is_host_scalar(value):
        value = full(target, value, a.dtype)
    else:
        value = on_device(value, a.dtype)
        if tuple(value.shape) != target:
            value = broadcast_to(value, target)
    if advanced:
        if value.size:
            _put[grid(value.size)](flat(view), flat(value), flat(idx), size, post)
        value = _permute(view, tuple(np.argsort(order))) if order != sorted(order) else view
    return scatter(a, value.reshape(vshape), offset, vstrides)

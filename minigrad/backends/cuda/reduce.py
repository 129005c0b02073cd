"""CUDA kernels: reductions, mirroring ``backends/cpu/reduce.py``.

Reduced axes are grouped into runs of neighbouring axes; each run is reduced
in turn, the array seen as (outer, length, inner):

* inner == 1 (reducing the last axes): one block per row, threads stride along
  the row, then a shared-memory tree. Few long rows are first cut in chunks,
  each reduced by its own block, then the chunks' partials are reduced again.
* inner > 1: one thread per output, looping over ``length``; neighbouring
  threads read neighbouring addresses.
"""
import math

import numpy as np
from numba import cuda, float32, float64, int64, types

from ._runtime import F32, I64, MAX_BLOCKS, SIMULATOR, b1, device_function, empty, flat, grid, i64, kernel, on_device
from ._strided import gather

__all__ = ["sum", "broadcast_to", "mean", "var", "amax", "amin", "argmax", "argmin",
           "take_along_axis", "scatter_along_axis", "cumsum", "cumprod", "prod"]

SUM, MAX, MIN, PROD = range(4)
ROW_THREADS = 16 if SIMULATOR else 256  # threads per block of the row kernel (a power of two)
CHUNK = ROW_THREADS * 16  # elements per block when long rows are split


def _combine(op, x, y):
    if op == SUM:
        return x + y
    if op == PROD:
        return x * y
    if op == MAX:  # NaN wins, as np.max
        return x if (x >= y or x != x) else y
    return x if (x <= y or x != x) else y


def _row_kernel(dtype, name):
    combine = device_function(_combine)

    def rows(op, out, a, n_rows, length, chunks, init):
        """out[row * chunks + c] = op-reduction of a[row, c-th chunk]."""
        partial = cuda.shared.array(ROW_THREADS, dtype)
        t = cuda.threadIdx.x
        chunk_len = (length + chunks - 1) // chunks
        block = cuda.blockIdx.x
        while block < n_rows * chunks:
            row = block // chunks
            start = (block % chunks) * chunk_len
            stop = min(start + chunk_len, length)
            acc = init
            k = start + t
            while k < stop:
                acc = combine(op, acc, a[row * length + k])
                k += ROW_THREADS
            partial[t] = acc
            cuda.syncthreads()
            step = ROW_THREADS // 2
            while step > 0:
                if t < step:
                    partial[t] = combine(op, partial[t], partial[t + step])
                cuda.syncthreads()
                step //= 2
            if t == 0:
                out[block] = partial[0]
            cuda.syncthreads()
            block += cuda.gridDim.x

    def inner(op, out, a, outer, length, inner_size, init):
        """out[o, j] = op-reduction over k of a[o, k, j]."""
        i = cuda.grid(1)
        while i < outer * inner_size:
            o = i // inner_size
            j = i % inner_size
            acc = init
            base = o * length * inner_size + j
            for k in range(length):
                acc = combine(op, acc, a[base + k * inner_size])
            out[i] = acc
            i += cuda.gridsize(1)

    arr = types.Array(dtype, 1, "C")
    rows.__name__ = rows.__qualname__ = f"_reduce_rows_{name}"
    inner.__name__ = inner.__qualname__ = f"_reduce_inner_{name}"
    return (kernel((i64, arr, arr, i64, i64, i64, dtype), cache=False)(rows),
            kernel((i64, arr, arr, i64, i64, i64, dtype), cache=False)(inner))


_KERNELS = {np.dtype(np.float32): _row_kernel(float32, "f32"), np.dtype(np.int64): _row_kernel(int64, "i64"),
            np.dtype(np.float64): _row_kernel(float64, "f64")}


def _identity(op, dtype):
    if op == SUM or op == PROD:
        return dtype.type(0 if op == SUM else 1)
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return dtype.type(-big if op == MAX else big)


def _reduce_run(a, start, stop, op):
    """Reduce axes [start, stop) of contiguous ``a``, keeping them as size-1 dims."""
    shape = tuple(a.shape)
    outer = math.prod(shape[:start])
    length = math.prod(shape[start:stop])
    inner = math.prod(shape[stop:])
    out_shape = shape[:start] + (1,) * (stop - start) + shape[stop:]
    rows, per_output = _KERNELS[a.dtype]
    init = _identity(op, a.dtype)
    if inner == 1:
        chunks = 1 if outer >= 64 or length <= 2 * CHUNK else min(math.ceil(length / CHUNK), 256)
        partial = empty((outer * chunks,), a.dtype)
        rows[min(outer * chunks, MAX_BLOCKS), ROW_THREADS](op, partial, flat(a), outer, length, chunks, init)
        if chunks > 1:
            out = empty((outer,), a.dtype)
            rows[min(outer, MAX_BLOCKS), ROW_THREADS](op, out, partial, outer, chunks, 1, init)
            partial = out
        return partial.reshape(out_shape)
    out = empty(out_shape, a.dtype)
    per_output[grid(outer * inner)](op, flat(out), flat(a), outer, length, inner, init)
    return out


def reduce(a, axis, keepdims, op):
    """Reduce float32 or int64 ``a`` over ``axis`` (None, int or tuple) with SUM, MAX, MIN or PROD."""
    a = on_device(a)
    ndim = a.ndim
    axes = tuple(range(ndim)) if axis is None else tuple(sorted({int(d) % ndim for d in np.atleast_1d(axis)}))
    if a.size == 0 and op in (MAX, MIN):
        raise ValueError("zero-size array to reduction operation which has no identity")
    out = a
    if a.size == 0:
        from .creation import full
        out = full(tuple(1 if d in axes else s for d, s in enumerate(a.shape)), 0 if op == SUM else 1, a.dtype)
    else:
        runs, d = [], 0
        for ax in axes:  # maximal runs of neighbouring axes
            if runs and runs[-1][1] == ax:
                runs[-1][1] = ax + 1
            else:
                runs.append([ax, ax + 1])
        for start, stop in reversed(runs):
            out = _reduce_run(out, start, stop, op)
        if out is a:
            from .creation import copy
            out = copy(a)
    if keepdims:
        return out
    return out.reshape(tuple(s for d, s in enumerate(a.shape) if d not in axes))


def sum(a, axis=None, keepdims=False):  # noqa: A001
    """``np.sum``: float arrays keep their dtype, bool and int arrays sum in int64."""
    a = on_device(a)
    if a.dtype.kind in "biu" and a.dtype != np.int64:
        from .creation import astype
        a = astype(a, np.int64)
    return reduce(a, axis, keepdims, SUM)


def broadcast_to(a, shape):
    """``np.broadcast_to``, materialised as a new contiguous array."""
    from .elementwise import broadcast_strides
    a = on_device(a)
    shape = tuple(int(s) for s in shape)
    np.broadcast_shapes(tuple(a.shape), shape)  # raises numpy's error for incompatible shapes
    return gather(a, 0, shape, broadcast_strides(a.shape, shape))


def mean(a, axis=None, keepdims=False):
    """``np.mean`` in the input's float dtype."""
    a = on_device(a)
    total = reduce(a, axis, keepdims, SUM)
    count = max(a.size, 1) // max(total.size, 1) if a.size else 0
    from .elementwise import div
    return div(total, a.dtype.type(count))


def var(a, axis=None, correction=1, keepdims=False):
    """Variance with ``correction`` subtracted from the count: the mean first, then squared deviations."""
    from .elementwise import div, mul, sub
    a = on_device(a)
    centred = sub(a, mean(a, axis, keepdims=True))
    total = reduce(mul(centred, centred), axis, keepdims, SUM)
    count = a.size // max(total.size, 1)
    return div(total, a.dtype.type(max(count - correction, 0)))


def amax(a, axis=None, keepdims=False):
    """``np.max`` (NaN wins)."""
    return reduce(_as_reducible(a), axis, keepdims, MAX)


def amin(a, axis=None, keepdims=False):
    return reduce(_as_reducible(a), axis, keepdims, MIN)


def _as_reducible(a):
    a = on_device(a)
    if a.dtype.kind in "biu" and a.dtype != np.int64:
        from .creation import astype
        a = astype(a, np.int64)
    return a


@kernel((I64, F32, i64, i64, i64, i64))
def _arg_reduce(out, a, outer, length, inner, want_max):
    """out[o, j] = first position k of the max (or min) of a[o, :, j]; the first NaN wins, as np.argmax."""
    i = cuda.grid(1)
    while i < outer * inner:
        o = i // inner
        j = i % inner
        base = o * length * inner + j
        best = a[base]
        best_k = 0
        if best == best:
            for k in range(1, length):
                v = a[base + k * inner]
                if v != v:
                    best_k = k
                    break
                if (v > best) if want_max != 0 else (v < best):
                    best = v
                    best_k = k
        out[i] = best_k
        i += cuda.gridsize(1)


def _arg(a, axis, keepdims, want_max):
    a = on_device(a, np.float32)
    if a.size == 0:
        raise ValueError("attempt to get argmax of an empty sequence")
    shape = tuple(a.shape)
    if axis is None:
        outer, length, inner, out_shape = 1, a.size, 1, (1,) * len(shape) if keepdims else ()
    else:
        d = int(axis) % max(len(shape), 1)
        outer, length, inner = math.prod(shape[:d]), shape[d], math.prod(shape[d + 1:])
        out_shape = shape[:d] + ((1,) if keepdims else ()) + shape[d + 1:]
    out = empty(out_shape, np.int64)
    _arg_reduce[grid(outer * inner)](flat(out), flat(a), outer, length, inner, 1 if want_max else 0)
    return out


def argmax(a, axis=None, keepdims=False):
    """First position of the maximum (NaN counts as the maximum), as int64."""
    return _arg(a, axis, keepdims, True)


def argmin(a, axis=None, keepdims=False):
    return _arg(a, axis, keepdims, False)


@kernel((F32, F32, I64, i64, i64, i64, i64))
def _take_along(out, a, index, length, n_index, inner, scatter_back):
    """For a (outer, length, inner) and index/out (outer, n_index, inner): out = a[o, index, j] (or the reverse)."""
    i = cuda.grid(1)
    while i < index.size:
        j = i % inner
        o = i // (n_index * inner)
        k = index[i]
        if k < 0:
            k += length
        src = (o * length + k) * inner + j
        if scatter_back:
            a[src] = out[i]
        else:
            out[i] = a[src]
        i += cuda.gridsize(1)


def _along_geometry(shape, indices_shape, axis):
    d = int(axis) % len(shape)
    if tuple(s for k, s in enumerate(shape) if k != d) != tuple(s for k, s in enumerate(indices_shape) if k != d):
        raise ValueError(f"take_along_axis: CUDA needs the index's shape {tuple(indices_shape)} to match the "
                         f"array's {tuple(shape)} off the axis {d}")
    return shape[d], indices_shape[d], math.prod(shape[d + 1:])


def take_along_axis(a, indices, axis):
    """``np.take_along_axis`` (index and array agree off ``axis``)."""
    a, indices = on_device(a), on_device(indices, np.int64)
    length, n_index, inner = _along_geometry(tuple(a.shape), tuple(indices.shape), axis)
    out = empty(indices.shape, a.dtype)
    if out.size:
        _take_along[grid(out.size)](flat(out), flat(a), flat(indices), length, n_index, inner, 0)
    return out


def scatter_along_axis(values, indices, axis, shape):
    """Zeros of ``shape`` with ``values`` put at ``indices`` along ``axis`` (one index per slice: no collisions)."""
    from .creation import zeros
    values, indices = on_device(values), on_device(indices, np.int64)
    out = zeros(tuple(shape), values.dtype)
    length, n_index, inner = _along_geometry(tuple(shape), tuple(indices.shape), axis)
    if values.size:
        _take_along[grid(values.size)](flat(values), flat(out), flat(indices), length, n_index, inner, 1)
    return out


@kernel((F32, F32, i64, i64, b1, b1), (I64, I64, i64, i64, b1, b1))
def _scan(out, a, length, inner, reverse, product):
    """Running sums (or products) for a and out seen as (outer, length, inner): one thread per (o, j) runs along
    its line."""
    i = cuda.grid(1)
    lines = a.size // length if length else 0
    while i < lines:
        base = (i // inner) * length * inner + i % inner
        first = base + (length - 1 if reverse else 0) * inner
        total = a[first]
        out[first] = total
        for step in range(1, length):
            k = base + (length - 1 - step if reverse else step) * inner
            total = total * a[k] if product else total + a[k]
            out[k] = total
        i += cuda.gridsize(1)


def _running(a, axis, reverse, product):
    a = _as_reducible(a)
    shape = tuple(a.shape)
    d = int(axis) % max(len(shape), 1)
    length, inner = (shape[d] if shape else 1), math.prod(shape[d + 1:])
    out = empty(shape, a.dtype)
    if a.size:
        _scan[grid(a.size // length)](flat(out), flat(a), length, inner, bool(reverse), bool(product))
    return out


def cumsum(a, axis, reverse=False):
    """Running sums along ``axis`` (from the end with ``reverse``), float32, or int64 for integers."""
    return _running(a, axis, reverse, False)


def cumprod(a, axis, reverse=False):
    """Running products along ``axis`` (from the end with ``reverse``), float32, or int64 for integers."""
    return _running(a, axis, reverse, True)


def prod(a, axis=None, keepdims=False):
    """``np.prod``: float arrays keep their dtype, bool and int arrays multiply in int64."""
    return reduce(_as_reducible(a), axis, keepdims, PROD)

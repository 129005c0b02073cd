"""Float sums added in PyTorch's CPU order, so that sum, mean and the losses' means equal PyTorch's to the last bit.

PyTorch's sum kernel (its "cascade sum") reads a row as vectors of 8 floats (or 4 doubles; the kernel is
dispatched to AVX2 code even where AVX-512 is there) and adds them in four interleaved accumulators, each a
cascade of four levels: level 0 takes 2**p values, then is added into level 1, and so on, p = max(4,
ceil(log2(size)) / 4). The vector's lanes and the values left over are added last, one after another. A
reduction over the leading dims adds each column the same way, four vectors of columns at a time. A full sum of
32768 values or more is split among the threads (torch_threads.py), each share summed so, then the shares added
in order.

Here for contiguous float32 and float64 arrays summed over all dims, over trailing dims (rows), over leading dims
(columns), over middle dims (columns of each slab) or over leading and trailing dims together (rows, then added
in order); other layouts and dtypes keep numpy's pairwise sum."""
import numpy as np
from numba import get_num_threads, njit, prange

from .jit import kernel
from .torch_threads import thread_shares

_LEVELS, _ILP = 4, 4  # PyTorch's cascade depth and its interleaved accumulators
_SERIAL_BELOW = 1 << 16  # smaller sums run on one of minigrad's threads (waking the others costs more)


def lanes_of(dtype):
    """Values in one of PyTorch's sum vectors: 8 float32, 4 float64 (256-bit AVX2 vectors)."""
    return 32 // np.dtype(dtype).itemsize


@njit(inline="always")
def _level_power(size):
    bits = 0
    while (1 << bits) < size:
        bits += 1
    return max(4, bits // _LEVELS)


@njit(inline="always")
def _cascade(x, start, stride, parts, part_stride, width, size, acc):
    """PyTorch's multi_row_sum: ``size`` blocks, block i at x[start + i * stride], each ``parts`` runs of
    ``width`` values ``part_stride`` apart; value m of run k added into sum k * width + m, all sums in one
    four-level cascade (level 0 takes 2**p blocks, then is added into level 1, and so on). The sums end in
    acc[0, :parts * width] (acc: a scratch of shape (_LEVELS, parts * width) or more, zeroed here)."""
    n = parts * width
    acc[:, :n] = 0
    power = _level_power(size)
    level_step = 1 << power
    mask = level_step - 1
    i = 0
    while i < size:
        last = min(size, i + level_step)
        whole = i + level_step <= size
        for _ in range(i, last):
            for k in range(parts):
                base = start + i * stride + k * part_stride
                for m in range(width):
                    acc[0, k * width + m] += x[base + m]
            i += 1
        if not whole:  # (the blocks left over stay in level 0)
            break
        for level in range(1, _LEVELS):
            for j in range(n):
                acc[level, j] += acc[level - 1, j]
                acc[level - 1, j] = 0
            if i & (mask << (level * power)) != 0:
                break
    for level in range(1, _LEVELS):
        for j in range(n):
            acc[0, j] += acc[level, j]


@njit(inline="always")
def _interleaved_sum(x, start, vector_stride, width, size, acc):
    """PyTorch's row_sum of ``size`` vectors of ``width`` lanes, vector i at x[start + i * vector_stride]
    (width 1: single values): four interleaved cascades over groups of four vectors, the vectors left over added
    to the first, then the four added; the result in acc[0, :width]."""
    groups = size // _ILP
    if vector_stride == width:  # (contiguous vectors: a group is one run, the same sums, a simpler loop)
        _cascade(x, start, _ILP * width, 1, 0, _ILP * width, groups, acc)
    else:
        _cascade(x, start, _ILP * vector_stride, _ILP, vector_stride, width, groups, acc)
    for i in range(groups * _ILP, size):
        base = start + i * vector_stride
        for lane in range(width):
            acc[0, lane] += x[base + lane]
    for k in range(1, _ILP):
        for lane in range(width):
            acc[0, lane] += acc[0, k * width + lane]


@njit(inline="always")
def _contiguous_sum(x, start, size, width, acc, zero):
    """PyTorch's sum of x[start:start + size] (contiguous): whole vectors by ``_interleaved_sum``, then the
    values left over and the vector's lanes added one after another; fewer values than a vector holds by the
    scalar row sum."""
    if size < width:
        _interleaved_sum(x, start, 1, 1, size, acc)
        return zero + acc[0, 0]
    vectors = size // width
    _interleaved_sum(x, start, width, width, vectors, acc)
    result = zero
    for i in range(vectors * width, size):
        result += x[start + i]
    for lane in range(width):
        result += acc[0, lane]
    return zero + result  # (PyTorch adds it into an output filled with zero)


@njit(inline="always")
def _one_row(x, start, size, width, zero):
    return _contiguous_sum(x, start, size, width, np.empty((_LEVELS, _ILP * width), x.dtype), zero)


@kernel(parallel=True)
def _row_sums(x, size, width, out, zero):
    """out[r] = the sum of x[r * size:(r + 1) * size] (a row, or a thread's share of a full sum)."""
    for row in prange(out.size):
        start = row * size
        out[row] = _one_row(x, start, min(size, x.size - start), width, zero)


@kernel()
def _row_sums_serial(x, size, width, out, zero):
    for row in range(out.size):
        start = row * size
        out[row] = _one_row(x, start, min(size, x.size - start), width, zero)


@njit(inline="always")
def _cascade_down_columns(x, c0, c1, out, zero):
    """Columns c0..c1 of x (size, columns), each added down its rows as PyTorch's multi_row_sum adds a vector
    lane: one cascade (the rows outside, the columns inside: neighbours in memory)."""
    size, columns = x.shape
    acc = np.empty((_LEVELS, c1 - c0), x.dtype)
    _cascade(x.reshape(-1), c0, columns, 1, 0, c1 - c0, size, acc)
    for c in range(c1 - c0):
        out[c0 + c] = zero + acc[0, c]


@njit(inline="always")
def _interleaved_down_columns(x, c0, c1, out, zero):
    """Columns c0..c1, each added down its rows as PyTorch's row_sum adds a vector lane or a single column."""
    size, columns = x.shape
    acc = np.empty((_LEVELS, _ILP * (c1 - c0)), x.dtype)
    _interleaved_sum(x.reshape(-1), c0, columns, c1 - c0, size, acc)
    for c in range(c1 - c0):
        out[c0 + c] = zero + acc[0, c]


_COLUMN_CHUNK = 256  # columns a task adds at a time (a multiple of every vector block)


@kernel(parallel=True)
def _column_sums(x, cascaded, out, zero):
    """Each column of each slab x[s] (slabs, size, columns): the first ``cascaded`` in one cascade each, the rest
    interleaved."""
    slabs, columns = x.shape[0], x.shape[2]
    chunks = (columns + _COLUMN_CHUNK - 1) // _COLUMN_CHUNK
    for task in prange(slabs * chunks):
        slab, c0 = task // chunks, task % chunks * _COLUMN_CHUNK
        c1 = min(columns, c0 + _COLUMN_CHUNK)
        if c0 < cascaded:
            _cascade_down_columns(x[slab], c0, min(c1, cascaded), out[slab], zero)
        if c1 > cascaded:
            _interleaved_down_columns(x[slab], max(c0, cascaded), c1, out[slab], zero)


@kernel()
def _column_sums_serial(x, cascaded, out, zero):
    columns = x.shape[2]
    for slab in range(x.shape[0]):
        if cascaded:
            _cascade_down_columns(x[slab], 0, cascaded, out[slab], zero)
        if columns > cascaded:
            _interleaved_down_columns(x[slab], cascaded, columns, out[slab], zero)


def _rows(x, size, count, dtype):
    out = np.empty(count, dtype)
    rule = _row_sums_serial if x.size < _SERIAL_BELOW else _row_sums
    rule(x, size, lanes_of(dtype), out, dtype.type(0))
    return out


def full_sum(a):
    """The sum of every value of a contiguous float32 or float64 array, as PyTorch's CPU sum adds them (a 0-d
    array)."""
    flat = np.ravel(a, order="K")  # (memory order, a view of a contiguous array: PyTorch's order too)
    shares = thread_shares(flat.size, get_num_threads())
    parts = _rows(flat, max(1, shares[0][1]), len(shares), a.dtype)
    total = a.dtype.type(0)
    for part in parts:  # (the threads' results added into a zero, in order)
        total = total + (a.dtype.type(0) + part)
    return np.asarray(a.dtype.type(0) + total)


def row_sums(a, rows):
    """Sums over the trailing dims of a C-contiguous array seen as (rows, -1)."""
    x = a.reshape(rows, -1)
    if x.shape[1] == 0:
        return np.zeros(rows, a.dtype)
    return _rows(x.reshape(-1), x.shape[1], rows, a.dtype)


def column_sums(a, size, slabs=1):
    """Sums over the middle dims of a C-contiguous array seen as (slabs, size, -1): over its leading dims when
    ``slabs`` is 1. PyTorch adds the columns of whole blocks of four vectors (fewer columns than a vector: of whole
    groups of four) in one cascade each, the others by its interleaved row sum; each column's order does not
    depend on its neighbours, so the columns are added side by side here, and a slab's as if it were alone
    (PyTorch's threads split the slabs, not a column)."""
    x = a.reshape(slabs, size, -1)
    columns = x.shape[2]
    out = np.zeros((slabs, columns), a.dtype)
    if size:
        width = lanes_of(a.dtype)
        block = _ILP * (width if columns >= width else 1)
        rule = _column_sums_serial if x.size < _SERIAL_BELOW else _column_sums
        rule(x, columns // block * block, out, a.dtype.type(0))
    return out.reshape(-1)


@kernel()
def _add_rows_in_order(rows, out):
    """out[m] += rows[0, m], then rows[1, m], and so on: one running sum per column, in order of the rows."""
    for row in range(rows.shape[0]):
        for m in range(rows.shape[1]):
            out[m] += rows[row, m]


def outer_and_row_sums(a, outer, middle):
    """Sums over the leading and the trailing dims of a C-contiguous array seen as (outer, middle, -1), the
    middle ones kept, as PyTorch adds them: each (o, m) row's sum, then the rows' sums of one m added into a
    zero in order of o (its kernel's loop over the outer dim, around the row sum)."""
    rows = row_sums(a, outer * middle).reshape(outer, middle)
    out = np.zeros(middle, a.dtype)  # (PyTorch's zero-filled output: a sum of -0.0s is +0.0)
    _add_rows_in_order(rows, out)
    return out

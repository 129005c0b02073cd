"""CPU kernels: softmax and log_softmax, forward and backward, rounded as PyTorch's CPU kernels round them.

float32 follows PyTorch's two kernels step for step, so that its results are PyTorch's to the last bit:
- over the last dim, one row at a time: the row's max; exp(x - max) by the vector exp (``vector_exp``); their sum
  in the lanes of PyTorch's vector (``lane_sum``: 16 with AVX-512, 8 with AVX2); softmax multiplies by 1 / sum,
  log_softmax subtracts the vector log of the sum from x - max. The backward passes sum g·y (softmax) or g
  (log_softmax) in the same lanes.
- over another dim, one position of the dims after it at a time: sums in the dim's order, softmax divides by its
  sum, and the backward passes add g·y with an FMA. PyTorch computes a vector of positions at a time and those
  left over one by one with the C library's expf (``scalar_exp``); which positions are left over depends on its
  chunks of work (``_split_positions``, ``chunked_positions``).
Other dtypes (float64) take numpy's expressions of the same formulas."""
import math
import os

import numpy as np
from llvmlite import binding
from numba import get_num_threads, njit, prange

from .jit import float32_bits, float32_from_bits, fused_multiply_add, kernel
from ..elements import vector_math, with_instructions
from .. import checks

__all__ = ["softmax", "softmax_backward", "log_softmax", "log_softmax_backward"]

_INSTRUCTIONS = dict(fused_multiply_add=fused_multiply_add, float32_bits=float32_bits,
                     float32_from_bits=float32_from_bits)
vector_exp = njit(inline="always")(with_instructions(vector_math.vector_exp, **_INSTRUCTIONS))
vector_log = njit(inline="always")(with_instructions(vector_math.vector_log, **_INSTRUCTIONS))


def _vector_lanes():
    """float32 values in PyTorch's vector on this machine: 16 where its AVX-512 kernels run, else 8 (AVX2)."""
    capability = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()  # (PyTorch's own override)
    features = binding.get_host_cpu_features()
    avx512 = all(features.get(flag, False) for flag in ("avx512f", "avx512bw", "avx512vl", "avx512dq"))
    return 16 if avx512 and capability in ("", "avx512") else 8


LANES = _vector_lanes()
_BLOCK_BYTES = 128 * 1024  # PyTorch's block of work for a softmax over a dim other than the last
_TASK_VALUES = 256  # values a task of the kernels over the last dim takes at least, in rows shorter than that
_BLOCK = 256  # positions a task of the kernels over a middle dim takes, neighbours in memory


@njit(inline="always")
def scalar_exp(v):
    """exp of a float32 by the C library's expf, as PyTorch's scalar code calls it (Numba compiles math.exp of a
    float32 to a call of expf)."""
    return math.exp(v)


@njit(inline="always")
def lane_sum(values, lanes):
    """The sum of ``values`` in PyTorch's vector order (``lanes``: a scratch array, one element per lane of
    PyTorch's vector: each lane adds every LANES-th value, the tail into the first lanes, then halves fold)."""
    width = lanes.size
    n = values.size
    if n < width:
        total = values[0]
        for i in range(1, n):
            total += values[i]
        return total
    for lane in range(width):
        lanes[lane] = values[lane]
    start = width
    while start + width <= n:
        for lane in range(width):
            lanes[lane] += values[start + lane]
        start += width
    for lane in range(n - start):
        lanes[lane] += values[start + lane]
    return folded_lanes(lanes)


@njit(inline="always")
def vector_total(lanes):
    """The sum of a vector's lanes as PyTorch's ``vec_reduce_all`` forms it: folded by halves for floats (its
    AVX2 and AVX-512 code), added in order for doubles (its generic code)."""
    if lanes.itemsize == 4:
        return folded_lanes(lanes)
    total = lanes[0]
    for lane in range(1, lanes.size):
        total += lanes[lane]
    return total


@njit(inline="always")
def folded_lanes(lanes):
    """A vector's lanes added as PyTorch's horizontal sum adds them: the upper half into the lower, again and
    again, down to lanes[0], which is returned."""
    width = lanes.size // 2
    while width > 0:
        for lane in range(width):
            lanes[lane] += lanes[lane + width]
        width //= 2
    return lanes[0]


@njit(inline="always")
def _row_tasks(rows, length):
    """The tasks of the kernels over the last dim, and the rows each takes: a row, or rows of about _TASK_VALUES
    values in all where rows are short (one scratch vector per task, not per row: many short rows would spend
    their time allocating it)."""
    per_task = max(1, _TASK_VALUES // max(length, 1))
    return (rows + per_task - 1) // per_task, per_task


@kernel(parallel=True)
def _rows_forward(x, out, log, width):
    tasks, per_task = _row_tasks(x.shape[0], x.shape[1])
    for task in prange(tasks):
        lanes = np.empty(width, x.dtype)
        for row in range(task * per_task, min(x.shape[0], (task + 1) * per_task)):
            peak = x[row, 0]
            for j in range(1, x.shape[1]):
                peak = max(peak, x[row, j])  # (a NaN anywhere makes the whole row NaN either way)
            for j in range(x.shape[1]):
                out[row, j] = vector_exp(x[row, j] - peak)
            total = lane_sum(out[row], lanes)
            if log:
                log_total = vector_log(total)
                for j in range(x.shape[1]):
                    out[row, j] = (x[row, j] - peak) - log_total
            else:
                inverse = np.float32(1) / total
                for j in range(x.shape[1]):
                    out[row, j] *= inverse


@kernel(parallel=True)
def _rows_backward(g, y, out, log, width):
    tasks, per_task = _row_tasks(g.shape[0], g.shape[1])
    for task in prange(tasks):
        lanes = np.empty(width, g.dtype)
        for row in range(task * per_task, min(g.shape[0], (task + 1) * per_task)):
            if log:
                total = lane_sum(g[row], lanes)
                for j in range(g.shape[1]):
                    out[row, j] = fused_multiply_add(-vector_exp(y[row, j]), total, g[row, j])
            else:
                for j in range(g.shape[1]):
                    out[row, j] = g[row, j] * y[row, j]  # (the products, rounded, then summed in lanes)
                total = lane_sum(out[row], lanes)
                for j in range(g.shape[1]):
                    out[row, j] = (g[row, j] - total) * y[row, j]


@njit(inline="always")
def _block(task, blocks, inner):
    """The (outer index, first, last + 1) positions of one block of work over the dims after the softmax's."""
    o, start = task // blocks, (task % blocks) * _BLOCK
    return o, start, min(inner, start + _BLOCK)


@kernel(parallel=True)
def _positions_forward(x, out, vector, log):
    outer, length, inner = x.shape
    blocks = (inner + _BLOCK - 1) // _BLOCK
    for task in prange(outer * blocks):
        o, start, stop = _block(task, blocks, inner)
        peak, total = x[o, 0, start:stop].copy(), np.zeros(stop - start, x.dtype)
        for d in range(1, length):
            for i in range(start, stop):
                peak[i - start] = max(peak[i - start], x[o, d, i])  # (a NaN makes the sum NaN either way)
        if vector[o * inner + start:o * inner + stop].all():
            for d in range(length):
                for i in range(start, stop):
                    e = vector_exp(x[o, d, i] - peak[i - start])
                    total[i - start] += e
                    out[o, d, i] = e
        else:  # (positions PyTorch leaves to the C library's exp)
            for d in range(length):
                for i in range(start, stop):
                    shifted = x[o, d, i] - peak[i - start]
                    e = vector_exp(shifted) if vector[o * inner + i] else scalar_exp(shifted)
                    total[i - start] += e
                    out[o, d, i] = e
        if log:
            for i in range(start, stop):
                total[i - start] = vector_log(total[i - start])
            for d in range(length):
                for i in range(start, stop):
                    out[o, d, i] = x[o, d, i] - peak[i - start] - total[i - start]
        else:
            for d in range(length):
                for i in range(start, stop):
                    out[o, d, i] /= total[i - start]


@kernel(parallel=True)
def _positions_backward(g, y, out, vector, log):
    outer, length, inner = g.shape
    blocks = (inner + _BLOCK - 1) // _BLOCK
    for task in prange(outer * blocks):
        o, start, stop = _block(task, blocks, inner)
        total = np.zeros(stop - start, g.dtype)
        if log:
            for d in range(length):
                for i in range(start, stop):
                    total[i - start] += g[o, d, i]
            if vector[o * inner + start:o * inner + stop].all():  # (a loop without the C library's call vectorises)
                for d in range(length):
                    for i in range(start, stop):
                        out[o, d, i] = fused_multiply_add(-vector_exp(y[o, d, i]), total[i - start], g[o, d, i])
            else:
                for d in range(length):
                    for i in range(start, stop):
                        e = vector_exp(y[o, d, i]) if vector[o * inner + i] else scalar_exp(y[o, d, i])
                        out[o, d, i] = fused_multiply_add(-e, total[i - start], g[o, d, i])
        else:
            for d in range(length):
                for i in range(start, stop):
                    total[i - start] = fused_multiply_add(g[o, d, i], y[o, d, i], total[i - start])
            for d in range(length):
                for i in range(start, stop):
                    out[o, d, i] = y[o, d, i] * (g[o, d, i] - total[i - start])


@kernel(parallel=True)
def _backward_at_targets(y, classes, at_target, vector, out):
    outer, length, inner = y.shape
    blocks = (inner + _BLOCK - 1) // _BLOCK
    zero = y.dtype.type(0)
    for task in prange(outer * blocks):
        o, start, stop = _block(task, blocks, inner)
        if vector[o * inner + start:o * inner + stop].all():  # (a loop without the C library's call vectorises)
            for d in range(length):
                for i in range(start, stop):
                    a = at_target[o, i]
                    out[o, d, i] = fused_multiply_add(-vector_exp(y[o, d, i]), a, a if classes[o, i] == d else zero)
        else:
            for d in range(length):
                for i in range(start, stop):
                    a = at_target[o, i]
                    e = vector_exp(y[o, d, i]) if vector[o * inner + i] else scalar_exp(y[o, d, i])
                    out[o, d, i] = fused_multiply_add(-e, a, a if classes[o, i] == d else zero)


def log_softmax_backward_at_targets(y, classes, at_target, vector, out):
    """log_softmax's backward over dim 1 of float32 (N, C, S), as PyTorch's, for an upstream gradient that is
    ``at_target`` (N, S) at class ``classes`` (N, S) and 0 elsewhere (nll_loss's), without forming it: its sum over
    the classes is at_target exactly. ``vector``: the positions PyTorch computes with its vector exp
    (``chunked_positions``)."""
    checks.shape_is("log_softmax_backward_at_targets", "classes", classes, (y.shape[0], y.shape[2]))
    checks.same_shape("log_softmax_backward_at_targets", "classes", classes, at_target=at_target)
    checks.same_shape("log_softmax_backward_at_targets", "y", y, out=out)
    checks.size_is("log_softmax_backward_at_targets", "vector", vector, y.shape[0] * y.shape[2])
    _backward_at_targets(y, classes, at_target, vector, out)


@kernel()
def _split_positions(total, inner, threads, width):
    """Which positions PyTorch's softmax forward over a middle dim computes in vectors: its positions split
    evenly among its threads, each thread taking ``width`` at a time while they lie in one row of ``inner`` and
    within its share, the rest one by one."""
    vector = np.zeros(total, np.bool_)
    share = (total + threads - 1) // threads
    for begin in range(0, total, share):
        end = min(total, begin + share)
        index = begin
        while index < end:
            i = index % inner
            if i + width <= inner and index + width <= end:
                vector[index:index + width] = True
                index += width
            else:
                index += (end - index) if index + width > end else inner - i
    return vector


def chunked_positions(outer, length, inner):
    """Which positions PyTorch's log_softmax (and both backward passes) over a middle dim computes in vectors:
    the dims after it cut into chunks of a block's worth, in each chunk all but its last size % LANES."""
    chunk = max(_BLOCK_BYTES // length // 4, LANES) // LANES * LANES
    chunk = min(chunk, inner)
    within = np.arange(inner) % chunk
    size = np.minimum(chunk, inner - (np.arange(inner) // chunk) * chunk)
    vector = within < size - size % LANES
    return np.tile(vector, outer)  # (a writable copy at any outer: one kernel signature)


def _as_three_dims(a, axis):
    """``a`` as a contiguous (outer, length, inner) float32 array around ``axis``."""
    shape = a.shape
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return np.ascontiguousarray(a).reshape(outer, shape[axis], inner)


def _float32_forward(a, axis, log):
    if a.ndim == 0:
        return _float32_forward(a.reshape(1), 0, log).reshape(())
    axis = axis % a.ndim
    out = np.empty(a.shape, np.float32)
    if a.size == 0:
        return out
    if axis == a.ndim - 1:
        _rows_forward(np.ascontiguousarray(a).reshape(-1, a.shape[-1]), out.reshape(-1, a.shape[-1]), log, LANES)
        return out
    x = _as_three_dims(a, axis)
    outer, length, inner = x.shape
    vector = chunked_positions(outer, length, inner) if log else \
        _split_positions(outer * inner, inner, get_num_threads(), LANES)
    _positions_forward(x, out.reshape(x.shape), vector, log)
    return out


def _float32_backward(g, y, axis, log):
    checks.same_shape("log_softmax_backward" if log else "softmax_backward", "grad", g, output=y)
    if g.ndim == 0:
        return _float32_backward(g.reshape(1), y.reshape(1), 0, log).reshape(())
    axis = axis % g.ndim
    out = np.empty(g.shape, np.float32)
    if g.size == 0:
        return out
    if axis == g.ndim - 1:
        length = g.shape[-1]
        _rows_backward(np.ascontiguousarray(g).reshape(-1, length), np.ascontiguousarray(y).reshape(-1, length),
                       out.reshape(-1, length), log, LANES)
        return out
    grad, output = _as_three_dims(g, axis), _as_three_dims(y, axis)
    vector = chunked_positions(*grad.shape)
    _positions_backward(grad, output, out.reshape(grad.shape), vector, log)
    return out


def _float32(*arrays):
    return all(a.dtype == np.float32 for a in arrays)


def softmax(a, axis):
    """exp(a - max) / sum along ``axis``, as PyTorch's softmax (float32: its rounding, see the module)."""
    if _float32(a):
        return _float32_forward(a, axis, log=False)
    with np.errstate(invalid="ignore"):  # (a row of -inf gives NaN, as PyTorch's, without numpy's warning)
        e = np.exp(a - np.max(a, axis=axis, keepdims=True))
        e /= np.sum(e, axis=axis, keepdims=True)
    return e


def softmax_backward(g, y, axis):
    """y * (g - sum(g * y)) from softmax's output ``y``."""
    if _float32(g, y):
        return _float32_backward(g, y, axis, log=False)
    return y * (g - np.sum(g * y, axis=axis, keepdims=True))


def log_softmax(a, axis):
    """(a - max) - log(sum(exp(a - max))) along ``axis``, as PyTorch's log_softmax (in that order: adding max
    to the log first would round at max's magnitude)."""
    if _float32(a):
        return _float32_forward(a, axis, log=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = a - np.max(a, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_backward(g, y, axis):
    """g - exp(y) * sum(g) from log_softmax's output ``y``."""
    if _float32(g, y):
        return _float32_backward(g, y, axis, log=True)
    return g - np.exp(y) * np.sum(g, axis=axis, keepdims=True)

"""Batch norm of inputs with one value per sample and channel ((N, C), (N, C, 1, 1)), summed as PyTorch sums them.

PyTorch's CPU kernel takes such an input as rows of C channels (its channels-last kernel) and cuts the rows among
its threads (``torch_threads.thread_shares`` with a grain of one row). Each thread adds its rows into a buffer of
its own, one float of the input's dtype per channel, the products fused into the sums; the buffers are then added
in float64, in order of the threads, and rounded to the input's dtype. The input gradient is one vector of channels
at a time (8 float32 or 4 float64: its AVX2 code), the channels past the last whole vector computed without the
fused multiply-add. A batch of no more rows than threads has its statistics summed down each channel in float64.
"""
import numpy as np
from numba import get_num_threads, njit, prange

from .jit import fused_multiply_add, kernel
from .torch_threads import thread_shares
from ..elements import norm as elements, with_fused_multiply_add

_normalize = njit(inline="always")(with_fused_multiply_add(elements.normalize, fused_multiply_add))
_relu_passes = njit(inline="always")(with_fused_multiply_add(elements.relu_passes, fused_multiply_add))
_input_gradient = njit(inline="always")(with_fused_multiply_add(elements.input_gradient, fused_multiply_add))
_eval_input_gradient = njit(inline="always")(elements.eval_input_gradient)


def takes_rows(x3):
    """Whether PyTorch treats the (N, C, L) input as rows of channels: one value per plane, float32 or float64."""
    return x3.shape[2] == 1 and x3.dtype in (np.float32, np.float64)


def _shares(rows):
    """(starts, stops) of the threads' shares of ``rows`` rows, as PyTorch's parallel_for cuts them."""
    shares = thread_shares(rows, get_num_threads(), grain=1)
    return np.array([s for s, _ in shares], np.int64), np.array([e for _, e in shares], np.int64)


@njit(inline="always")
def _threads_total(buffer, c):
    """Column c of the threads' buffers added in float64, in order of the threads."""
    total = 0.0
    for t in range(buffer.shape[0]):
        total += np.float64(buffer[t, c])
    return total


@kernel(parallel=True)
def _row_stats(x, starts, stops):
    """(mean, var_sum) per channel of rows x (N, C), of x's dtype: each thread's rows summed into its buffer, the
    buffers added in float64; then the squared deviations from the rounded mean, fused into the buffers' sums."""
    N, C = x.shape
    buffer = np.zeros((starts.size, C), x.dtype)
    for t in prange(starts.size):
        for i in range(starts[t], stops[t]):
            for c in range(C):
                buffer[t, c] += x[i, c]
    mean = np.empty(C, x.dtype)
    for c in range(C):
        mean[c] = _threads_total(buffer, c) / N
    buffer[:] = 0
    for t in prange(starts.size):
        for i in range(starts[t], stops[t]):
            for c in range(C):
                d = x[i, c] - mean[c]
                buffer[t, c] = fused_multiply_add(d, d, buffer[t, c])
    var_sum = np.empty(C, x.dtype)
    for c in range(C):
        var_sum[c] = _threads_total(buffer, c)
    return mean, var_sum


def in_thread_buffers(rows):
    """Whether PyTorch sums ``rows`` rows in its threads' buffers: when they outnumber its threads (fewer are summed
    down each channel in float64, the squares fused: ``norm._stats_of_channels``, measured against PyTorch)."""
    return rows > get_num_threads()


def row_stats(x):
    """(mean, var_sum) of rows x (N, C) as PyTorch forms them in its threads' buffers (module docstring)."""
    return _row_stats(np.ascontiguousarray(x), *_shares(x.shape[0]))


@kernel(parallel=True)
def row_scale_shift(x, scale, shift, relu):
    """y = x·scale[c] + shift[c] of rows x (N, C) (then max(y, 0) when relu), as ``norm._scale_shift`` forms it;
    parallel over rows (a channel's plane of one value is too little work for a task)."""
    N, C = x.shape
    out = np.empty_like(x)
    zero = x.dtype.type(0)
    for i in prange(N):
        for c in range(C):
            out[i, c] = _normalize(x[i, c], scale[c], shift[c], relu, zero)
    return out


@njit(inline="always")
def _passed(g, x, i, c, scale, shift, relu, zero):
    """g[i, c], or zero where the fused ReLU clipped y (loaded first, so that the choice is a vector select)."""
    value = g[i, c]
    return value if _relu_passes(x[i, c], scale[c], shift[c], relu, zero) else zero


@kernel(parallel=True)
def _row_grad_sums(g, x, mean, scale, shift, relu, starts, stops):
    """Per channel the sums of g and of g * (x - mean) over rows (N, C), each thread's in its buffers, the buffers
    added in float64 and rounded to x's dtype (returned as float64); g zeroed where y <= 0 when relu."""
    N, C = x.shape
    zero = x.dtype.type(0)
    sums = np.zeros((starts.size, C), x.dtype)
    dots = np.zeros((starts.size, C), x.dtype)
    for t in prange(starts.size):
        for i in range(starts[t], stops[t]):
            for c in range(C):
                gv = _passed(g, x, i, c, scale, shift, relu, zero)
                sums[t, c] += gv
                dots[t, c] = fused_multiply_add(x[i, c] - mean[c], gv, dots[t, c])
    sum_g = np.empty(C, np.float64)
    sum_gx = np.empty(C, np.float64)
    for c in range(C):
        sum_g[c] = x.dtype.type(_threads_total(sums, c))
        sum_gx[c] = x.dtype.type(_threads_total(dots, c))
    return sum_g, sum_gx


def row_grad_sums(g, x, mean, scale, shift, relu):
    """(sum of g, sum of g * (x - mean)) per channel of rows (N, C), as PyTorch's backward adds them."""
    return _row_grad_sums(g, x, mean, scale, shift, relu, *_shares(x.shape[0]))


@kernel(parallel=True)
def _row_input_gradient(g, x, invstd, weight, mean_g, mean, k, scale, shift, relu, training, width):
    N, C = x.shape
    out = np.empty_like(x)
    zero = x.dtype.type(0)
    whole = C - C % width
    for i in prange(N):
        if not training:
            for c in range(C):
                out[i, c] = _eval_input_gradient(_passed(g, x, i, c, scale, shift, relu, zero), invstd[c], weight[c])
            continue
        for c in range(whole):
            out[i, c] = _input_gradient(_passed(g, x, i, c, scale, shift, relu, zero), x[i, c], invstd[c], weight[c],
                                        mean_g[c], mean[c], k[c])
        for c in range(whole, C):  # (PyTorch's scalar-width tail: each step rounded)
            gv = _passed(g, x, i, c, scale, shift, relu, zero)
            out[i, c] = (gv - mean_g[c] - (x[i, c] - mean[c]) * k[c]) * invstd[c] * weight[c]
    return out


def row_input_gradient(g, x, invstd, weight, mean_g, mean, k, scale, shift, relu, training):
    """The input gradient of rows (N, C), ``norm._grad_input``'s formulas with PyTorch's rows' roundings."""
    return _row_input_gradient(g, x, invstd, weight, mean_g, mean, k, scale, shift, relu, training,
                               32 // x.dtype.itemsize)

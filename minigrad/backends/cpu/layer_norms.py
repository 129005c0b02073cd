"""CPU kernels: layer normalisation over the last dim of a (rows, N) array, forward and backward, float32 and
float64 added and rounded as PyTorch's CPU kernel adds and rounds them, so results equal PyTorch's bit for bit.

PyTorch's layer norm runs its AVX2 code (vectors of 8 floats or 4 doubles) even where AVX-512 is there. A row's
moments are Welford's: the row's whole vectors in chunks of 16, each chunk's running mean and sum of squares
formed lane by lane with FMAs, the chunks' results merged in a binary cascade (Chan's pairwise formula, a level
merged into the next when its count of chunks doubles), then the values after the last whole vector by plain
Welford steps, and last the lanes merged into that one by one. The forward writes (x - mean) * rstd * gamma +
beta (the last product and sum one FMA; without gamma, (x - mean) * rstd + beta one FMA); the backward forms the
row's sums of dy * x (* gamma) and dy (* gamma) as vector sums (a float vector's lanes then folded by halves, a
double vector's added in order) and the input gradient as a * dy (* gamma) + b * x + c, with the weight's and
bias's gradients summed row after row. Where the FMAs go was found by testing each candidate against PyTorch.
"""
import numpy as np
from numba import get_num_threads, njit

from .jit import fused_multiply_add, kernel
from .softmaxes import vector_total
from .. import checks

__all__ = ["layer_norm_forward", "layer_norm_backward"]

_CHUNK = 16  # whole vectors per Welford chunk, as PyTorch's
_LEVELS = 64  # the cascade's depth is at most log2 of the row's chunks


def vector_lanes(dtype):
    """The lanes of PyTorch's AVX2 vector for ``dtype``: 8 floats or 4 doubles."""
    return 32 // np.dtype(dtype).itemsize


@njit(inline="always")
def _merge_vectors(count_add, m1_add, m2_add, count, m1, m2, level, lanes):
    """Chan's merge of moments (count_add, m1_add, m2_add) into ``level`` of the stacks, lane by lane, in
    PyTorch's vector order: m2 + m2_add first, then one FMA of (delta * count) and (c * delta)."""
    total = count[level] + count_add
    one = m1.dtype.type(1)
    c = m1.dtype.type(0) if total == 0 else m1.dtype.type(count_add) / m1.dtype.type(total)
    old = m1.dtype.type(count[level])
    for lane in range(lanes):
        delta = m1_add[lane] - m1[level, lane]
        shifted = c * delta
        m2[level, lane] = fused_multiply_add(delta * old, shifted, m2[level, lane] + m2_add[lane])
        m1[level, lane] = m1[level, lane] + shifted * one
    count[level] = total


@njit(inline="always")
def _ceil_log2(m):
    depth = 1
    while (1 << depth) < m:
        depth += 1
    return depth


@njit(inline="always")
def moment_stacks(x, lanes):
    """Scratch for _row_moments, allocated once for many rows: the cascade's stacks m1, m2 (levels, lanes) and
    count (levels), and a chunk's sums chunk_m1, chunk_m2 (lanes)."""
    return (np.empty((_LEVELS, lanes), x.dtype), np.empty((_LEVELS, lanes), x.dtype), np.empty(_LEVELS, np.int64),
            np.empty(lanes, x.dtype), np.empty(lanes, x.dtype))


@kernel()
def _row_moments(x, start, size, lanes, stacks):
    """(mean, biased variance) of x[start:start + size] as PyTorch's RowwiseMoments forms them, in the scratch
    arrays of ``moment_stacks``."""
    m1, m2, count, chunk_m1, chunk_m2 = stacks
    zero = x.dtype.type(0)
    vectors = size // lanes
    chunks = (vectors + _CHUNK - 1) // _CHUNK
    depth = _ceil_log2(chunks)
    for level in range(depth):
        count[level] = 0
        for lane in range(lanes):
            m1[level, lane] = zero
            m2[level, lane] = zero
    for chunk in range(chunks):
        first = chunk * _CHUNK
        in_chunk = min(_CHUNK, vectors - first)
        for lane in range(lanes):
            chunk_m1[lane] = zero
            chunk_m2[lane] = zero
        for j in range(in_chunk):
            weight = x.dtype.type(1) / x.dtype.type(j + 1)
            base = start + (first + j) * lanes
            for lane in range(lanes):
                v = x[base + lane]
                delta = v - chunk_m1[lane]
                chunk_m1[lane] = fused_multiply_add(weight, delta, chunk_m1[lane])
                chunk_m2[lane] = fused_multiply_add(delta, v - chunk_m1[lane], chunk_m2[lane])
        _merge_vectors(in_chunk, chunk_m1, chunk_m2, count, m1, m2, 0, lanes)
        mask = chunk + 1
        level = 1
        while level < depth and (mask & 1) == 0:
            _merge_vectors(count[level - 1], m1[level - 1], m2[level - 1], count, m1, m2, level, lanes)
            count[level - 1] = 0
            for lane in range(lanes):
                m1[level - 1, lane] = zero
                m2[level - 1, lane] = zero
            mask >>= 1
            level += 1
    for level in range(1, depth):
        _merge_vectors(count[level], m1[level], m2[level], count, m1, m2, 0, lanes)
    seen = 0
    mean = zero
    m2_sum = zero
    for i in range(start + vectors * lanes, start + size):  # (PyTorch's scalar loop: no FMA here)
        delta = x[i] - mean
        seen += 1
        mean = mean + delta / x.dtype.type(seen)
        m2_sum = m2_sum + delta * (x[i] - mean)
    for lane in range(lanes):  # (its scalar merge, compiled with FMAs)
        total = seen + vectors
        c = zero if total == 0 else x.dtype.type(vectors) / x.dtype.type(total)
        delta = m1[0, lane] - mean
        mean = fused_multiply_add(c, delta, mean)
        m2_sum = m2_sum + fused_multiply_add(delta * delta * c, x.dtype.type(seen), m2[0, lane])
        seen = total
    return mean, m2_sum / x.dtype.type(size)


@kernel()
def _forward_row(x, weight, has_weight, bias, eps, lanes, y, means, rstds, row, stacks):
    size = x.shape[1]
    mean, var = _row_moments(x.reshape(-1), row * size, size, lanes, stacks)
    rstd = x.dtype.type(1) / np.sqrt(var + eps)
    for j in range(size):
        if has_weight:  # (a bias of zeros when none is given: the FMA then rounds the product alone)
            y[row, j] = fused_multiply_add((x[row, j] - mean) * rstd, weight[j], bias[j])
        else:  # (PyTorch's compiler folds its multiplication by 1 and fuses the rest)
            y[row, j] = fused_multiply_add(x[row, j] - mean, rstd, bias[j])
    means[row] = mean
    rstds[row] = rstd


@kernel()
def _forward_rows(x, weight, has_weight, bias, eps, lanes, y, means, rstds):
    # (one thread, as the backward: a parallel loop over the rows compiled 1.8 s longer, 3.8 s against 2.0 s)
    stacks = moment_stacks(x, lanes)
    for row in range(x.shape[0]):
        _forward_row(x, weight, has_weight, bias, eps, lanes, y, means, rstds, row, stacks)


def layer_norm_forward(x, weight, bias, eps):
    """PyTorch's native_layer_norm of a C-contiguous (rows, N) float32 or float64 array: (y, mean, rstd), mean
    and rstd one per row; ``weight`` and ``bias`` (N,) arrays or None."""
    rows, size = x.shape
    scale = np.ones(size, x.dtype) if weight is None else np.ascontiguousarray(weight, x.dtype)
    shift = np.zeros(size, x.dtype) if bias is None else np.ascontiguousarray(bias, x.dtype)
    checks.same_shape("layer_norm_forward", "weight", scale, bias=shift)
    if scale.shape != (size,):
        raise ValueError(f"layer_norm_forward: weight and bias of shape ({size},) expected, got {scale.shape}")
    y = np.empty((rows, size), x.dtype)
    means, rstds = np.empty(rows, x.dtype), np.empty(rows, x.dtype)
    _forward_rows(np.ascontiguousarray(x), scale, weight is not None, shift, x.dtype.type(eps), vector_lanes(x.dtype),
                  y, means, rstds)
    return y, means, rstds


@njit(inline="always")
def _product(p, q, q_row, r, row, j):
    return p[row, j] * q[q_row, j] * r[j] if r.size else p[row, j] * q[q_row, j]


@kernel()
def _dot_in_lanes(p, q, q_row, r, row, lanes, fused_tail):
    """The sum over j of p[row, j] * q[q_row, j] (* r[j] when r has values) in PyTorch's vector order
    (``lanes``: a scratch array, one element per lane): the first vector's products, then each lane adds its
    products, those of the last, partial vector with an FMA when ``fused_tail`` (PyTorch's compiler fuses them
    there in its layer norm, not in its group norm), and the lanes fold by halves (floats) or add in order
    (doubles); rows shorter than a vector add their products one by one."""
    width = lanes.size
    n = p.shape[1]
    if n < width:
        total = _product(p, q, q_row, r, row, 0)
        for j in range(1, n):
            total += _product(p, q, q_row, r, row, j)
        return total
    for j in range(width):
        lanes[j] = _product(p, q, q_row, r, row, j)
    whole = n - n % width
    for j in range(width, whole):
        lanes[j % width] += _product(p, q, q_row, r, row, j)
    for j in range(whole, n):
        if not fused_tail:
            lanes[j - whole] += _product(p, q, q_row, r, row, j)
        elif r.size:
            lanes[j - whole] = fused_multiply_add(p[row, j] * q[q_row, j], r[j], lanes[j - whole])
        else:
            lanes[j - whole] = fused_multiply_add(p[row, j], q[q_row, j], lanes[j - whole])
    return vector_total(lanes)


@kernel()
def _backward_rows(g, x, means, rstds, weight, has_weight, share, dx, weight_parts, bias_parts, need_input,
                   need_params, lanes):
    """Each thread share of rows as PyTorch's threads take them: the share's weight and bias gradients summed into
    its own rows of weight_parts and bias_parts, row after row, and each row's input gradient. One thread: the
    shares' sums decide the bits, not who computes them, and a parallel kernel of this size compiled 2.5 s
    longer (3.9 s against 1.5 s), a cost every first run pays; on one thread the forward and backward of a
    (4096, 768) array still took 24 ms against the 28-33 ms of the composite it replaced, of a (64, 768) one
    0.38 ms against 0.60-0.79."""
    rows, size = x.shape
    scale = x.dtype.type(1) / x.dtype.type(size)
    for part in range(weight_parts.shape[0]):
        no_weight = np.empty(0, x.dtype)
        ones = np.ones((1, size), x.dtype)
        scratch = np.empty(lanes, x.dtype)
        for row in range(part * share, min(rows, (part + 1) * share)):
            a = rstds[row]
            mean = means[row]
            if need_params:
                b = -a * mean
                for j in range(size):
                    normalized = fused_multiply_add(a, x[row, j], b)
                    weight_parts[part, j] = fused_multiply_add(g[row, j], normalized, weight_parts[part, j])
                    bias_parts[part, j] += g[row, j]
            if need_input:
                ds = _dot_in_lanes(g, x, row, weight if has_weight else no_weight, row, scratch, True)
                db = _dot_in_lanes(g, weight.reshape(1, -1) if has_weight else ones, 0, no_weight, row, scratch, True)
                coef_b = fused_multiply_add(db, mean, -ds) * a * a * a * scale
                coef_c = fused_multiply_add(-coef_b, mean, -(db * a * scale))
                for j in range(size):
                    first = a * g[row, j] * weight[j] if has_weight else a * g[row, j]
                    dx[row, j] = fused_multiply_add(coef_b, x[row, j], first) + coef_c


def layer_norm_backward(g, x, means, rstds, weight, need):
    """Gradients (input, weight, bias) of ``layer_norm_forward`` from the output's gradient ``g`` (rows, N) and
    the forward's per-row mean and rstd; ``need`` = which of the three to compute (None for the others). As
    PyTorch's: the rows shared among the threads (one share per thread, its own partial weight and bias
    gradients), the partial gradients then added in thread order."""
    rows, size = x.shape
    checks.same_shape("layer_norm_backward", "grad", g, input=x)
    if means.shape != (rows,) or rstds.shape != (rows,) or (weight is not None and weight.shape != (size,)):
        raise ValueError(f"layer_norm_backward: mean and rstd of shape ({rows},) and weight of shape ({size},) "
                         f"expected")
    shares = max(1, min(get_num_threads(), rows))
    share = max(1, -(-rows // shares))
    parts = max(1, -(-rows // share))
    need_params = bool(need[1] or need[2])
    weight_parts = np.zeros((parts, size), x.dtype)
    bias_parts = np.zeros_like(weight_parts)
    dx = np.empty((rows, size), x.dtype)
    has_weight = weight is not None
    if rows:
        _backward_rows(np.ascontiguousarray(g, x.dtype), np.ascontiguousarray(x), np.ascontiguousarray(means),
                       np.ascontiguousarray(rstds), np.ascontiguousarray(weight, x.dtype) if has_weight
                       else np.ones(size, x.dtype), has_weight, share, dx, weight_parts, bias_parts, bool(need[0]),
                       need_params, vector_lanes(x.dtype))
    grad_weight = grad_bias = None
    if need_params:
        grad_weight, grad_bias = np.zeros(size, x.dtype), np.zeros(size, x.dtype)
        for part in range(weight_parts.shape[0]):  # (PyTorch adds its threads' partial sums into zero, in order)
            grad_weight += weight_parts[part]
            grad_bias += bias_parts[part]
    return (dx if need[0] else None), (grad_weight if need[1] else None), (grad_bias if need[2] else None)

"""CPU kernels: group normalisation of a contiguous (N, C, *) array, forward and backward, float32 and float64 in
PyTorch's CPU order of operations, so that results equal PyTorch's bit for bit.

Each (sample, group) block of C/G channels is one row for layer_norms' Welford moments; the output is
scale * x + bias per channel (scale = rstd * gamma, bias = beta - scale * mean, each one FMA as PyTorch's
compiler forms them). The backward pass forms each (sample, channel) plane's sums of dy * x and dy in PyTorch's
vector order, then per (sample, group) their sums weighted by gamma in 8 lanes added in order, the input gradient
c1 * dy + c2 * x + c3, and the weight's and bias's gradients summed down the samples.

The kernels run on one thread, as layer_norms': parallel loops over the blocks ran no faster on this 2-core
machine (a (8, 64, 64, 64) forward and backward in 8 groups 8.8-12.3 ms against 8.9-9.9 ms; the composite it
replaced took 18.2 ms) and compiled about a second longer, a cost every first run pays.
"""
import numpy as np
from numba import prange

from .jit import fused_multiply_add, kernel
from .layer_norms import _dot_in_lanes, _row_moments, moment_stacks, vector_lanes
from .. import checks

__all__ = ["group_norm_forward", "group_norm_backward"]


@kernel()
def _forward_block(x, weight, bias, affine, groups, eps, lanes, y, means, rstds, block):
    channels, plane = x.shape[1], x.shape[2]
    per_group = channels // groups
    size = per_group * plane
    n, group = block // groups, block % groups
    # (scratch per block: the blocks run in parallel, and Numba's prange has no per-thread allocation)
    mean, var = _row_moments(x.reshape(-1), block * size, size, lanes, moment_stacks(x, lanes))
    # (PyTorch's eps is a double here: the root and its inverse are taken in float64, then rounded)
    rstd = x.dtype.type(1.0 / np.sqrt(np.float64(max(var, x.dtype.type(0))) + eps))
    for j in range(per_group):
        c = group * per_group + j
        scale = rstd * weight[c]
        shift = fused_multiply_add(-scale, mean, bias[c])
        for k in range(plane):
            if affine:
                y[n, c, k] = fused_multiply_add(scale, x[n, c, k], shift)
            else:
                y[n, c, k] = (x[n, c, k] - mean) * rstd
    means[block] = mean
    rstds[block] = rstd


@kernel(parallel=True)
def _forward_blocks(x, weight, bias, affine, groups, eps, lanes, y, means, rstds):
    for block in prange(means.size):
        _forward_block(x, weight, bias, affine, groups, eps, lanes, y, means, rstds, block)


def _as_planes(a):
    """(N, C, H*W...) view of a contiguous (N, C, *) array (one value per plane for a 2-D one)."""
    return np.ascontiguousarray(a).reshape(a.shape[0], a.shape[1], -1)


def group_norm_forward(x, weight, bias, groups, eps):
    """PyTorch's native_group_norm of a (N, C, *) float32 or float64 array: (y, mean, rstd), mean and rstd of
    shape (N, groups); ``weight`` and ``bias`` (C,) arrays or None."""
    planes = _as_planes(x)
    N, C = planes.shape[:2]
    if groups <= 0 or C % groups:
        raise ValueError(f"group_norm_forward: {C} channels do not split into {groups} groups")
    scale = np.ones(C, x.dtype) if weight is None else np.ascontiguousarray(weight, x.dtype)
    shift = np.zeros(C, x.dtype) if bias is None else np.ascontiguousarray(bias, x.dtype)
    checks.same_shape("group_norm_forward", "weight", scale, bias=shift)
    if scale.shape != (C,):
        raise ValueError(f"group_norm_forward: weight and bias of shape ({C},) expected, got {scale.shape}")
    y = np.empty(planes.shape, x.dtype)
    means, rstds = np.empty(N * groups, x.dtype), np.empty(N * groups, x.dtype)
    _forward_blocks(planes, scale, shift, weight is not None or bias is not None, groups, float(eps),
                    vector_lanes(x.dtype), y, means, rstds)
    return y.reshape(x.shape), means.reshape(N, groups), rstds.reshape(N, groups)


@kernel(parallel=True)
def _plane_sums(g, x, ds, db, lanes):
    """ds[i] = the sum of g[i] * x[i], db[i] = the sum of g[i] over plane i of (N*C, HW), in PyTorch's order
    (its compiler fuses the products of the last partial vector into ds's sum for doubles, not for floats)."""
    ones = np.ones((1, x.shape[1]), x.dtype)
    no_weight = np.empty(0, x.dtype)
    for i in prange(x.shape[0]):
        scratch = np.empty(lanes, x.dtype)
        ds[i] = _dot_in_lanes(g, x, i, no_weight, i, scratch, scratch.itemsize == 8)
        db[i] = _dot_in_lanes(g, ones, 0, no_weight, i, scratch, False)


@kernel()
def _input_gradient_block(g, x, means, rstds, weight, ds, db, groups, lanes, dx, block):
    """dx of one (sample, group) block: its channels' sums weighted by gamma in ``lanes`` lanes (each an FMA),
    added in lane order, the leftover channels after them, then dx = c1 * dy + c2 * x + c3 (the first product
    and the sum one FMA, as PyTorch's compiler forms them)."""
    per_group = x.shape[1] // groups
    n, group = block // groups, block % groups
    first = group * per_group
    whole = per_group // lanes * lanes
    ds_lanes = np.zeros(lanes, x.dtype)
    db_lanes = np.zeros(lanes, x.dtype)
    for c in range(first, first + whole):
        lane = (c - first) % lanes
        ds_lanes[lane] = fused_multiply_add(ds[n, c], weight[c], ds_lanes[lane])
        db_lanes[lane] = fused_multiply_add(db[n, c], weight[c], db_lanes[lane])
    ds_total = x.dtype.type(0)
    db_total = x.dtype.type(0)
    for lane in range(lanes):
        ds_total += ds_lanes[lane]
        db_total += db_lanes[lane]
    for c in range(first + whole, first + per_group):
        ds_total = fused_multiply_add(ds[n, c], weight[c], ds_total)
        db_total = fused_multiply_add(db[n, c], weight[c], db_total)
    mean, rstd = means[block], rstds[block]
    s = x.dtype.type(1) / x.dtype.type(per_group * x.shape[2])
    c2 = fused_multiply_add(db_total, mean, -ds_total) * rstd * rstd * rstd * s
    c3 = fused_multiply_add(-(db_total * rstd), s, -c2 * mean)
    for c in range(first, first + per_group):
        c1 = rstd * weight[c]
        for k in range(x.shape[2]):
            dx[n, c, k] = fused_multiply_add(c1, g[n, c, k], c2 * x[n, c, k]) + c3


@kernel(parallel=True)
def _input_gradient_blocks(g, x, means, rstds, weight, ds, db, groups, lanes, dx):
    for block in prange(means.size):
        _input_gradient_block(g, x, means, rstds, weight, ds, db, groups, lanes, dx, block)


@kernel()
def _parameter_gradients(ds, db, means, rstds, groups, grad_weight, grad_bias):
    """Per channel, down the samples from zero: gamma's (ds - db * mean) * rstd (two FMAs), beta's db."""
    N, C = ds.shape
    per_group = C // groups
    for c in range(C):
        weight_sum = ds.dtype.type(0)
        bias_sum = ds.dtype.type(0)
        for n in range(N):
            block = n * groups + c // per_group
            centred = fused_multiply_add(-db[n, c], means[block], ds[n, c])
            weight_sum = fused_multiply_add(centred, rstds[block], weight_sum)
            bias_sum += db[n, c]
        grad_weight[c] = weight_sum
        grad_bias[c] = bias_sum


def group_norm_backward(g, x, means, rstds, weight, groups, need):
    """Gradients (input, weight, bias) of ``group_norm_forward`` from the output's gradient ``g`` and the forward's
    (N, groups) mean and rstd; ``need`` = which of the three to compute (None for the others)."""
    planes = _as_planes(x)
    N, C, HW = planes.shape
    checks.same_shape("group_norm_backward", "grad", g, input=x)
    means, rstds = np.ascontiguousarray(means, x.dtype).reshape(-1), np.ascontiguousarray(rstds, x.dtype).reshape(-1)
    if groups <= 0 or C % groups or means.size != N * groups or rstds.size != N * groups:
        raise ValueError(f"group_norm_backward: mean and rstd of {N * groups} values and {C} channels in "
                         f"{groups} groups expected")
    scale = np.ones(C, x.dtype) if weight is None else np.ascontiguousarray(weight, x.dtype)
    if scale.shape != (C,):
        raise ValueError(f"group_norm_backward: weight of shape ({C},) expected, got {scale.shape}")
    grads = _as_planes(np.asarray(g, x.dtype))
    lanes = vector_lanes(x.dtype)
    ds, db = np.empty(N * C, x.dtype), np.empty(N * C, x.dtype)
    if HW:
        _plane_sums(grads.reshape(N * C, HW), planes.reshape(N * C, HW), ds, db, lanes)
    else:
        ds[:], db[:] = 0, 0
    ds, db = ds.reshape(N, C), db.reshape(N, C)
    dx = grad_weight = grad_bias = None
    if need[0]:
        dx = np.empty(planes.shape, x.dtype)
        _input_gradient_blocks(grads, planes, means, rstds, scale, ds, db, groups, lanes, dx)
        dx = dx.reshape(x.shape)
    if need[1] or need[2]:
        grad_weight, grad_bias = np.empty(C, x.dtype), np.empty(C, x.dtype)
        _parameter_gradients(ds, db, means, rstds, groups, grad_weight, grad_bias)
    return dx, (grad_weight if need[1] else None), (grad_bias if need[2] else None)

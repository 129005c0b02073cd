"""CUDA kernels: group normalisation of a contiguous (N, C, *) array, mirroring ``backends/cpu/group_norms.py``.

One thread per (sample, group) block: its mean and biased variance in two passes, then its output, or in the
backward pass its sums of dy * gamma and dy * gamma * x, then its input gradient; one thread per channel sums the
weight's and bias's gradients down the samples. Float32 only; agrees with the CPU's (PyTorch's order) to float32
rounding.
"""
import numpy as np
from numba import cuda, float32

from ._runtime import F32, b1, empty, f32, float32_only, grid, i64, kernel
from .layer_norms import row_input_gradient, row_moments

__all__ = ["group_norm_forward", "group_norm_backward"]


@kernel((F32, F32, F32, F32, F32, F32, i64, i64, i64, f32))
def _forward_blocks(y, means, rstds, x, weight, bias, blocks, per_group, plane, eps):
    block = cuda.grid(1)
    while block < blocks:
        size = per_group * plane
        base = block * size
        mean, rstd = row_moments(x, base, size, eps)
        groups = weight.size // per_group
        first = (block % groups) * per_group
        for j in range(size):
            c = first + j // plane
            y[base + j] = (x[base + j] - mean) * rstd * weight[c] + bias[c]
        means[block] = mean
        rstds[block] = rstd
        block += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, i64, i64, i64))
def _input_gradient_blocks(dx, g, x, means, rstds, weight, blocks, per_group, plane):
    block = cuda.grid(1)
    while block < blocks:
        size = per_group * plane
        base = block * size
        groups = weight.size // per_group
        row_input_gradient(dx, g, x, base, size, means[block], rstds[block], weight, (block % groups) * per_group,
                           plane)
        block += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, i64, i64, i64, b1))
def _parameter_gradient_channels(grad_weight, grad_bias, g, x, means, rstds, samples, groups, plane, need_weight):
    channel = cuda.grid(1)
    channels = grad_weight.size
    while channel < channels:
        gw = float32(0)
        gb = float32(0)
        block_of = channel // (channels // groups)
        for n in range(samples):
            block = n * groups + block_of
            base = (n * channels + channel) * plane
            for k in range(plane):
                if need_weight:
                    gw += g[base + k] * ((x[base + k] - means[block]) * rstds[block])
                gb += g[base + k]
        grad_weight[channel] = gw
        grad_bias[channel] = gb
        channel += cuda.gridsize(1)


def _channels(x, groups):
    N, C = x.shape[0], x.shape[1]
    if groups <= 0 or C % groups:
        raise ValueError(f"group_norm: {C} channels do not split into {groups} groups")
    return N, C, x.size // max(N * C, 1)


def _parameter(t, size, fill):
    t = cuda.to_device(np.full(size, fill, np.float32)) if t is None else float32_only("group_norm", t)
    if t.shape != (size,):
        raise ValueError(f"group_norm: weight and bias of shape ({size},) expected")
    return t


def group_norm_forward(x, weight, bias, groups, eps):
    x = float32_only("group_norm_forward", x)
    N, C, plane = _channels(x, groups)
    scale, shift = _parameter(weight, C, 1), _parameter(bias, C, 0)
    y, means, rstds = empty(x.shape, np.float32), empty((N * groups,), np.float32), empty((N * groups,), np.float32)
    if x.size:
        _forward_blocks[grid(N * groups)](y.reshape(-1), means, rstds, x.reshape(-1), scale, shift, N * groups,
                                          C // groups, plane, np.float32(eps))
    return y, means.reshape(N, groups), rstds.reshape(N, groups)


def group_norm_backward(g, x, means, rstds, weight, groups, need):
    g, x, means, rstds = float32_only("group_norm_backward", g, x, means, rstds)
    N, C, plane = _channels(x, groups)
    if g.shape != x.shape or means.size != N * groups or rstds.size != N * groups:
        raise ValueError(f"group_norm_backward: grad of the input's shape, mean and rstd of {N * groups} values "
                         f"expected")
    scale = _parameter(weight, C, 1)
    means, rstds = means.reshape(-1), rstds.reshape(-1)
    dx = grad_weight = grad_bias = None
    if need[0]:
        dx = empty(x.shape, np.float32)
        if x.size:
            _input_gradient_blocks[grid(N * groups)](dx.reshape(-1), g.reshape(-1), x.reshape(-1), means, rstds,
                                                     scale, N * groups, C // groups, plane)
    if need[1] or need[2]:
        grad_weight, grad_bias = empty((C,), np.float32), empty((C,), np.float32)
        if C:
            _parameter_gradient_channels[grid(C)](grad_weight, grad_bias, g.reshape(-1), x.reshape(-1), means,
                                                  rstds, N, groups, plane, bool(need[1]))
    return dx, (grad_weight if need[1] else None), (grad_bias if need[2] else None)

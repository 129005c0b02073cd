"""CUDA kernels: layer normalisation over the last dim of a (rows, N) array, mirroring
``backends/cpu/layer_norms.py``.

One thread per row: the row's mean and biased variance in two passes, then its output; the backward pass forms
the row's sums of dy * gamma and dy * gamma * x, then its input gradient, and one thread per column sums the
weight's and bias's gradients down the rows. Float32 only. The CPU follows PyTorch's CPU order of additions to
the last bit; this one agrees with it to float32 rounding.
"""
import math

import numpy as np
from numba import cuda, float32

from ._runtime import F32, b1, device_function, empty, f32, float32_only, grid, i64, kernel

__all__ = ["layer_norm_forward", "layer_norm_backward"]


@device_function
def row_moments(x, base, size, eps):
    """(mean, 1 / sqrt(biased variance + eps)) of x[base:base + size], in two passes."""
    total = float32(0)
    for j in range(size):
        total += x[base + j]
    mean = total / float32(size)
    squares = float32(0)
    for j in range(size):
        centred = x[base + j] - mean
        squares += centred * centred
    return mean, float32(1) / math.sqrt(squares / float32(size) + eps)


@device_function
def row_input_gradient(dx, g, x, base, size, mean, rstd, weight, first, plane):
    """dx[base:base + size] of one normalised row, its value j scaled by weight[first + j // plane] (layer norm:
    first 0, plane 1; group norm: a block of channels, ``plane`` values each): rstd * dy * w + b * x + c, where
    b and c come from the row's sums of dy * w * x and dy * w."""
    ds = float32(0)
    db = float32(0)
    for j in range(size):
        gw = g[base + j] * weight[first + j // plane]
        ds += gw * x[base + j]
        db += gw
    scale = float32(1) / float32(size)
    coef_b = (db * mean - ds) * rstd * rstd * rstd * scale
    coef_c = -coef_b * mean - db * rstd * scale
    for j in range(size):
        dx[base + j] = rstd * g[base + j] * weight[first + j // plane] + coef_b * x[base + j] + coef_c


@kernel((F32, F32, F32, F32, F32, F32, i64, i64, f32))
def _forward_rows(y, means, rstds, x, weight, bias, rows, size, eps):
    row = cuda.grid(1)
    while row < rows:
        base = row * size
        mean, rstd = row_moments(x, base, size, eps)
        for j in range(size):
            y[base + j] = (x[base + j] - mean) * rstd * weight[j] + bias[j]
        means[row] = mean
        rstds[row] = rstd
        row += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, i64, i64))
def _input_gradient_rows(dx, g, x, means, rstds, weight, rows, size):
    row = cuda.grid(1)
    while row < rows:
        row_input_gradient(dx, g, x, row * size, size, means[row], rstds[row], weight, 0, 1)
        row += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, i64, i64, b1))
def _parameter_gradient_columns(grad_weight, grad_bias, g, x, means, rstds, rows, size, need_weight):
    column = cuda.grid(1)
    while column < size:
        gw = float32(0)
        gb = float32(0)
        for row in range(rows):
            at = row * size + column
            if need_weight:
                gw += g[at] * ((x[at] - means[row]) * rstds[row])
            gb += g[at]
        grad_weight[column] = gw
        grad_bias[column] = gb
        column += cuda.gridsize(1)


def _parameters(weight, bias, size):
    scale = cuda.to_device(np.ones(size, np.float32)) if weight is None else float32_only("layer_norm", weight)
    shift = cuda.to_device(np.zeros(size, np.float32)) if bias is None else float32_only("layer_norm", bias)
    if scale.shape != (size,) or shift.shape != (size,):
        raise ValueError(f"layer_norm_forward: weight and bias of shape ({size},) expected")
    return scale, shift


def layer_norm_forward(x, weight, bias, eps):
    x = float32_only("layer_norm_forward", x)
    rows, size = x.shape
    scale, shift = _parameters(weight, bias, size)
    y, means, rstds = empty((rows, size), np.float32), empty((rows,), np.float32), empty((rows,), np.float32)
    if rows and size:
        _forward_rows[grid(rows)](y.reshape(-1), means, rstds, x.reshape(-1), scale, shift, rows, size,
                                  np.float32(eps))
    return y, means, rstds


def layer_norm_backward(g, x, means, rstds, weight, need):
    g, x, means, rstds = float32_only("layer_norm_backward", g, x, means, rstds)
    rows, size = x.shape
    if g.shape != x.shape or means.shape != (rows,) or rstds.shape != (rows,):
        raise ValueError(f"layer_norm_backward: grad of the input's shape, mean and rstd of shape ({rows},) "
                         f"expected")
    scale, _ = _parameters(weight, None, size)
    dx = grad_weight = grad_bias = None
    if need[0]:
        dx = empty((rows, size), np.float32)
        if rows and size:
            _input_gradient_rows[grid(rows)](dx.reshape(-1), g.reshape(-1), x.reshape(-1), means, rstds, scale,
                                             rows, size)
    if need[1] or need[2]:
        grad_weight, grad_bias = empty((size,), np.float32), empty((size,), np.float32)
        if size:
            _parameter_gradient_columns[grid(size)](grad_weight, grad_bias, g.reshape(-1), x.reshape(-1), means,
                                                    rstds, rows, size, bool(need[1]))
    return dx, (grad_weight if need[1] else None), (grad_bias if need[2] else None)

"""CUDA kernels: activations, mirroring ``backends/cpu/activation.py``.

The pointwise activations share one kernel (forward) and one (backward),
picked by an op code.
"""
import math

import numpy as np
from numba import cuda, float32

from ._runtime import F32, device_function, empty, f32, flat, grid, i64, kernel, on_device

__all__ = ["relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "sigmoid", "sigmoid_backward",
           "tanh", "tanh_backward", "silu", "silu_backward"]

RELU, LEAKY, SIGMOID, TANH, SILU = range(5)


@device_function
def _forward(op, x, slope):
    zero = float32(0)
    one = float32(1)
    if op == RELU:
        return zero if x < zero else x  # NaN passes, as PyTorch's relu
    if op == LEAKY:
        return x if x > zero else x * slope
    if op == SIGMOID:  # exp of minus |x| never overflows
        e = math.exp(-x if x >= zero else x)
        return one / (one + e) if x >= zero else e / (one + e)
    if op == SILU:
        return x / (one + math.exp(-x))
    return math.tanh(x)


@device_function
def _backward(op, g, saved, slope):
    """``saved`` is relu's/sigmoid's/tanh's output, leaky_relu's and silu's input."""
    zero = float32(0)
    one = float32(1)
    if op == RELU:
        return zero if saved <= zero else g  # NaN passes the gradient, as PyTorch's
    if op == LEAKY:
        return g if saved > zero else g * slope
    if op == SIGMOID:
        return g * (one - saved) * saved
    if op == SILU:
        s = one / (one + math.exp(-saved))
        return g * s * (one + saved * (one - s))
    return g * (one - saved * saved)


@kernel((i64, F32, F32, f32))
def _pointwise(op, out, x, slope):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = _forward(op, x[i], slope)
        i += cuda.gridsize(1)


@kernel((i64, F32, F32, F32, f32))
def _pointwise_backward(op, out, g, saved, slope):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = _backward(op, g[i], saved[i], slope)
        i += cuda.gridsize(1)


def _pointwise_op(op, a, slope=0.0):
    a = on_device(a)
    out = empty(a.shape, a.dtype)
    if out.size:
        _pointwise[grid(out.size)](op, flat(out), flat(a), np.float32(slope))
    return out


def _pointwise_grad(op, g, saved, slope=0.0):
    g, saved = on_device(g), on_device(saved)
    out = empty(g.shape, g.dtype)
    if out.size:
        _pointwise_backward[grid(out.size)](op, flat(out), flat(g), flat(saved), np.float32(slope))
    return out


def relu(a):
    return _pointwise_op(RELU, a)


def relu_backward(g, y):
    """Gradient of relu from its output ``y``: passes where y > 0 (so 0 at 0, as PyTorch)."""
    return _pointwise_grad(RELU, g, y)


def leaky_relu(a, negative_slope):
    return _pointwise_op(LEAKY, a, negative_slope)


def leaky_relu_backward(g, x, negative_slope):
    """Gradient of leaky_relu from its input ``x``: 1 where x > 0, else the slope."""
    return _pointwise_grad(LEAKY, g, x, negative_slope)


def sigmoid(a):
    return _pointwise_op(SIGMOID, a)


def sigmoid_backward(g, y):
    return _pointwise_grad(SIGMOID, g, y)


def tanh(a):
    return _pointwise_op(TANH, a)


def tanh_backward(g, y):
    return _pointwise_grad(TANH, g, y)


def silu(a):
    """x / (1 + exp(-x)), PyTorch's SiLU formula."""
    return _pointwise_op(SILU, a)


def silu_backward(g, x):
    """g * s * (1 + x * (1 - s)) with s = sigmoid(x), from silu's input ``x``."""
    return _pointwise_grad(SILU, g, x)

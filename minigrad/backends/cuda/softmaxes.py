"""CUDA kernels: softmax and log_softmax, mirroring ``backends/cpu/softmaxes.py``.

The input is seen as (outer, length, inner), the softmax axis in the middle: one thread per (outer, inner) line
makes the three passes (max, sum of exponentials, write), neighbouring threads reading neighbouring addresses.
The GPU's exp and log round otherwise than PyTorch's CPU vector functions, which the CPU backend follows: results
agree with the CPU's to float32 rounding, not bit for bit.
"""
import math

from numba import cuda, float32

from ._runtime import F32, empty, flat, grid, i64, kernel, on_device

__all__ = ["softmax", "softmax_backward", "log_softmax", "log_softmax_backward"]


@kernel((F32, F32, i64, i64, i64, i64))
def _softmax(out, x, outer, length, inner, log):
    i = cuda.grid(1)
    while i < outer * inner:
        base = (i // inner) * length * inner + i % inner
        top = x[base]
        for k in range(1, length):
            v = x[base + k * inner]
            if v > top or v != v:
                top = v
        total = float32(0)
        for k in range(length):
            total += math.exp(x[base + k * inner] - top)
        if log:
            shift = top + math.log(total)
            for k in range(length):
                out[base + k * inner] = x[base + k * inner] - shift
        else:
            for k in range(length):
                out[base + k * inner] = math.exp(x[base + k * inner] - top) / total
        i += cuda.gridsize(1)


@kernel((F32, F32, F32, i64, i64, i64, i64))
def _softmax_backward(out, g, y, outer, length, inner, log):
    """softmax: y·(g − Σ g·y); log_softmax: g − exp(y)·Σ g."""
    i = cuda.grid(1)
    while i < outer * inner:
        base = (i // inner) * length * inner + i % inner
        total = float32(0)
        for k in range(length):
            at = base + k * inner
            total += g[at] if log else g[at] * y[at]
        for k in range(length):
            at = base + k * inner
            out[at] = g[at] - math.exp(y[at]) * total if log else y[at] * (g[at] - total)
        i += cuda.gridsize(1)


def _lines(shape, axis):
    """(outer, length, inner) of ``shape`` around ``axis``."""
    shape = tuple(shape)
    d = int(axis) % max(len(shape), 1)
    length = shape[d] if shape else 1
    return math.prod(shape[:d]), length, math.prod(shape[d + 1:])


def _softmax_op(a, axis, log):
    a = on_device(a)
    out = empty(a.shape, a.dtype)
    outer, length, inner = _lines(a.shape, axis)
    if out.size:
        _softmax[grid(outer * inner)](flat(out), flat(a), outer, length, inner, 1 if log else 0)
    return out


def _softmax_grad(g, y, axis, log):
    g, y = on_device(g), on_device(y)
    out = empty(g.shape, g.dtype)
    outer, length, inner = _lines(g.shape, axis)
    if out.size:
        _softmax_backward[grid(outer * inner)](flat(out), flat(g), flat(y), outer, length, inner, 1 if log else 0)
    return out


def softmax(a, axis):
    return _softmax_op(a, axis, False)


def softmax_backward(g, y, axis):
    return _softmax_grad(g, y, axis, False)


def log_softmax(a, axis):
    return _softmax_op(a, axis, True)


def log_softmax_backward(g, y, axis):
    return _softmax_grad(g, y, axis, True)

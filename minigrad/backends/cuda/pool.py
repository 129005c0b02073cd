"""CUDA kernels: 2-D max and average pooling, mirroring ``backends/cpu/pool.py``.

The input is seen as planes (P, H, W). Forward: one thread per output. Backward:
one thread per output adds its gradient to its argmax (max) or spreads it over
its window (average) with atomic adds, since windows may overlap.
"""
import math

import numpy as np
from numba import cuda, float32

from ..elements import pool as elements
from ._runtime import F32, I64, device_function, empty, flat, float32_only, grid, i64, kernel, on_device
from .creation import zeros

__all__ = ["max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"]

_max_window = device_function(elements.max_window)
_replaces_max = device_function(elements.replaces_max)
_avg_window = device_function(elements.avg_window)


@kernel((F32, I64, F32) + (i64,) * 13)
def _max_pool(out, idx, x, P, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):
    """PyTorch's rule: scan the window row by row, keep the first maximum; a NaN wins (and the last NaN)."""
    t = cuda.grid(1)
    while t < P * OH * OW:
        ow = t % OW
        oh = (t // OW) % OH
        p = t // (OW * OH)
        h0, h_end = _max_window(oh, sh, ph, dh, kh, H)
        w0, w_end = _max_window(ow, sw, pw, dw, kw, W)
        best = float32(-math.inf)
        best_i = h0 * W + w0
        for ih in range(h0, h_end, dh):
            for iw in range(w0, w_end, dw):
                v = x[(p * H + ih) * W + iw]
                if _replaces_max(v, best):
                    best = v
                    best_i = ih * W + iw
        out[t] = best
        idx[t] = best_i
        t += cuda.gridsize(1)


@kernel((F32, F32, I64, i64, i64))
def _max_pool_backward(out, g, idx, plane_out, plane_in):
    t = cuda.grid(1)
    while t < g.size:
        i = idx[t]
        if 0 <= i < plane_in:  # (a window wholly in the padding has no argmax in the plane)
            cuda.atomic.add(out, (t // plane_out) * plane_in + i, g[t])
        t += cuda.gridsize(1)


@kernel((F32, F32) + (i64,) * 13)
def _avg_pool(out, x, P, H, W, kh, kw, sh, sw, ph, pw, OH, OW, count_include_pad, divisor_override):
    t = cuda.grid(1)
    while t < P * OH * OW:
        ow = t % OW
        oh = (t // OW) % OH
        p = t // (OW * OH)
        h0, h1, w0, w1, div = _avg_window(oh, ow, sh, sw, ph, pw, kh, kw, H, W, count_include_pad,
                                          divisor_override)
        s = float32(0)
        for ih in range(h0, h1):
            for iw in range(w0, w1):
                s += x[(p * H + ih) * W + iw]
        out[t] = s / float32(div) if h0 < h1 and w0 < w1 else float32(0)
        t += cuda.gridsize(1)


@kernel((F32, F32) + (i64,) * 13)
def _avg_pool_backward(out, g, P, H, W, kh, kw, sh, sw, ph, pw, OH, OW, count_include_pad, divisor_override):
    t = cuda.grid(1)
    while t < P * OH * OW:
        ow = t % OW
        oh = (t // OW) % OH
        p = t // (OW * OH)
        h0, h1, w0, w1, div = _avg_window(oh, ow, sh, sw, ph, pw, kh, kw, H, W, count_include_pad,
                                          divisor_override)
        share = g[t] / float32(div)
        for ih in range(h0, h1):
            for iw in range(w0, w1):
                cuda.atomic.add(out, (p * H + ih) * W + iw, share)
        t += cuda.gridsize(1)


def _planes(shape):
    shape = tuple(shape)
    return math.prod(shape[:-2]), shape[-2], shape[-1]


def max_pool2d_forward(x, kernel, stride, padding, dilation, out_size):
    """Max over each window of x (..., H, W). Returns (out, indices): int64 flat indices into H*W, as PyTorch."""
    x = float32_only("max_pool2d", x)
    P, H, W = _planes(x.shape)
    OH, OW = out_size
    shape = tuple(x.shape)[:-2] + (OH, OW)
    out, idx = empty(shape, x.dtype), empty(shape, np.int64)
    if out.size:
        _max_pool[grid(out.size)](flat(out), flat(idx), flat(x), P, H, W, *kernel, *stride, *padding, *dilation,
                                  OH, OW)
    return out, idx


def max_pool2d_backward(g, indices, in_shape):
    """Input gradient of max pooling: each output's gradient added at its argmax."""
    g, indices = float32_only("max_pool2d", g), on_device(indices, np.int64)
    out = zeros(tuple(in_shape), g.dtype)
    gshape = tuple(g.shape)
    if g.size:
        _max_pool_backward[grid(g.size)](flat(out), flat(g), flat(indices), gshape[-2] * gshape[-1],
                                         in_shape[-2] * in_shape[-1])
    return out


def avg_pool2d_forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    """Mean over each window of x (..., H, W), PyTorch's divisor rules (divisor_override 0 means none)."""
    x = float32_only("avg_pool2d", x)
    P, H, W = _planes(x.shape)
    OH, OW = out_size
    out = empty(tuple(x.shape)[:-2] + (OH, OW), x.dtype)
    if out.size:
        _avg_pool[grid(out.size)](flat(out), flat(x), P, H, W, *kernel, *stride, *padding, OH, OW,
                                  int(bool(count_include_pad)), int(divisor_override or 0))
    return out


def avg_pool2d_backward(g, in_shape, kernel, stride, padding, count_include_pad, divisor_override):
    """Input gradient of average pooling: each output's gradient spread evenly over its window."""
    g = float32_only("avg_pool2d", g)
    P, OH, OW = _planes(g.shape)
    H, W = tuple(in_shape)[-2:]
    out = zeros(tuple(in_shape), g.dtype)
    if g.size:
        _avg_pool_backward[grid(g.size)](flat(out), flat(g), P, H, W, *kernel, *stride, *padding, OH, OW,
                                         int(bool(count_include_pad)), int(divisor_override or 0))
    return out

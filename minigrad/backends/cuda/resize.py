"""CUDA kernels: nearest and bilinear resizing of (P, H, W) planes, and the centre crop, mirroring
``backends/cpu/resize.py``.

The per-axis source indices and weights are the CPU backend's tables (PyTorch's
arithmetic), copied to the device once per geometry and cached. Forward: one
thread per output pixel gathers. Backward: one thread per output pixel adds
its gradient to its sources with atomics (neighbouring outputs share sources).
"""
import math

import numpy as np
from numba import cuda

from ..cpu.resize import _linear_weights, _nearest_indices
from ._runtime import F32, I64, contiguous_strides, empty, flat, float32_only, grid, i64, kernel, on_device, \
    to_device
from ._strided import gather, scatter
from .creation import zeros

__all__ = ["interpolate_nearest", "interpolate_nearest_backward", "interpolate_bilinear",
           "interpolate_bilinear_backward", "crop2d", "crop2d_backward"]

_tables = {}


@kernel((F32, F32, I64, I64, i64, i64))
def _gather_nearest(out, x, ih, iw, H, W):
    t = cuda.grid(1)
    OH, OW = ih.size, iw.size
    while t < out.size:
        p = t // (OH * OW)
        out[t] = x[(p * H + ih[(t // OW) % OH]) * W + iw[t % OW]]
        t += cuda.gridsize(1)


@kernel((F32, F32, I64, I64, i64, i64))
def _nearest_backward(out, g, ih, iw, H, W):
    t = cuda.grid(1)
    OH, OW = ih.size, iw.size
    while t < g.size:
        p = t // (OH * OW)
        cuda.atomic.add(out, (p * H + ih[(t // OW) % OH]) * W + iw[t % OW], g[t])
        t += cuda.gridsize(1)


@kernel((F32, F32, I64, I64, F32, F32, I64, I64, F32, F32, i64, i64))
def _bilinear(out, x, h0, h1, lh0, lh1, w0, w1, lw0, lw1, H, W):
    """out = lh0·(lw0·x[h0,w0] + lw1·x[h0,w1]) + lh1·(lw0·x[h1,w0] + lw1·x[h1,w1]), PyTorch's order."""
    t = cuda.grid(1)
    OH, OW = h0.size, w0.size
    while t < out.size:
        ow = t % OW
        oh = (t // OW) % OH
        base = (t // (OH * OW)) * H
        a, b, c, d = h0[oh], h1[oh], w0[ow], w1[ow]
        top = x[(base + a) * W + c] * lw0[ow] + x[(base + a) * W + d] * lw1[ow]
        bottom = x[(base + b) * W + c] * lw0[ow] + x[(base + b) * W + d] * lw1[ow]
        out[t] = top * lh0[oh] + bottom * lh1[oh]
        t += cuda.gridsize(1)


@kernel((F32, F32, I64, I64, F32, F32, I64, I64, F32, F32, i64, i64))
def _bilinear_backward(out, g, h0, h1, lh0, lh1, w0, w1, lw0, lw1, H, W):
    t = cuda.grid(1)
    OH, OW = h0.size, w0.size
    while t < g.size:
        ow = t % OW
        oh = (t // OW) % OH
        base = (t // (OH * OW)) * H
        a, b, c, d = h0[oh], h1[oh], w0[ow], w1[ow]
        v = g[t]
        ta, tb = v * lh0[oh], v * lh1[oh]
        cuda.atomic.add(out, (base + a) * W + c, ta * lw0[ow])
        cuda.atomic.add(out, (base + a) * W + d, ta * lw1[ow])
        cuda.atomic.add(out, (base + b) * W + c, tb * lw0[ow])
        cuda.atomic.add(out, (base + b) * W + d, tb * lw1[ow])
        t += cuda.gridsize(1)


def _on_device_tables(kind, *key):
    """The CPU backend's index (and weight) tables for one axis, copied to the device once."""
    if key not in _tables.setdefault(kind, {}):
        if kind == "nearest":
            tables = (_nearest_indices(*key),)
        else:
            tables = _linear_weights(*key)
        _tables[kind][key] = tuple(to_device(np.ascontiguousarray(t, dtype=np.int64 if t.dtype.kind in "iu"
                                                                 else np.float32)) for t in tables)
    return _tables[kind][key]


def _planes(shape):
    shape = tuple(shape)
    return math.prod(shape[:-2]), shape[-2], shape[-1]


def interpolate_nearest(x, out_size, scale_factors):
    """Nearest-neighbour resize of the last two dims to ``out_size`` (PyTorch's legacy 'nearest')."""
    x = float32_only("interpolate", x)
    _, H, W = _planes(x.shape)
    OH, OW = out_size
    (ih,) = _on_device_tables("nearest", H, OH, scale_factors[0], x.dtype)
    (iw,) = _on_device_tables("nearest", W, OW, scale_factors[1], x.dtype)
    out = empty(tuple(x.shape)[:-2] + (OH, OW), x.dtype)
    if out.size:
        _gather_nearest[grid(out.size)](flat(out), flat(x), ih, iw, H, W)
    return out


def interpolate_nearest_backward(g, in_shape, scale_factors):
    g = float32_only("interpolate", g)
    (H, W), (OH, OW) = tuple(in_shape)[-2:], tuple(g.shape)[-2:]
    (ih,) = _on_device_tables("nearest", H, OH, scale_factors[0], g.dtype)
    (iw,) = _on_device_tables("nearest", W, OW, scale_factors[1], g.dtype)
    out = zeros(tuple(in_shape), g.dtype)
    if g.size:
        _nearest_backward[grid(g.size)](flat(out), flat(g), ih, iw, H, W)
    return out


def interpolate_bilinear(x, out_size, align_corners, scale_factors):
    """Bilinear resize of the last two dims, PyTorch's source-index formula for both align_corners."""
    x = float32_only("interpolate", x)
    _, H, W = _planes(x.shape)
    OH, OW = out_size
    hs = _on_device_tables("linear", H, OH, align_corners, scale_factors[0], x.dtype)
    ws = _on_device_tables("linear", W, OW, align_corners, scale_factors[1], x.dtype)
    out = empty(tuple(x.shape)[:-2] + (OH, OW), x.dtype)
    if out.size:
        _bilinear[grid(out.size)](flat(out), flat(x), *hs, *ws, H, W)
    return out


def interpolate_bilinear_backward(g, in_shape, align_corners, scale_factors):
    g = float32_only("interpolate", g)
    (H, W), (OH, OW) = tuple(in_shape)[-2:], tuple(g.shape)[-2:]
    hs = _on_device_tables("linear", H, OH, align_corners, scale_factors[0], g.dtype)
    ws = _on_device_tables("linear", W, OW, align_corners, scale_factors[1], g.dtype)
    out = zeros(tuple(in_shape), g.dtype)
    if g.size:
        _bilinear_backward[grid(g.size)](flat(out), flat(g), *hs, *ws, H, W)
    return out


def _window(shape, top, left):
    """(offset, strides) of the crop window's top-left corner in a contiguous array of ``shape``."""
    strides = contiguous_strides(shape)
    return top * strides[-2] + left * strides[-1], strides


def crop2d(x, top, left, height, width):
    """x[..., top:top+height, left:left+width] as a new contiguous array."""
    x = on_device(x)
    offset, strides = _window(tuple(x.shape), top, left)
    return gather(x, offset, tuple(x.shape)[:-2] + (height, width), strides)


def crop2d_backward(g, in_shape, top, left):
    """The crop's gradient: g placed at its window of a zero array of the input's shape."""
    g = on_device(g)
    out = zeros(tuple(in_shape), g.dtype)
    offset, strides = _window(tuple(in_shape), top, left)
    return scatter(out, g, offset, strides)

"""CPU kernels: nearest and bilinear resizing of (P, H, W) planes, and the centre crop, forward and backward.

Source indices and weights depend only on the output row (or column), so they
are computed once per axis as small tables, in PyTorch's arithmetic (float32
for float32 data, float64 for float64), and the kernels only gather or
scatter. Backward kernels run one thread per plane: neighbouring outputs share
source pixels, so a per-pixel split would race.
"""
import numpy as np
from numba import prange

from .jit import kernel

__all__ = ["interpolate_nearest", "interpolate_nearest_backward", "interpolate_bilinear",
           "interpolate_bilinear_backward", "crop2d", "crop2d_backward"]


def _scale(dtype, in_size, out_size, align_corners, scale_factor):
    """PyTorch's area_pixel_compute_scale: the step in input pixels per output pixel."""
    f = dtype.type
    if align_corners:
        return f(in_size - 1) / f(out_size - 1) if out_size > 1 else f(0)
    if scale_factor is not None and scale_factor > 0:
        return f(1.0 / scale_factor)
    return f(in_size) / f(out_size)


def _nearest_indices(in_size, out_size, scale_factor, dtype):
    """Legacy 'nearest': src = min(floor(dst·scale), in − 1), with PyTorch's 1× and 2× shortcuts."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst
    if out_size == 2 * in_size:
        return dst >> 1
    scale = _scale(dtype, in_size, out_size, False, scale_factor)
    src = np.floor(dst.astype(dtype) * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _linear_weights(in_size, out_size, align_corners, scale_factor, dtype):
    """Two source indices and their weights per output position, as PyTorch's linear interpolation."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst, dst, np.ones(out_size, dtype), np.zeros(out_size, dtype)
    f = dtype.type
    scale = _scale(dtype, in_size, out_size, align_corners, scale_factor)
    if align_corners:
        real = scale * dst.astype(dtype)
    else:
        real = scale * (dst.astype(dtype) + f(0.5)) - f(0.5)
        real = np.where(real < 0, f(0), real).astype(dtype)
    i0 = np.minimum(np.floor(real).astype(np.int64), in_size - 1)
    lam1 = np.clip(real - i0.astype(dtype), f(0), f(1)).astype(dtype)
    i1 = i0 + (i0 < in_size - 1)
    return i0, i1, (f(1) - lam1).astype(dtype), lam1


@kernel(parallel=True)
def _gather(x, ih, iw):
    P = x.shape[0]
    OH, OW = ih.size, iw.size
    out = np.empty((P, OH, OW), x.dtype)
    for p in prange(P):
        for oh in range(OH):
            r = ih[oh]
            for ow in range(OW):
                out[p, oh, ow] = x[p, r, iw[ow]]
    return out


@kernel(parallel=True)
def _gather_backward(g, ih, iw, H, W):
    P, OH, OW = g.shape
    out = np.zeros((P, H, W), g.dtype)
    for p in prange(P):
        for oh in range(OH):
            r = ih[oh]
            for ow in range(OW):
                out[p, r, iw[ow]] += g[p, oh, ow]
    return out


@kernel(parallel=True)
def _bilinear(x, h0, h1, lh0, lh1, w0, w1, lw0, lw1):
    """out = lh0·(lw0·x[h0,w0] + lw1·x[h0,w1]) + lh1·(lw0·x[h1,w0] + lw1·x[h1,w1]), PyTorch's order."""
    P = x.shape[0]
    OH, OW = h0.size, w0.size
    out = np.empty((P, OH, OW), x.dtype)
    for p in prange(P):
        for oh in range(OH):
            a, b = h0[oh], h1[oh]
            ta, tb = lh0[oh], lh1[oh]
            for ow in range(OW):
                c, d = w0[ow], w1[ow]
                top = x[p, a, c] * lw0[ow] + x[p, a, d] * lw1[ow]
                bottom = x[p, b, c] * lw0[ow] + x[p, b, d] * lw1[ow]
                out[p, oh, ow] = top * ta + bottom * tb
    return out


@kernel(parallel=True)
def _bilinear_backward(g, h0, h1, lh0, lh1, w0, w1, lw0, lw1, H, W):
    P, OH, OW = g.shape
    out = np.zeros((P, H, W), g.dtype)
    for p in prange(P):
        for oh in range(OH):
            a, b = h0[oh], h1[oh]
            ta, tb = lh0[oh], lh1[oh]
            for ow in range(OW):
                c, d = w0[ow], w1[ow]
                v = g[p, oh, ow]
                out[p, a, c] += v * ta * lw0[ow]
                out[p, a, d] += v * ta * lw1[ow]
                out[p, b, c] += v * tb * lw0[ow]
                out[p, b, d] += v * tb * lw1[ow]
    return out


def _planes(x):
    x = np.ascontiguousarray(x)
    return x.reshape(-1, x.shape[-2], x.shape[-1])


def interpolate_nearest(x, out_size, scale_factors):
    """Nearest-neighbour resize of the last two dims to ``out_size`` (PyTorch's legacy 'nearest')."""
    (H, W), (OH, OW) = x.shape[-2:], out_size
    ih = _nearest_indices(H, OH, scale_factors[0], x.dtype)
    iw = _nearest_indices(W, OW, scale_factors[1], x.dtype)
    return _gather(_planes(x), ih, iw).reshape(x.shape[:-2] + (OH, OW))


def interpolate_nearest_backward(g, in_shape, scale_factors):
    (H, W), (OH, OW) = in_shape[-2:], g.shape[-2:]
    ih = _nearest_indices(H, OH, scale_factors[0], g.dtype)
    iw = _nearest_indices(W, OW, scale_factors[1], g.dtype)
    return _gather_backward(_planes(g), ih, iw, H, W).reshape(in_shape)


def interpolate_bilinear(x, out_size, align_corners, scale_factors):
    """Bilinear resize of the last two dims, PyTorch's source-index formula for both align_corners."""
    (H, W), (OH, OW) = x.shape[-2:], out_size
    hs = _linear_weights(H, OH, align_corners, scale_factors[0], x.dtype)
    ws = _linear_weights(W, OW, align_corners, scale_factors[1], x.dtype)
    return _bilinear(_planes(x), *hs, *ws).reshape(x.shape[:-2] + (OH, OW))


def interpolate_bilinear_backward(g, in_shape, align_corners, scale_factors):
    (H, W), (OH, OW) = in_shape[-2:], g.shape[-2:]
    hs = _linear_weights(H, OH, align_corners, scale_factors[0], g.dtype)
    ws = _linear_weights(W, OW, align_corners, scale_factors[1], g.dtype)
    return _bilinear_backward(_planes(g), *hs, *ws, H, W).reshape(in_shape)


def crop2d(x, top, left, height, width):
    """x[..., top:top+height, left:left+width] as a new contiguous array."""
    return np.ascontiguousarray(x[..., top:top + height, left:left + width])


def crop2d_backward(g, in_shape, top, left):
    """The crop's gradient: g placed at its window of a zero array of the input's shape."""
    out = np.zeros(in_shape, g.dtype)
    out[..., top:top + g.shape[-2], left:left + g.shape[-1]] = g
    return out

"""CPU kernels: 2-D max and average pooling over (P, H, W) planes, forward and backward.

Every kernel is parallel over planes (P = N·C): windows of one plane overlap
when stride < kernel, so the backward scatter-adds are race-free only when one
thread owns a whole plane. Leading dims are folded into P by the wrappers.
"""
import numpy as np
from numba import njit, prange

from . import compile_ahead
from .jit import kernel
from ..elements import pool as elements

__all__ = ["max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"]

_max_window = njit(inline="always")(elements.max_window)
_replaces_max = njit(inline="always")(elements.replaces_max)
_avg_window = njit(inline="always")(elements.avg_window)


@kernel(parallel=True)
def _max_pool(x, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):
    """PyTorch's rule: scan the window row by row, keep the first maximum; a NaN wins (and the last NaN)."""
    P, H, W = x.shape
    out = np.empty((P, OH, OW), x.dtype)
    idx = np.empty((P, OH, OW), np.int64)
    neg_inf = x.dtype.type(-np.inf)
    for p in prange(P):
        for oh in range(OH):
            h0, h_end = _max_window(oh, sh, ph, dh, kh, H)
            for ow in range(OW):
                w0, w_end = _max_window(ow, sw, pw, dw, kw, W)
                best = neg_inf
                best_i = h0 * W + w0
                for ih in range(h0, h_end, dh):
                    for iw in range(w0, w_end, dw):
                        v = x[p, ih, iw]
                        if _replaces_max(v, best):
                            best = v
                            best_i = ih * W + iw
                out[p, oh, ow] = best
                idx[p, oh, ow] = best_i
    return out, idx


@kernel(parallel=True)
def _max_pool_2x2(x, OH, OW):
    """The U-Net's 2×2 stride-2 pool without padding: four compares per output, same tie and NaN rule."""
    P, H, W = x.shape
    out = np.empty((P, OH, OW), x.dtype)
    idx = np.empty((P, OH, OW), np.int64)
    for p in prange(P):
        for oh in range(OH):
            r = 2 * oh
            for ow in range(OW):
                c = 2 * ow
                best = x[p, r, c]
                best_i = r * W + c
                v = x[p, r, c + 1]
                if _replaces_max(v, best):
                    best = v
                    best_i = r * W + c + 1
                v = x[p, r + 1, c]
                if _replaces_max(v, best):
                    best = v
                    best_i = (r + 1) * W + c
                v = x[p, r + 1, c + 1]
                if _replaces_max(v, best):
                    best = v
                    best_i = (r + 1) * W + c + 1
                out[p, oh, ow] = best
                idx[p, oh, ow] = best_i
    return out, idx


@kernel(parallel=True)
def _max_pool_backward(g, idx, HW):
    """Scatter-add every output gradient to its argmax; one thread per plane. A window that lies wholly in the
    padding (ceil_mode, dilation) has no argmax in the plane (PyTorch's index points past it, and its backward
    writes there): its gradient goes nowhere."""
    P, L = g.shape
    out = np.zeros((P, HW), g.dtype)
    for p in prange(P):
        for o in range(L):
            i = idx[p, o]
            if 0 <= i < HW:
                out[p, i] += g[p, o]
    return out


@kernel(parallel=True)
def _avg_pool(x, kh, kw, sh, sw, ph, pw, OH, OW, count_include_pad, divisor_override):
    P, H, W = x.shape
    out = np.empty((P, OH, OW), x.dtype)
    zero = x.dtype.type(0)
    for p in prange(P):
        for oh in range(OH):
            for ow in range(OW):
                h0, h1, w0, w1, div = _avg_window(oh, ow, sh, sw, ph, pw, kh, kw, H, W,
                                                  count_include_pad, divisor_override)
                if h0 >= h1 or w0 >= w1:
                    out[p, oh, ow] = zero
                    continue
                s = zero
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        s += x[p, ih, iw]
                out[p, oh, ow] = s / x.dtype.type(div)
    return out


@kernel(parallel=True)
def _avg_pool_backward(g, H, W, kh, kw, sh, sw, ph, pw, count_include_pad, divisor_override):
    P, OH, OW = g.shape
    out = np.zeros((P, H, W), g.dtype)
    for p in prange(P):
        for oh in range(OH):
            for ow in range(OW):
                h0, h1, w0, w1, div = _avg_window(oh, ow, sh, sw, ph, pw, kh, kw, H, W,
                                                  count_include_pad, divisor_override)
                share = g[p, oh, ow] / g.dtype.type(div)
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        out[p, ih, iw] += share
    return out


def _planes(x):
    """(…, H, W) as contiguous (P, H, W)."""
    x = np.ascontiguousarray(x)
    return x.reshape(-1, x.shape[-2], x.shape[-1])


def max_pool2d_forward(x, kernel, stride, padding, dilation, out_size):
    """Max over each window of x (…, H, W). Returns (out, indices): int64 flat indices into H·W, as PyTorch."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (OH, OW) = kernel, stride, padding, dilation, out_size
    lead = x.shape[:-2]
    H, W = x.shape[-2:]
    planes = _planes(x)
    if (kh, kw, sh, sw, ph, pw, dh, dw) == (2, 2, 2, 2, 0, 0, 1, 1) and 2 * OH <= H and 2 * OW <= W:
        out, idx = _max_pool_2x2(planes, OH, OW)
    else:
        out, idx = _max_pool(planes, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)
    return out.reshape(lead + (OH, OW)), idx.reshape(lead + (OH, OW))


def max_pool2d_backward(g, indices, in_shape):
    """Input gradient of max pooling: each output's gradient added at its argmax."""
    H, W = in_shape[-2:]
    g2 = np.ascontiguousarray(g).reshape(-1, g.shape[-2] * g.shape[-1])
    idx2 = np.ascontiguousarray(indices).reshape(g2.shape)
    compile_ahead.await_helper(_max_pool_backward)
    return _max_pool_backward(g2, idx2, H * W).reshape(in_shape)


def avg_pool2d_forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    """Mean over each window of x (…, H, W), PyTorch's divisor rules (divisor_override 0 means none)."""
    (kh, kw), (sh, sw), (ph, pw), (OH, OW) = kernel, stride, padding, out_size
    out = _avg_pool(_planes(x), kh, kw, sh, sw, ph, pw, OH, OW, count_include_pad, divisor_override)
    return out.reshape(x.shape[:-2] + (OH, OW))


def avg_pool2d_backward(g, in_shape, kernel, stride, padding, count_include_pad, divisor_override):
    """Input gradient of average pooling: each output's gradient spread evenly over its window."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    H, W = in_shape[-2:]
    out = _avg_pool_backward(_planes(g), H, W, kh, kw, sh, sw, ph, pw, count_include_pad, divisor_override)
    return out.reshape(in_shape)

"""CUDA convolution: im2col by a kernel, then the tiled SGEMM (``linalg.sgemm``), mirroring ``backends/cpu/conv.py``.

Geometry as on the CPU: ``stride``, ``padding`` (the top and left zero border;
the bottom and right ones follow from ``out_size``), ``dilation`` as (height,
width) pairs, ``groups``, ``out_size`` = (Ho, Wo); NCHW arrays, weights
(C_out, C_in/groups, kh, kw).

The columns of a chunk of samples, (n, C*kh*kw, Ho*Wo), live in one device
workspace of at most ``WORKSPACE_BYTES``; one batched SGEMM per group then
writes the chunk's outputs in place (``blockIdx.z`` walks the samples). A
1x1, stride-1, unpadded convolution skips im2col. The input gradient is a
GEMM into the columns, then ``col2im``: one thread per input pixel gathers
every column entry read from it (no atomics, a fixed summation order). The
weight gradient is one batched GEMM over a chunk's samples, whose per-sample
products ``_sum_samples`` adds up in sample order. The
transposed convolution has no kernel of its own (see ``ops/conv.py``).
"""
import math

import numpy as np
from numba import cuda, float32

from ..conv_products import conv_products
from ..elements import conv as elements
from ._runtime import F32, b1, device_function, empty, flat, float32_only, grid, i64, kernel, on_device
from .creation import zeros
from .linalg import sgemm
from .reduce import sum as _sum

__all__ = ["conv2d", "conv_transpose2d", "conv2d_weight_grad", "conv2d_add_bias", "conv2d_bias_grad",
           "conv_weight_finite"]

WORKSPACE_BYTES = 256 * 2 ** 20
_workspace = {}

_tap_source = device_function(elements.tap_source)
_tap_target = device_function(elements.tap_target)


@kernel((F32, F32, i64, i64) + (i64,) * 13)
def _im2col(cols, x, n0, n_count, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    """cols[k, (c, i, j), (yo, xo)] = x[n0 + k, c, yo*sh - ph + i*dh, xo*sw - pw + j*dw], 0 in the padding."""
    L = Ho * Wo
    R = C * kh * kw
    t = cuda.grid(1)
    while t < n_count * R * L:
        l = t % L
        r = (t // L) % R
        k = t // (L * R)
        c = r // (kh * kw)
        i = (r // kw) % kh
        j = r % kw
        y = _tap_source(l // Wo, sh, ph, i, dh)
        xx = _tap_source(l % Wo, sw, pw, j, dw)
        if 0 <= y < H and 0 <= xx < W:
            cols[t] = x[(((n0 + k) * C + c) * H + y) * W + xx]
        else:
            cols[t] = float32(0)
        t += cuda.gridsize(1)


@kernel((F32, F32, i64, i64) + (i64,) * 13)
def _col2im(out, cols, n0, n_count, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    """out[n0 + k, c, y, x] += every cols entry that im2col read from that pixel (one thread per pixel)."""
    L = Ho * Wo
    R = C * kh * kw
    t = cuda.grid(1)
    while t < n_count * C * H * W:
        xx = t % W
        y = (t // W) % H
        c = (t // (W * H)) % C
        k = t // (W * H * C)
        acc = float32(0)
        for i in range(kh):
            yo = _tap_target(y, sh, ph, i, dh, Ho)
            if yo < 0:
                continue
            for j in range(kw):
                xo = _tap_target(xx, sw, pw, j, dw, Wo)
                if xo >= 0:
                    acc += cols[(k * R + (c * kh + i) * kw + j) * L + yo * Wo + xo]
        out[(((n0 + k) * C + c) * H + y) * W + xx] += acc
        t += cuda.gridsize(1)


@kernel((F32, F32, i64, i64))
def _add_channel_bias(out, bias, C, plane):
    t = cuda.grid(1)
    while t < out.size:
        out[t] += bias[(t // plane) % C]
        t += cuda.gridsize(1)


@kernel((F32, F32, i64, i64, i64, b1))
def _sum_samples(out, products, out_off, count, size, accumulate):
    """out[out_off + t] (+)= Σ_k products[k, t] for t < size: the samples' weight-gradient products, added in
    sample order (the same order on every run)."""
    t = cuda.grid(1)
    while t < size:
        acc = out[out_off + t] if accumulate else float32(0)
        for k in range(count):
            acc += products[k * size + t]
        out[out_off + t] = acc
        t += cuda.gridsize(1)


def _columns(count, rows, length):
    """A reused device workspace of (count, rows, length) float32 (never returned to callers)."""
    size = count * rows * length
    buf = _workspace.get("cols")
    if buf is None or buf.size < size:
        buf = empty((max(size, 1),), np.float32)
        _workspace["cols"] = buf
    return buf


def _is_pointwise(kh, kw, stride, padding, in_size, out_size):
    """A 1x1 stride-1 unpadded convolution whose output has the input's places (not a transposed convolution's
    input gradient with output_padding rows): each sample's planes are its columns."""
    return (kh, kw) == (1, 1) and tuple(stride) == (1, 1) and tuple(padding) == (0, 0) and \
        tuple(in_size) == tuple(out_size)


def _chunk(N, column_floats):
    """Samples per chunk so that a chunk's columns fit the workspace (at least one)."""
    return max(1, min(N, WORKSPACE_BYTES // max(4 * column_floats, 1)))


def conv_weight_finite(weight):
    """None: this backend's convolutions take no path that depends on it (the CPU backend's answers whether the
    weight holds no inf or NaN, for its own fast paths)."""
    return None


def conv2d(x, weight, bias, stride, padding, dilation, groups, out_size, weight_finite=None):
    """The (N, C_out, Ho, Wo) output of a 2-D convolution (cross-correlation, as ``torch.conv2d``);
    ``weight_finite`` is not used here."""
    x, weight = float32_only("conv2d", x, weight)
    N, C, H, W = x.shape
    Cout, Cg, kh, kw = weight.shape
    Ho, Wo = out_size
    L, coutg, rows_g = Ho * Wo, Cout // groups, Cg * kh * kw
    if C != Cg * groups or Cout % groups:
        raise ValueError(f"conv2d: input of shape {tuple(x.shape)} does not fit weight shape {tuple(weight.shape)} "
                         f"with groups={groups}")
    out = empty((N, Cout, Ho, Wo), np.float32)
    if _is_pointwise(kh, kw, stride, padding, (H, W), (Ho, Wo)):
        for g in range(groups):  # each sample's (C, H*W) plane already is its columns
            sgemm(weight, x, N, coutg, L, Cg, (0, Cg, 1), (C * L, L, 1), out=out, a_off=g * coutg * Cg,
                  b_off=g * Cg * L, out_off=g * coutg * L, out_strides=(Cout * L, L))
    else:
        geometry = (C, H, W, kh, kw, *stride, *padding, *dilation, Ho, Wo)
        step = _chunk(N, C * kh * kw * L)
        for n0 in range(0, N, step):
            n = min(step, N - n0)
            cols = _columns(n, C * kh * kw, L)
            _im2col[grid(n * C * kh * kw * L)](cols, flat(x), n0, n, *geometry)
            for g in range(groups):
                sgemm(weight, cols, n, coutg, L, rows_g, (0, rows_g, 1), (C * kh * kw * L, L, 1), out=out,
                      a_off=g * coutg * rows_g, b_off=g * rows_g * L, out_off=(n0 * Cout + g * coutg) * L,
                      out_strides=(Cout * L, L))
    if bias is not None:
        conv2d_add_bias(out, bias)
    return out


def conv2d_add_bias(out, bias):
    """out[:, c] += bias[c], in place on a fresh (N, C, H, W) output; returns out."""
    bias = on_device(bias, out.dtype)
    if out.size:
        _add_channel_bias[grid(out.size)](flat(out), bias, out.shape[1], math.prod(tuple(out.shape)[2:]))
    return out


def _gradients(grad_out, x, weight, stride, padding, dilation, groups, input_shape, need_input, need_weight,
               weight_finite=None):
    """(grad_input, grad_weight) of ``conv2d``; either is None when not needed (x may then be None)."""
    grad_out, weight = float32_only("conv2d", grad_out, weight)
    N, C, H, W = input_shape
    Cout, Cg, kh, kw = weight.shape
    Ho, Wo = tuple(grad_out.shape)[2:]
    L, coutg, rows_g, R = Ho * Wo, Cout // groups, Cg * kh * kw, C * kh * kw
    if tuple(grad_out.shape[:2]) != (N, Cout) or (need_weight and tuple(x.shape) != tuple(input_shape)) or \
            C != Cg * groups:
        raise ValueError(f"conv2d gradients: grad_output of shape {tuple(grad_out.shape)} and input of shape "
                         f"{None if x is None else tuple(x.shape)} do not fit input shape {tuple(input_shape)} and "
                         f"weight shape {tuple(weight.shape)}")
    grad_w = (empty if N else zeros)(tuple(weight.shape), np.float32) if need_weight else None
    if need_weight:
        x = float32_only("conv2d", x)
    pointwise = _is_pointwise(kh, kw, stride, padding, (H, W), (Ho, Wo))
    grad_x = (empty if pointwise else zeros)(tuple(input_shape), np.float32) if need_input else None
    geometry = (C, H, W, kh, kw, *stride, *padding, *dilation, Ho, Wo)
    step = N if pointwise else _chunk(N, R * L)
    for n0 in range(0, N, step):
        n = min(step, N - n0)
        if pointwise:
            cols, cols_off = x, n0 * C * L
        else:
            cols, cols_off = _columns(n, R, L), 0
            if need_weight:
                _im2col[grid(n * R * L)](cols, flat(x), n0, n, *geometry)
        for g in range(groups):
            g_off = (n0 * Cout + g * coutg) * L
            if need_weight:  # grad_w[g] += Σ_k grad_out[k, g] (coutg, L) @ cols[k, g]^T (L, rows_g)
                # one batched GEMM over the chunk's samples, then their products summed in a fixed order
                products = sgemm(grad_out, cols, n, coutg, rows_g, L, (Cout * L, L, 1), (R * L, 1, L),
                                 a_off=g_off, b_off=cols_off + g * rows_g * L)
                _sum_samples[grid(coutg * rows_g)](flat(grad_w), flat(products), g * coutg * rows_g, n,
                                                   coutg * rows_g, n0 > 0)
            if need_input:  # the columns' gradient: w[g]^T (rows_g, coutg) @ grad_out[k, g] (coutg, L)
                target = grad_x if pointwise else cols
                t_off = (n0 * C + g * Cg) * L if pointwise else g * rows_g * L
                sgemm(weight, grad_out, n, rows_g, L, coutg, (0, 1, rows_g), (Cout * L, L, 1), out=target,
                      a_off=g * coutg * rows_g, b_off=g_off, out_off=t_off,
                      out_strides=((C if pointwise else R) * L, L))
        if need_input and not pointwise:
            _col2im[grid(n * C * H * W)](flat(grad_x), cols, n0, n, *geometry)
    return grad_x, grad_w


conv_transpose2d, conv2d_weight_grad = conv_products(_gradients)


def conv2d_bias_grad(grad_out):
    """The bias gradient: grad_out (N, C, H, W) summed over N, H and W."""
    return _sum(on_device(grad_out), axis=(0, 2, 3))

"""Depthwise convolutions (groups = C_in = C_out, one kh x kw filter per channel, as MobileNet's and
EfficientNet's), computed plane by plane with no columns.

The general path would build im2col columns and run one tiny GEMM per channel from Python (a 1 x 9 weight row
times a 9 x L block), 96 to 1,000 calls per layer; here one Numba kernel runs every plane in parallel. Each
output row is the sum over taps of a weight times a strided row of the input, over the range of output columns
whose input column lies inside the image: padding taps are skipped, never multiplied, so an inf or NaN in the
input reaches exactly the outputs whose windows hold it. Those of stride 1 or 2 run in a padded pitch instead
(below): one long loop per tap over the whole plane. (Weights holding inf or NaN take the general path,
which gives PyTorch's NaN where such a weight meets a padding zero.) The input gradient scatters each output
gradient back through the same taps, the weight gradient sums products over the batch, one channel per thread:
no two iterations write one element.
"""
import numpy as np
from numba import prange

from .conv_nonfinite import all_finite
from .jit import kernel


def is_depthwise(s):
    """Whether the layout ``s`` (conv._Layout) is a depthwise convolution with one filter per channel."""
    return s.groups > 1 and s.groups == s.C == s.Cout and s.Cg == 1


def _columns(W, Wo, sw, pw, kx, dw):
    """The output columns [lo, hi) whose tap kx reads inside 0..W-1 (ix = ox*sw - pw + kx*dw); lo >= hi when
    there are none."""
    offset = kx * dw - pw
    lo = 0 if offset >= 0 else (sw - 1 - offset) // sw
    last = W - 1 - offset
    hi = 0 if last < 0 else min(Wo, last // sw + 1)
    return lo, hi


_columns_jit = kernel(inline="always")(_columns)

# The inner loops, on views that start at index 0 (Numba then knows no index is negative, skips its wrap-around
# test and vectorises the stride-1 loop).


@kernel(inline="always", fastmath={"contract"})
def _axpy(target, weight, source, stride):
    """target[i] += weight * source[i * stride]."""
    if stride == 1:
        for i in range(target.shape[0]):
            target[i] += weight * source[i]
    else:
        for i in range(target.shape[0]):
            target[i] += weight * source[i * stride]


@kernel(inline="always", fastmath={"contract"})
def _scatter_axpy(target, weight, source, stride):
    """target[i * stride] += weight * source[i]."""
    if stride == 1:
        for i in range(source.shape[0]):
            target[i] += weight * source[i]
    else:
        for i in range(source.shape[0]):
            target[i * stride] += weight * source[i]


@kernel(inline="always", fastmath={"contract"})
def _multiply_add(target, a, b, stride):
    """target[i] += a[i] * b[i * stride]."""
    if stride == 1:
        for i in range(target.shape[0]):
            target[i] += a[i] * b[i]
    else:
        for i in range(target.shape[0]):
            target[i] += a[i] * b[i * stride]


@kernel(parallel=True, fastmath={"contract"})
def _rows(source, w, sh, sw, ph, pw, dh, dw, target, transposed):
    """The convolution C (transposed False: source is the image, target the output) or C^T (True: source is an
    output gradient, target the image's gradient), row by row: output row oy meets image row oy*sh - ph + ky*dh
    through tap row ky; in it, columns lo..hi of the output meet every sw-th image column."""
    N, C = target.shape[0], target.shape[1]
    image, output = (target, source) if transposed else (source, target)
    H, W, Ho, Wo = image.shape[2], image.shape[3], output.shape[2], output.shape[3]
    kh, kw = w.shape[2], w.shape[3]
    for plane in prange(N * C):
        n, c = plane // C, plane % C
        target[n, c] = 0
        for oy in range(Ho):
            for ky in range(kh):
                iy = oy * sh - ph + ky * dh
                if iy < 0 or iy >= H:
                    continue
                for kx in range(kw):
                    lo, hi = _columns_jit(W, Wo, sw, pw, kx, dw)
                    if hi > lo:
                        first = lo * sw - pw + kx * dw
                        if transposed:
                            _scatter_axpy(target[n, c, iy, first:], w[c, 0, ky, kx], source[n, c, oy, lo:hi], sw)
                        else:
                            _axpy(target[n, c, oy, lo:hi], w[c, 0, ky, kx], source[n, c, iy, first:], sw)


@kernel(parallel=True, fastmath={"contract"})
def _weight_grad(g, x, sh, sw, ph, pw, dh, dw, grad_w, partial):
    N, C, H, W = x.shape
    Ho, Wo = g.shape[2], g.shape[3]
    kh, kw = grad_w.shape[2], grad_w.shape[3]
    for c in prange(C):
        sums = partial[c]  # (kh*kw, Wo): per-column sums, added up once at the end
        sums[:, :] = 0
        for n in range(N):
            for oy in range(Ho):
                grad_row = g[n, c, oy]
                for ky in range(kh):
                    iy = oy * sh - ph + ky * dh
                    if iy < 0 or iy >= H:
                        continue
                    source = x[n, c, iy]
                    for kx in range(kw):
                        lo, hi = _columns_jit(W, Wo, sw, pw, kx, dw)
                        if hi > lo:
                            _multiply_add(sums[ky * kw + kx, lo:hi], grad_row[lo:hi], source[lo * sw - pw + kx * dw:],
                                          sw)
        for ky in range(kh):
            for kx in range(kw):
                grad_w[c, 0, ky, kx] = sums[ky * kw + kx].sum()


# Depthwise convolutions of stride 1 or 2 in the padded pitch: a plane copied once into a zero-bordered buffer of
# row pitch Wp = W + 2*pw, and the convolution computed at every stride-1 place of the same pitch (junk columns
# included), so that each tap is one long contiguous multiply-add over the whole plane (place q reads
# q + ky*dh*Wp + kx*dw) instead of one short one per row: on 16x16 planes the per-row loops cost more than their
# arithmetic. A stride-s output (oy, ox) is the place (oy*s)*Wp + ox*s; stride 2 computes 4 places per output and
# still runs faster than the row kernels (measured in benchmarks/README.md), larger strides take those.


@kernel(inline="always")
def _pad_plane(plane, ph, pw, buffer):
    """buffer (Hp*Wp,) = plane (H, W) inside a zero border of ph rows and pw columns."""
    H, W = plane.shape
    Wp = W + 2 * pw
    buffer[:] = 0
    for y in range(H):
        row = buffer[(y + ph) * Wp + pw:]
        source = plane[y]
        for x in range(W):
            row[x] = source[x]


@kernel(inline="always")
def _place(grad_plane, sh, sw, Wp, span, buffer):
    """buffer[:span] = grad_plane (Ho, Wo) at the places (oy*sh)*Wp + ox*sw, zeros elsewhere."""
    Ho, Wo = grad_plane.shape
    buffer[:span] = 0
    for oy in range(Ho):
        row, source = buffer[oy * sh * Wp:], grad_plane[oy]
        for ox in range(Wo):
            row[ox * sw] = source[ox]


@kernel(parallel=True, fastmath={"contract"})
def _forward_flat(x, w, sh, sw, ph, pw, dh, dw, out, padded, pitched):
    N, C, H, W = x.shape
    Ho, Wo = out.shape[2], out.shape[3]
    kh, kw = w.shape[2], w.shape[3]
    Wp = W + 2 * pw
    span = (Ho - 1) * sh * Wp + (Wo - 1) * sw + 1  # the last output's place, the places before it included
    for plane in prange(N * C):
        n, c = plane // C, plane % C
        buffer, result = padded[plane], pitched[plane]
        _pad_plane(x[n, c], ph, pw, buffer)
        result[:span] = 0
        for ky in range(kh):
            for kx in range(kw):
                _axpy(result[:span], w[c, 0, ky, kx], buffer[ky * dh * Wp + kx * dw:], 1)
        for oy in range(Ho):
            row, source = out[n, c, oy], result[oy * sh * Wp:]
            for ox in range(Wo):
                row[ox] = source[ox * sw]


@kernel(parallel=True, fastmath={"contract"})
def _input_grad_flat(g, w, sh, sw, ph, pw, dh, dw, grad_x, padded, pitched):
    N, C, H, W = grad_x.shape
    Ho, Wo = g.shape[2], g.shape[3]
    kh, kw = w.shape[2], w.shape[3]
    Wp = W + 2 * pw
    span = (Ho - 1) * sh * Wp + (Wo - 1) * sw + 1
    for plane in prange(N * C):
        n, c = plane // C, plane % C
        buffer, spread = pitched[plane], padded[plane]
        _place(g[n, c], sh, sw, Wp, span, buffer)  # zero at the junk and skipped places
        spread[:] = 0
        for ky in range(kh):
            for kx in range(kw):
                _axpy(spread[ky * dh * Wp + kx * dw:ky * dh * Wp + kx * dw + span], w[c, 0, ky, kx], buffer, 1)
        for y in range(H):
            row, source = grad_x[n, c, y], spread[(y + ph) * Wp + pw:]
            for x_ in range(W):
                row[x_] = source[x_]


@kernel(parallel=True, fastmath={"contract"})
def _weight_grad_flat(g, x, sh, sw, ph, pw, dh, dw, grad_w, padded, pitched, lanes):
    N, C, H, W = x.shape
    Ho, Wo = g.shape[2], g.shape[3]
    kh, kw = grad_w.shape[2], grad_w.shape[3]
    Wp = W + 2 * pw
    span = (Ho - 1) * sh * Wp + (Wo - 1) * sw + 1
    for c in prange(C):
        buffer, grads, sums = padded[c], pitched[c], lanes[c]  # sums: (kh*kw, span), one lane per place
        sums[:, :span] = 0
        for n in range(N):
            _pad_plane(x[n, c], ph, pw, buffer)
            _place(g[n, c], sh, sw, Wp, span, grads)
            for ky in range(kh):
                for kx in range(kw):  # lane-wise products, no reduction chain: the loop vectorises
                    _multiply_add(sums[ky * kw + kx, :span], grads[:span], buffer[ky * dh * Wp + kx * dw:], 1)
        for ky in range(kh):
            for kx in range(kw):
                grad_w[c, 0, ky, kx] = sums[ky * kw + kx, :span].sum()


def _span(s):
    return (s.Ho - 1) * s.sh * (s.W + 2 * s.pw) + (s.Wo - 1) * s.sw + 1


def _flat(s):
    """Whether the padded-pitch kernels apply: stride 1 or 2, and every tap of every output inside the padded
    plane (not so when the output size implies more padding at the bottom or right than at the top or left)."""
    return (s.sh <= 2 and s.sw <= 2 and (s.Ho - 1) * s.sh + s.dh * (s.kh - 1) <= s.H + 2 * s.ph - 1
            and (s.Wo - 1) * s.sw + s.dw * (s.kw - 1) <= s.W + 2 * s.pw - 1)


def _pitch_buffers(s, dtype, count, workspace):
    Hp, Wp = s.H + 2 * s.ph, s.W + 2 * s.pw
    return workspace("depthwise padded", (count, Hp * Wp), dtype), workspace("depthwise pitched", (count, Hp * Wp),
                                                                             dtype)


def _check(s, *arrays):
    """The kernels trust these sizes: every array must match the layout ``s`` before a call."""
    expected = {"x": (s.N, s.C, s.H, s.W), "out": (s.N, s.Cout, s.Ho, s.Wo), "w": (s.Cout, 1, s.kh, s.kw)}
    for name, array in arrays:
        if tuple(array.shape) != expected[name] or not array.flags.c_contiguous:
            raise ValueError(f"depthwise convolution: {name} of shape {tuple(array.shape)}, expected "
                             f"{expected[name]} (C-contiguous)")


def _product(s, source, weight, target, workspace, transposed):
    """target = C source (the convolution) or C^T source (its transpose), by the padded-pitch or the row kernels."""
    if _flat(s):
        flat_kernel = _input_grad_flat if transposed else _forward_flat
        flat_kernel(source, weight, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, target,
                    *_pitch_buffers(s, source.dtype, s.N * s.C, workspace))
    else:
        _rows(source, weight, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, target, transposed)
    return target


def depthwise_conv2d(s, x, weight, out, workspace):
    """out (N, C, Ho, Wo) = the depthwise convolution of x; returns out. ``workspace(slot, shape, dtype)`` lends
    the scratch arrays."""
    _check(s, ("x", x), ("w", weight), ("out", out))
    return _product(s, x, weight, out, workspace, False)


def depthwise_conv_transpose2d(s, grad_out, weight, workspace):
    """The input gradient (N, C, H, W), the transposed convolution of grad_out: each output gradient sent back
    through its taps."""
    _check(s, ("out", grad_out), ("w", weight))
    return _product(s, grad_out, weight, np.empty((s.N, s.C, s.H, s.W), grad_out.dtype), workspace, True)


def depthwise_weight_grad(s, grad_out, x, workspace):
    """The weight gradient (C, 1, kh, kw): products of grad_out and the input's taps summed over the batch."""
    _check(s, ("out", grad_out), ("x", x))
    grad_w = np.empty((s.Cout, 1, s.kh, s.kw), grad_out.dtype)
    if _flat(s) and all_finite(x):  # (a junk column's zero gradient times an inf of x would make a NaN)
        lanes = workspace("depthwise lanes", (s.C, s.kh * s.kw, _span(s)), x.dtype)
        _weight_grad_flat(grad_out, x, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, grad_w,
                          *_pitch_buffers(s, x.dtype, s.C, workspace), lanes)
    else:
        partial = workspace("depthwise", (s.C, s.kh * s.kw, s.Wo), grad_out.dtype)
        _weight_grad(grad_out, x, s.sh, s.sw, s.ph, s.pw, s.dh, s.dw, grad_w, partial)
    return grad_w

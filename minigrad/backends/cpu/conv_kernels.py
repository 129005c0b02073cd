"""Numba kernels of the general convolution: im2col and its adjoint col2im (any stride, padding, dilation).

A chunk of a convolution's output is the samples ``n0 <= n < n0 + nk`` and
the output rows ``y0 <= yo < y0 + R`` of each. Its columns ``cols`` have the
shape (C * kh * kw, nk * R * Wo): row ``(c, i, j)`` holds the input pixel that
kernel tap (i, j) of channel c sees at every output pixel of the chunk, zero
where that tap falls in the padding. So the convolution of a chunk is one
GEMM, ``weight(C_out, C*kh*kw) @ cols``, whose (C_out, nk * R * Wo) result
``conv_layout_kernels.narrow_rows`` moves into the NCHW output.

``col2im_add`` is the adjoint (transpose) of ``im2col``: it adds every column
entry back onto the input pixel it was read from. It is both the input
gradient of conv2d and the forward pass of conv_transpose2d.

Inner loops run over views starting at index 0: Numba then knows the index is
not negative, skips its wrap-around test and vectorises the loop.
"""
from numba import njit, prange

from .jit import kernel
from ..elements import conv as elements

_tap_source = njit(inline="always")(elements.tap_source)


@kernel()
def _valid_columns(j, kw, sw, pw, dw, W, Wo):
    """The output columns [xa, xb) whose kernel tap j lands inside the input row, and that tap's offset."""
    off = _tap_source(0, sw, pw, j, dw)
    xa = 0
    if off < 0:
        xa = (-off + sw - 1) // sw
    last = W - 1 - off  # the largest xo * sw that is still inside
    xb = last // sw + 1 if last >= 0 else 0
    if xb > Wo:
        xb = Wo
    if xa > xb:
        xa = xb
    return xa, xb, off


@kernel(parallel=True)
def im2col(x, n0, nk, y0, R, kh, kw, sh, sw, ph, pw, dh, dw, Wo, cols):
    """Fill ``cols`` (C*kh*kw, nk*R*Wo) from x (N, C, H, W); one task per (sample, row of cols), no races."""
    C, H, W = x.shape[1], x.shape[2], x.shape[3]
    K = C * kh * kw
    for task in prange(nk * K):
        k = task // K
        r = task - k * K
        c = r // (kh * kw)
        i = (r // kw) % kh
        j = r % kw
        xa, xb, off = _valid_columns(j, kw, sw, pw, dw, W, Wo)
        part = cols[r, k * R * Wo:(k + 1) * R * Wo]
        for a in range(R):
            dst = part[a * Wo:(a + 1) * Wo]
            y = _tap_source(y0 + a, sh, ph, i, dh)
            if y < 0 or y >= H:
                for t in range(Wo):
                    dst[t] = 0
                continue
            for t in range(xa):
                dst[t] = 0
            inside = dst[xa:xb]
            if sw == 1:
                src = x[n0 + k, c, y, xa + off:xb + off]
                for t in range(inside.shape[0]):
                    inside[t] = src[t]
            else:
                strided = x[n0 + k, c, y, xa * sw + off:(xb - 1) * sw + off + 1:sw]
                for t in range(inside.shape[0]):
                    inside[t] = strided[t]
            tail = dst[xb:]
            for t in range(tail.shape[0]):
                tail[t] = 0
    return cols


@kernel(parallel=True)
def col2im_add(cols, n0, nk, y0, R, kh, kw, sh, sw, ph, pw, dh, dw, Wo, out):
    """Add ``cols`` back onto out (N, C, H, W) at the pixels im2col read them from.

    One task per (sample, channel) plane: a task writes only its own plane, so
    the parallel loop has no races however much the kernel windows overlap.
    """
    C, H, W = out.shape[1], out.shape[2], out.shape[3]
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        for i in range(kh):
            for a in range(R):
                y = _tap_source(y0 + a, sh, ph, i, dh)
                if y < 0 or y >= H:
                    continue
                dst_row = out[n0 + k, c, y]
                base = (k * R + a) * Wo
                for j in range(kw):
                    xa, xb, off = _valid_columns(j, kw, sw, pw, dw, W, Wo)
                    if xa >= xb:
                        continue
                    src = cols[(c * kh + i) * kw + j, base + xa:base + xb]
                    if sw == 1:
                        dst = dst_row[xa + off:xb + off]
                        for t in range(src.shape[0]):
                            dst[t] += src[t]
                    else:
                        strided = dst_row[xa * sw + off:(xb - 1) * sw + off + 1:sw]
                        for t in range(src.shape[0]):
                            strided[t] += src[t]
    return out

"""Numba kernels of the convolution: im2col, col2im and layout changes.

A chunk of a convolution's output is the samples ``n0 <= n < n0 + nk`` and
the output rows ``y0 <= yo < y0 + R`` of each. Its columns ``cols`` have the
shape (C * kh * kw, nk * R * Wo): row ``(c, i, j)`` holds the input pixel that
kernel tap (i, j) of channel c sees at every output pixel of the chunk, zero
where that tap falls in the padding. So the convolution of a chunk is one
GEMM, ``weight(C_out, C*kh*kw) @ cols``, whose (C_out, nk * R * Wo) result
``narrow_rows`` moves into the NCHW output (``widen_rows`` is the way back).

``col2im_add`` is the adjoint (transpose) of ``im2col``: it adds every column
entry back onto the input pixel it was read from. It is both the input
gradient of conv2d and the forward pass of conv_transpose2d.

Inner loops run over views starting at index 0: Numba then knows the index is
not negative, skips its wrap-around test and vectorises the loop.
"""
from numba import njit, prange


@njit(cache=True)
def _valid_columns(j, kw, sw, pw, dw, W, Wo):
    """The output columns [xa, xb) whose kernel tap j lands inside the input row, and that tap's offset."""
    off = j * dw - pw
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


@njit(parallel=True, cache=True)
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
            y = (y0 + a) * sh - ph + i * dh
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


@njit(parallel=True, cache=True)
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
                y = (y0 + a) * sh - ph + i * dh
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


@njit(parallel=True, cache=True)
def widen_rows(grad_out, n0, y0, R, Wp, wide):
    """wide[c, (k*R + a)*Wp + t] = grad_out[n0 + k, c, y0 + a, t], zero for Wo <= t < Wp (junk columns)."""
    C, L = wide.shape
    Wo = grad_out.shape[3]
    nk = L // (R * Wp)
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        for a in range(R):
            dst = wide[c, (k * R + a) * Wp:(k * R + a + 1) * Wp]
            src = grad_out[n0 + k, c, y0 + a]
            for t in range(Wo):
                dst[t] = src[t]
            tail = dst[Wo:]
            for t in range(tail.shape[0]):
                tail[t] = 0
    return wide


@njit(parallel=True, cache=True)
def narrow_rows(wide, Wp, n0, y0, R, bias, out):
    """out[n0 + k, c, y0 + a, t] = wide[c, (k*R + a)*Wp + t] + bias[c] for t < Wo (junk columns dropped)."""
    C, L = wide.shape
    Wo = out.shape[3]
    nk = L // (R * Wp)
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        b = bias[c]
        for a in range(R):
            src = wide[c, (k * R + a) * Wp:(k * R + a) * Wp + Wo]
            dst = out[n0 + k, c, y0 + a]
            for t in range(Wo):
                dst[t] = src[t] + b
    return out


@njit(parallel=True, cache=True)
def add_channel_bias(out, bias):
    """out[n, c] += bias[c] for an (N, C, H, W) array, one task per plane."""
    N, C = out.shape[0], out.shape[1]
    for task in prange(N * C):
        n = task // C
        c = task - n * C
        plane = out[n, c]
        b = bias[c]
        for y in range(plane.shape[0]):
            row = plane[y]
            for t in range(row.shape[0]):
                row[t] += b
    return out

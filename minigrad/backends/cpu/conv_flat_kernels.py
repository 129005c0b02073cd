"""Numba kernels of the stride-1 convolution in the "flat" layout: im2col as one contiguous copy per row.

For stride 1, a chunk's output rows are computed over the padded width
Wp = Wo + dw*(kw-1): each output row gets Wp - Wo junk columns, which
``narrow_rows`` drops in the forward pass and which receive zero gradients in
the backward pass. In exchange, once a sample's rows are copied into a
zero-bordered band, the column row of tap (i, j) is ONE contiguous run of the
flattened band, starting at i*dh*Wp + j*dw: im2col and col2im move memory at
full speed, with no per-pixel bounds tests. The band has one spare zero row so
that the last run's junk tail stays inside it.

Columns are laid out as in ``conv_kernels``: (C*kh*kw, nk * R * Wp).
"""
from numba import prange

from .conv_layout_kernels import fill_padded_plane
from .jit import kernel


@kernel(parallel=True)
def im2col_flat(x, n0, first_row, pw, kh, kw, dh, dw, band, cols):
    """Copy each (sample, channel) plane of the chunk into its zero-bordered band, then its kh*kw runs into
    ``cols``; one task per plane, which writes only its own band plane and column rows."""
    nk, C, rows, Wp = band.shape
    L = cols.shape[1] // nk
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        fill_padded_plane(x, n0 + k, c, first_row, pw, band[k, c])
        flat = band[k, c].ravel()
        for i in range(kh):
            for j in range(kw):
                start = i * dh * Wp + j * dw
                src = flat[start:start + L]
                dst = cols[(c * kh + i) * kw + j, k * L:(k + 1) * L]
                for t in range(L):
                    dst[t] = src[t]
    return cols


@kernel(parallel=True)
def col2im_flat(cols, kh, kw, dh, dw, band, n0, first_row, pw, out, accumulate):
    """The adjoint of ``im2col_flat``: add each run back onto a zeroed band plane, then move the band's image
    part into out (N, C, H, W), adding to it when ``accumulate`` (row bands of one sample overlap).
    One task per (sample, channel) plane: no races."""
    nk, C, rows, Wp = band.shape
    H, W = out.shape[2], out.shape[3]
    L = cols.shape[1] // nk
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        plane = band[k, c]
        flat = plane.ravel()
        for t in range(flat.shape[0]):
            flat[t] = 0
        for i in range(kh):
            for j in range(kw):
                start = i * dh * Wp + j * dw
                dst = flat[start:start + L]
                src = cols[(c * kh + i) * kw + j, k * L:(k + 1) * L]
                for t in range(L):
                    dst[t] += src[t]
        for a in range(rows):
            y = first_row + a
            if y < 0 or y >= H:
                continue
            src = plane[a, pw:pw + W]
            dst = out[n0 + k, c, y]
            if accumulate:
                for t in range(W):
                    dst[t] += src[t]
            else:
                for t in range(W):
                    dst[t] = src[t]
    return out


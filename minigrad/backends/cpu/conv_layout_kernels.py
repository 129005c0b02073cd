"""Numba kernels that move images between NCHW and the padded-rows layouts the convolution kernels compute in.

Two layouts, both built on rows of a fixed pitch Wp >= W, so that moving one
pixel (y, x) by a kernel tap (i, j) is adding i*Wp + j to one flat index:

- padded planes (N, C, Hp, Wp): each image at (top, left) inside a zero
  border (``pad_into``); the direct kernels read the taps of a 3x3 kernel here.
- wide rows (C, nk*R*Wp): channel-major, one row of pitch Wp per output row
  of each sample; a GEMM over a chunk of columns produces this layout, and
  ``narrow_rows`` moves it into NCHW (dropping the Wp - W junk columns and
  adding a per-channel bias), ``widen_rows`` back (zeros in the junk columns).
  ``narrow_rows`` also drops the junk columns of the direct kernels' sample-major
  planes (N, C, Ho*Wp).

``pad_into`` and ``widen_rows`` are numpy slice copies: as Numba kernels they ran
at most 2x faster (0.5 against 0.9 ms for a 64x256x256 image) but cost 1.7 s of
compiling on a first run (benchmarks/first_step.py). ``narrow_rows`` adds while it
copies, where numpy was 2-4x slower.

Inner loops run over views starting at index 0: Numba then knows the index is
not negative, skips its wrap-around test and vectorises the loop.
"""
from numba import prange

from .jit import kernel


@kernel()
def fill_padded_plane(x, n, c, first_row, left, plane):
    """plane[a, b] = x[n, c, first_row + a, b - left], zero outside the image."""
    rows, Wp = plane.shape
    H, W = x.shape[2], x.shape[3]
    for a in range(rows):
        dst = plane[a]
        y = first_row + a
        if y < 0 or y >= H:
            for t in range(Wp):
                dst[t] = 0
            continue
        for t in range(left):
            dst[t] = 0
        inside = dst[left:left + W]
        src = x[n, c, y]
        for t in range(W):
            inside[t] = src[t]
        tail = dst[left + W:]
        for t in range(tail.shape[0]):
            tail[t] = 0


def pad_into(x, top, left, xp):
    """Copy x (N, C, H, W) into xp (N, C, Hp, Wp) at offset (top, left), zeros elsewhere."""
    H, W = x.shape[2], x.shape[3]
    xp[:, :, :top] = 0
    xp[:, :, top + H:] = 0
    inside = xp[:, :, top:top + H]
    inside[..., :left] = 0
    inside[..., left + W:] = 0
    inside[..., left:left + W] = x
    return xp


def widen_rows(grad_out, n0, y0, R, Wp, wide):
    """wide[c, (k*R + a)*Wp + t] = grad_out[n0 + k, c, y0 + a, t], zero for Wo <= t < Wp (junk columns)."""
    C, L = wide.shape
    Wo = grad_out.shape[3]
    rows = wide.reshape(C, L // (R * Wp), R, Wp)
    rows[..., :Wo] = grad_out[n0:n0 + rows.shape[1], :, y0:y0 + R].transpose(1, 0, 2, 3)
    rows[..., Wo:] = 0
    return wide


@kernel(parallel=True)
def narrow_rows(rows, channel_major, Wp, n0, y0, R, bias, out):
    """out[n0 + k, c, y0 + a, t] = rows[c, k, a*Wp + t] + bias[c] for t < Wo (junk columns dropped), or
    rows[k, c, a*Wp + t] when not ``channel_major``: the GEMM path's wide rows (C, nk, R*Wp) and the direct
    kernels' planes (nk, C, R*Wp), one kernel (and one compiled specialization) for both."""
    nk, C = out.shape[0] - n0, out.shape[1]
    nk = min(nk, rows.shape[1] if channel_major else rows.shape[0])
    Wo = out.shape[3]
    if rows.shape[2] < R * Wp or Wo > Wp or y0 + R > out.shape[2] or bias.shape[0] < C or \
            (rows.shape[0] if channel_major else rows.shape[1]) < C:
        raise ValueError("narrow_rows: rows, out and bias do not fit the given pitch and row band")
    for task in prange(nk * C):
        k = task // C
        c = task - k * C
        b = bias[c]
        plane = rows[c, k] if channel_major else rows[k, c]
        for a in range(R):
            src = plane[a * Wp:a * Wp + Wo]
            dst = out[n0 + k, c, y0 + a]
            for t in range(Wo):
                dst[t] = src[t] + b
    return out

"""Numba kernels of the direct convolution: 3x3, stride-1, dilation-1, single-group convolutions.

No columns are built. The input is copied once into a zero-bordered buffer
``xp`` (``conv_layout_kernels.pad_into``) of row pitch Wp = Wo + 2, seen as
flat planes (N, C, Hp*Wp). Then output pixel q = y*Wp + x reads tap (i, j) at
q + i*Wp + j: every tap of every pixel is a shifted contiguous range, so the
inner loops run over long stretches of q with no bounds tests. Results have
the same pitch, as planes (N, C_out, Ho*Wp) whose junk columns (2 per
row) ``conv_layout_kernels.narrow_rows`` drops. (Sample-major: in the GEMM path's
channel-major layout, a channel's rows lay a multiple of 4 KiB apart for the
U-Net's sizes and competed for cache sets: these kernels ran up to 2x slower.)

``conv_flat`` computes an output, and also an input gradient: that is the
convolution of the padded output gradient with the weight flipped in both
spatial dims and with its channel axes swapped. ``weight_grad_flat`` sums
products over chunks of q, one partial result per chunk, which the caller
adds up.

Inner loops run over views starting at index 0: Numba then knows the index is
not negative, skips its wrap-around test and vectorises the loop.
"""
from numba import prange

from .jit import kernel

# Output channels computed together in one pass of the forward kernel.
CO_BLOCK = 4


@kernel(fastmath={"contract"})
def _row_block4(a0, a1, a2, a3, r, w, co, ci, i):
    """a_k[q] += sum_j w[co+k, ci, i, j] * r[q+j] for k < 4 (one row of a 3x3 kernel)."""
    w00, w01, w02 = w[co, ci, i, 0], w[co, ci, i, 1], w[co, ci, i, 2]
    w10, w11, w12 = w[co + 1, ci, i, 0], w[co + 1, ci, i, 1], w[co + 1, ci, i, 2]
    w20, w21, w22 = w[co + 2, ci, i, 0], w[co + 2, ci, i, 1], w[co + 2, ci, i, 2]
    w30, w31, w32 = w[co + 3, ci, i, 0], w[co + 3, ci, i, 1], w[co + 3, ci, i, 2]
    r1, r2 = r[1:], r[2:]
    for q in range(a0.shape[0]):
        u, v, s = r[q], r1[q], r2[q]
        a0[q] = a0[q] + w00 * u + w01 * v + w02 * s
        a1[q] = a1[q] + w10 * u + w11 * v + w12 * s
        a2[q] = a2[q] + w20 * u + w21 * v + w22 * s
        a3[q] = a3[q] + w30 * u + w31 * v + w32 * s


@kernel(fastmath={"contract"})
def _row_block1(a0, r, w, co, ci, i):
    """a0[q] += sum_j w[co, ci, i, j] * r[q+j] (one row of a 3x3 kernel)."""
    w00, w01, w02 = w[co, ci, i, 0], w[co, ci, i, 1], w[co, ci, i, 2]
    r1, r2 = r[1:], r[2:]
    for q in range(a0.shape[0]):
        a0[q] = a0[q] + w00 * r[q] + w01 * r1[q] + w02 * r2[q]


@kernel(parallel=True)
def conv_flat(xp, w, Wp, chunk, out):
    """out[n, co, q] = sum_{ci,i,j} w[co, ci, i, j] * xp[n, ci, q + i*Wp + j] for a 3x3 kernel and q below
    out.shape[2] - 2, where xp (N, C_in, Hp*Wp) holds zero-bordered rows of pitch Wp: so out, of pitch Wp too,
    is the convolution, with 2 junk columns per row. One task per (sample, chunk of q): long inner loops.
    """
    N, Cout, L = out.shape
    Cin = w.shape[1]
    L -= 2
    chunks = (L + chunk - 1) // chunk
    full = Cout - Cout % CO_BLOCK
    for task in prange(N * chunks):
        n = task // chunks
        q0 = (task % chunks) * chunk
        q1 = min(q0 + chunk, L)
        for co in range(Cout):
            acc = out[n, co, q0:q1]
            acc[:] = 0
        for co in range(0, full, CO_BLOCK):
            a0, a1, a2, a3 = out[n, co, q0:q1], out[n, co + 1, q0:q1], out[n, co + 2, q0:q1], out[n, co + 3, q0:q1]
            for ci in range(Cin):
                for i in range(3):
                    _row_block4(a0, a1, a2, a3, xp[n, ci, q0 + i * Wp:], w, co, ci, i)
        for co in range(full, Cout):
            a0 = out[n, co, q0:q1]
            for ci in range(Cin):
                for i in range(3):
                    _row_block1(a0, xp[n, ci, q0 + i * Wp:], w, co, ci, i)
    return out


@kernel(fastmath={"reassoc", "contract"})
def _taps9x2(g0, g1, r, Wp, zero, s):
    """s[k, i, j] += sum_q g_k[q] * r[q + i*Wp + j] for k < 2, i, j < 3 (reassociated, so the sums vectorise)."""
    s00 = s01 = s02 = s03 = s04 = s05 = s06 = s07 = s08 = zero
    s10 = s11 = s12 = s13 = s14 = s15 = s16 = s17 = s18 = s00
    ra, rb, rc = r[0:], r[Wp:], r[2 * Wp:]
    ra1, rb1, rc1, ra2, rb2, rc2 = ra[1:], rb[1:], rc[1:], ra[2:], rb[2:], rc[2:]
    for q in range(g0.shape[0]):
        a, b = g0[q], g1[q]
        u0, u1, u2, v0, v1, v2, t0, t1, t2 = ra[q], ra1[q], ra2[q], rb[q], rb1[q], rb2[q], rc[q], rc1[q], rc2[q]
        s00 += a * u0
        s01 += a * u1
        s02 += a * u2
        s03 += a * v0
        s04 += a * v1
        s05 += a * v2
        s06 += a * t0
        s07 += a * t1
        s08 += a * t2
        s10 += b * u0
        s11 += b * u1
        s12 += b * u2
        s13 += b * v0
        s14 += b * v1
        s15 += b * v2
        s16 += b * t0
        s17 += b * t1
        s18 += b * t2
    s[0, 0, 0] += s00
    s[0, 0, 1] += s01
    s[0, 0, 2] += s02
    s[0, 1, 0] += s03
    s[0, 1, 1] += s04
    s[0, 1, 2] += s05
    s[0, 2, 0] += s06
    s[0, 2, 1] += s07
    s[0, 2, 2] += s08
    s[1, 0, 0] += s10
    s[1, 0, 1] += s11
    s[1, 0, 2] += s12
    s[1, 1, 0] += s13
    s[1, 1, 1] += s14
    s[1, 1, 2] += s15
    s[1, 2, 0] += s16
    s[1, 2, 1] += s17
    s[1, 2, 2] += s18


@kernel(fastmath={"reassoc", "contract"})
def _taps9(g0, r, Wp, zero, s):
    """s[i, j] += sum_q g0[q] * r[q + i*Wp + j] for i, j < 3 (reassociated, so the sums vectorise)."""
    for i in range(3):
        s0 = s1 = s2 = zero
        ra = r[i * Wp:]
        ra1, ra2 = ra[1:], ra[2:]
        for q in range(g0.shape[0]):
            a = g0[q]
            s0 += a * ra[q]
            s1 += a * ra1[q]
            s2 += a * ra2[q]
        s[i, 0] += s0
        s[i, 1] += s1
        s[i, 2] += s2


@kernel(parallel=True)
def weight_grad_flat(gz, xp, Wp, Wo, chunk, skip_junk, parts):
    """parts[t, co, ci, i, j] = sum over q in chunk t of gz[n, co, q] * xp[n, ci, q + i*Wp + j] (3x3 kernel),
    chunk t = n*chunks + c covering q in [c*chunk, (c+1)*chunk). gz (N, C_out, Ho*Wp) holds the output gradient
    at pitch Wp with zeros in the Wp - Wo junk columns of each row, and xp (N, C_in, Hp*Wp) the zero-bordered input, so
    summing parts over t gives the weight gradient. One task per chunk, each writing its own partial result.

    The sums run over the whole chunk at once, junk columns included, unless ``skip_junk``: then row by row
    (slower on narrow rows). The caller skips them when the input holds an inf or a NaN: the junk columns' taps
    reach real pixels at the row's other end, and 0 * inf would put a NaN where PyTorch has none."""
    N, Cout, L = gz.shape
    Cin = xp.shape[1]
    L -= 2
    chunks = (L + chunk - 1) // chunk
    full = Cout - Cout % 2
    for t in prange(N * chunks):
        n = t // chunks
        q0 = (t % chunks) * chunk
        q1 = min(q0 + chunk, L)
        part = parts[t]
        part[:] = 0
        zero = part[0, 0, 0, 0]  # of the arrays' dtype: a literal 0 would make the sums float64
        rows = (q1 - 1) // Wp - q0 // Wp + 1 if skip_junk else 1
        for r in range(rows):
            a, b = q0, q1
            if skip_junk:
                y = q0 // Wp + r
                a, b = max(q0, y * Wp), min(q1, y * Wp + Wo)
                if a >= b:
                    continue
            for co in range(0, full, 2):
                g0, g1 = gz[n, co, a:b], gz[n, co + 1, a:b]
                for ci in range(Cin):
                    _taps9x2(g0, g1, xp[n, ci, a:], Wp, zero, part[co:co + 2, ci])
            for co in range(full, Cout):
                g0 = gz[n, co, a:b]
                for ci in range(Cin):
                    _taps9(g0, xp[n, ci, a:], Wp, zero, part[co, ci])
    return parts

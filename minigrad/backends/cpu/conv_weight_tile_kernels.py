"""Numba kernels of the shifted weight gradient: grad_w[co, c, t] = sum over output pixels (k, y, x) of
grad[k, co, y, x] * band[c, q(k, y, x) + shifts[t]], q(k, y, x) = (k*S + y)*Wp + x.

This is the weight gradient of conv_shifted's convolution, the same sum of kh*kw shifted products with the roles
turned: for one tap, grad_w[:, :, t] = grad (C_out x pixels) @ band's shifted window (pixels x C) transposed. The
band is stored channels-last in blocks of CHANNELS input channels (``fill_channel_blocks``): blocks[j, i, v] =
band[j*CHANNELS + v, i], so that one output pixel's CHANNELS values of a block are one vector. A tile is ROWS
output channels by one block; its ROWS*CHANNELS sums stay in registers while the loop runs over the output
pixels, reading one vector of the band and broadcasting ROWS values of grad (read in place, NCHW) per pixel.
Only the output's pixels are visited: no junk columns, so an inf or NaN of the input reaches exactly the
products PyTorch has.

As conv_tile_kernels' tile, the tile is written out as named scalar sums and compiled with LLVM's SLP vectorizer.
Measured on 2 cores (U-Net layers, 4x128x16x16 to 128 channels and others): 200-230 GFLOP/s for the loop alone,
numpy's SGEMM about 205; im2col and one GEMM, the path it replaced, ran 110-150.
"""
import numpy as np
from numba import get_num_threads, njit, prange, typeof
from numba.core import config

from .jit import compile_vectorized, kernel

# Output channels and input channels (vector lanes) of a tile: 8 x 16 sums, 8 vectors of 16 floats.
ROWS, CHANNELS = 8, 16
# A tile sums over at most this many output pixels (whole rows of one sample) at a time, then adds its sums to
# float64 totals: the float32 sums stay short, and a batch split among processes sums as one. Largest error
# against float64, relative to the largest entry, on 4x16x128x128 to 16 channels and 1x64x256x256 to 64: 1.2e-6
# and 1.3e-6 (PyTorch's 5e-6; one float32 sum over all pixels 6e-6 and 1e-5; 1024 pixels: 5e-7, 1-3% slower).
CHUNK_PIXELS = 4096


def _tile_source(rows, lanes):
    """Source of tile(block, grad, row, shift, Ho, Wo, S, Wp, chunk_rows, zero, sums, totals): totals[m, v] (float64)
    = the sum over samples k and chunks of chunk_rows output rows y of sample k of the chunk's sums (in the input's
    dtype) of grad[k, row + m, y*Wo + x] * block[(k*S + y)*Wp + x + shift, v], every such sum a named scalar,
    stored in ``sums`` at the chunk's end and added to ``totals``. Rows past grad's channels read its last channel
    (their sums are not used). The indices are unsigned, so that Numba adds no negative-index fix-up to each
    load, and a sample's planes of grad are taken once, not once per row: on 8x8 images a row's setup had cost as
    much as its products. (The totals as named scalars too made LLVM vectorize the tile at 256 bits: 7% slower.)"""
    sums = [[f"s{m}_{v}" for v in range(lanes)] for m in range(rows)]
    lines = ["def tile(block, grad, row, shift, Ho, Wo, S, Wp, chunk_rows, zero, sums, totals):",
             "    totals[:, :] = 0",
             "    last = grad.shape[1] - 1",
             "    for k in range(grad.shape[0]):",
             *[f"        g{m} = grad[k, min(row + {m}, last)]" for m in range(rows)],
             "        for y0 in range(0, Ho, chunk_rows):",
             *[f"            {' = '.join(sums[m])} = zero" for m in range(rows)],
             "            for y in range(y0, min(y0 + chunk_rows, Ho)):",
             "                start = np.uint64((k * S + y) * Wp + shift)",
             "                place = np.uint64(y * Wo)",
             "                for x in range(Wo):",
             "                    u = np.uint64(x)",
             "                    values = block[start + u]",
             "                    p = place + u",
             f"                    {', '.join(f'x{v}' for v in range(lanes))} = "
             f"{', '.join(f'values[{v}]' for v in range(lanes))}"]
    for m in range(rows):
        lines.append(f"                    g = g{m}[p]")
        lines += [f"                    {sums[m][v]} += g * x{v}" for v in range(lanes)]
    for m in range(rows):
        lines.append(f"            destination = sums[{m}]")
        lines += [f"            destination[{v}] = {sums[m][v]}" for v in range(lanes)]
    lines += ["            for m in range(sums.shape[0]):",
              "                for v in range(sums.shape[1]):",
              "                    totals[m, v] += sums[m, v]"]
    return "\n".join(lines)


_namespace = {"__name__": __name__, "np": np}
# compiled as if written in this file, so that Numba caches it, keyed (as every kernel here) to this file's date
exec(compile(_tile_source(ROWS, CHANNELS), __file__, "exec"), _namespace)
_tile = njit(cache=True, fastmath={"contract"})(_namespace["tile"])


@kernel(parallel=True)
def _fill_channel_blocks(x, top, left, S, Wp, fold, step, blocks):
    N, C, H, W = x.shape
    length = blocks.shape[1]
    rows = -(-length // Wp)
    for task in prange(blocks.shape[0] * rows):
        j, r = divmod(np.int64(task), rows)  # (prange's index is unsigned)
        start, end, block = r * Wp, min(length, r * Wp + Wp), blocks[j]
        k, y = divmod(r - top, S)
        if fold == 1 and C >= j * CHANNELS + CHANNELS and r >= top and k < N and y < H:
            # a whole block of channels, band row r is image row y of sample k: pixel by pixel, each place's
            # CHANNELS lanes written together (lane by lane, every 16th float, ran 1.2-2.4x slower)
            block[start:start + left] = 0
            block[start + left + W:end] = 0
            lines = x[k, j * CHANNELS:j * CHANNELS + CHANNELS, y]
            for i in range(W):
                place = block[start + left + i]
                for v in range(CHANNELS):
                    place[v] = lines[v, i]
            continue
        block[start:end] = 0
        for v in range(min(CHANNELS, C * fold - j * CHANNELS)):
            c, offset = divmod(j * CHANNELS + v, fold)
            offset *= step
            # block places start..end-1 take band places start+offset..end-1+offset: the pixels of x among them,
            # at band row b's places b*Wp + left + i
            for b in range((start + offset) // Wp, (end - 1 + offset) // Wp + 1):
                k, y = divmod(b - top, S)
                if b < top or k >= N or y >= H:
                    continue
                first = b * Wp + left
                line = x[k, c, y]
                for place in range(max(first, start + offset), min(first + W, end + offset)):
                    block[place - offset, v] = line[place - first]


def fill_channel_blocks(x, top, left, S, Wp, blocks, fold=1, step=1):
    """blocks[j, i, v] = band[c, i + o*step] for lane j*CHANNELS + v = c*fold + o, with the band of conv_shifted's
    layout (sample k's pixel (y, x) at i = (top + k*S + y)*Wp + left + x, zeros elsewhere), and zeros in the lanes
    past C*fold. With fold = 1, block j holds channels j*CHANNELS.. side by side; with fold = kw and step = dw, the
    kw column taps of each channel. The sizes are checked here."""
    N, C, H, W = x.shape
    if not (x.flags.c_contiguous and blocks.flags.c_contiguous and blocks.ndim == 3 and x.dtype == blocks.dtype
            and fold >= 1 and step >= 0 and blocks.shape[0] == -(-C * fold // CHANNELS)
            and blocks.shape[2] == CHANNELS and W + left <= Wp and H <= S and min(top, left) >= 0
            and (N == 0 or (top + (N - 1) * S + H) * Wp <= blocks.shape[1])):
        raise ValueError("fill_channel_blocks: the input does not fit the blocks")
    _fill_channel_blocks(x, int(top), int(left), int(S), int(Wp), int(fold), int(step), blocks)
    return blocks


@kernel(parallel=True)
def _shifted_weight_grad(blocks, grad, shifts, Ho, Wo, S, Wp, chunk_rows, accumulate, zero, sums, totals, out):
    # Each thread owns a range of (output block, input block, tap) jobs, ordered so that consecutive jobs share a
    # band block and grad's rows (read from cache); no two threads write one element of out. Each sample's sums
    # are its own (so that N processes add what one does).
    Cout, C, T = out.shape
    inner = blocks.shape[0] * T
    jobs = -(-Cout // ROWS) * inner
    parts, flat = totals.shape[0], out.reshape(-1)
    for part in prange(parts):
        total = totals[part]
        for job in range(part * jobs // parts, (part + 1) * jobs // parts):
            b, rest = divmod(job, inner)
            j, t = divmod(rest, T)
            _tile(blocks[j], grad, b * ROWS, shifts[t], Ho, Wo, S, Wp, chunk_rows, zero, sums[part], total)
            # (flat unsigned indices, the branch out of the loops: 5-10% of the kernel on 8x8 and 16x16 images)
            rows, lanes = min(ROWS, Cout - b * ROWS), min(CHANNELS, C - j * CHANNELS)
            for m in range(rows):
                first, sums_m = np.uint64(((b * ROWS + m) * C + j * CHANNELS) * T + t), total[m]
                if accumulate:
                    for v in range(lanes):
                        place = first + np.uint64(v * T)
                        flat[place] = flat[place] + sums_m[v]
                else:
                    for v in range(lanes):
                        flat[first + np.uint64(v * T)] = sums_m[v]
    return out


_compiled = set()  # dtypes whose kernels this process has compiled (or loaded from the cache)


def shifted_weight_grad(blocks, grad, shifts, S, Wp, out, accumulate=False):
    """out[co, c, t] (+)= sum over k, y, x of grad[k, co, y, x] * band[c, (k*S + y)*Wp + x + shifts[t]] for grad
    (N, C_out, Ho, Wo) and out (C_out, C, T), with the band given as ``fill_channel_blocks``'s blocks; added to out
    with ``accumulate``, else written. The sizes are checked here: the kernel trusts them."""
    Cout, C, T = out.shape if out.ndim == 3 else (0, 0, 0)
    N, Ho, Wo = grad.shape[0], grad.shape[2], grad.shape[3] if grad.ndim == 4 else 0
    if not (blocks.flags.c_contiguous and grad.flags.c_contiguous and out.flags.c_contiguous and blocks.ndim == 3
            and grad.ndim == 4 and out.ndim == 3 and shifts.ndim == 1 and shifts.shape[0] == T > 0
            and out.dtype in (np.float32, np.float64) and blocks.dtype == grad.dtype == out.dtype
            and grad.shape[1] == Cout > 0 and blocks.shape[0] == -(-C // CHANNELS) and blocks.shape[2] == CHANNELS
            and 0 < Wo <= Wp and Ho <= S and shifts.min() >= 0
            and (N * Ho == 0 or ((N - 1) * S + Ho - 1) * Wp + Wo + int(shifts.max()) <= blocks.shape[1])):
        raise ValueError("shifted_weight_grad: blocks, grad, shifts and output do not fit")
    if N * Ho == 0:
        if not accumulate:
            out[...] = 0
        return out
    parts = max(1, min(get_num_threads(), -(-Cout // ROWS) * blocks.shape[0] * T))
    args = (blocks, grad.reshape(N, Cout, Ho * Wo), np.ascontiguousarray(shifts, dtype=np.int64), int(Ho), int(Wo),
            int(S), int(Wp), max(1, CHUNK_PIXELS // Wo), bool(accumulate), out.dtype.type(0),
            np.empty((parts, ROWS, CHANNELS), out.dtype), np.empty((parts, ROWS, CHANNELS)), out)
    if out.dtype not in _compiled and not config.DISABLE_JIT:
        integer = typeof(0)
        compile_vectorized(_tile, (typeof(blocks[0]), typeof(args[1]), integer, typeof(args[2][0])) + (integer,) * 5
                           + (typeof(args[9]), typeof(args[10][0]), typeof(args[11][0])))
        _compiled.add(out.dtype)
    return _shifted_weight_grad(*args)

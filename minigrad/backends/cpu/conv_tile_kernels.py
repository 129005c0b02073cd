"""Numba kernel of the shifted convolution: out[k, co, y, x] = bias[co] + sum over c, t of
w[co, c, t] * band[c, q(k, y, x) + shifts[t]], q(k, y, x) = (k*S + y)*Wp + x.

This is conv_shifted's sum of kh*kw shifted products, computed as one register-blocked kernel instead of kh*kw
BLAS GEMMs. Each output row is cut into segments of LANES pixels; a tile is ROWS output channels by SEGMENTS
such segments (anywhere in the batch: the two halves of a 16-wide row, or two rows of an 8-wide image). Its
ROWS*SEGMENTS*LANES sums stay in registers while the loop runs over every input channel c and every tap t,
reading LANES consecutive band values per segment (one vector) and ROWS weights (broadcast) per step; then they
are written, plus the bias, straight into the NCHW output. No place between rows or samples is computed, the
band and weights are read from cache, and there is no accumulation through memory, as kh*kw GEMMs with beta = 1
do, and no copy of the result into place.

The kernel first fills the band from the NCHW input itself, the channels shared out among the threads. Its loops
index with unsigned integers: Numba gives every signed index a negative-index fix-up, which in the tile cost 20
integer instructions per tap and in the fill kept LLVM from vectorizing the copy.

The tile is written out as scalar sums (``_tile_source``): LLVM's SLP vectorizer packs them into vectors (on an
AVX-512 CPU a tile's two segments share one 512-bit register). Numba runs that vectorizer only when asked
(``numba.core.config.SLP_VECTORIZE``), so ``shifted_convolution`` compiles its tile with it switched on.
Measured on 2 cores (4x64x32x32 to 64 channels and two other U-Net layers): without it the sums stayed scalar,
11-16 GFLOP/s; written as loops over a local array, they went through memory, 81-85 GFLOP/s; written out, 180-225
(numpy's SGEMM: about 205).
"""
import math

import numpy as np
from numba import get_num_threads, njit, prange, typeof
from numba.core import config
from numba.core.compiler_lock import global_compiler_lock

from .jit import compile_vectorized, kernel

# Output channels, segments and pixels per segment of a tile: 8 x 2 vectors of 8 sums (as many registers as the
# 8 x 16 tile of contiguous places that came before it, measured 204-231 GFLOP/s; 4x16 sums ran 84-185, 8x32 no
# faster and slower to compile). Segments of 8 pixels fit every U-Net image width (8 to 256) without a remainder.
# The loop below hands each tile two segments: SEGMENTS stays 2.
ROWS, SEGMENTS, LANES = 8, 2, 8
# Threads own whole blocks of output channels (see shifted_convolution) while the band is at most this large.
# Measured against the tiles split among threads (ms): 1x512x16x16 to 1024 channels 13.8 against 17.5,
# 1x512x32x32 to 512 23.4 against 25.0, 4x16x128x128 to 16 1.93 against 2.17, 4x256x8x8 to 256 1.70 against
# 1.86; 1x128x128x128 to 128 (an 8.6 MB band) 24.1 against 24.2; 1x64x256x256 to 64 (17 MB) 31.8 against 26.8.
OWN_BLOCKS_MAX_BAND_BYTES = 8 * 2 ** 20
# The tiles sum over a chunk of input channels at a time (later chunks adding to the output) when one block's
# weights and the band rows that one row of tiles reads would take more than this: a thread that owns blocks then
# keeps them in the 1 MiB L2 cache from one tile to the next. Measured, forward (ms): 1x1024x32x32 to 512 (835 KiB
# in one chunk, threads owning blocks) 50.9 -> 45.3 in two, 2x1024x32x32 (threads splitting the tiles) 104.0 ->
# 93.9; 1x1024x16x16 to 1024 (573 KiB), 1x512x64x64 to 256 (680 KiB) and 1x512x32x32 to 512 (418 KiB) within 2% in
# two, or slower. The chunks depend on the layer alone, not on whether threads own blocks (which depends on the
# batch's size), so that a sample's output has the same bits whatever batch it comes in: N processes compute what
# one does.
CHUNK_BYTES = 700 * 2 ** 10


def _tile_source(rows, segments, lanes):
    """Source of tile(band, packed, shifts, zero, out, bias, row, sums, add, q0, k0, p0, n0, q1, ...): the sums
    sum over c, t of packed[c*T + t, m] * band[c, q_g + shifts[t] + v] for segment g, every one a named scalar.
    When every segment is whole (n_g = lanes), all rows are out's channels and the sums are not to be added to
    out (``add``), they go, plus bias[row + m], to out[k_g, row + m, p_g + v], and the tile returns True; else to
    sums[m, g*lanes + v], for ``_store``."""
    sums = [[[f"s{m}_{g}_{v}" for v in range(lanes)] for g in range(segments)] for m in range(rows)]
    values = [[f"x{g}_{v}" for v in range(lanes)] for g in range(segments)]
    segment_args = ", ".join(f"q{g}, k{g}, p{g}, n{g}" for g in range(segments))
    whole = " and ".join(f"n{g} == {lanes}" for g in range(segments))
    lines = [f"def tile(band, packed, shifts, zero, out, bias, row, sums, add, {segment_args}):",
             *[f"    {' = '.join(sums[m][g])} = zero" for m in range(rows) for g in range(segments)],
             "    taps = shifts.shape[0]",
             *[f"    u{g} = np.uint64(q{g})" for g in range(segments)],
             "    for c in range(band.shape[0]):",
             "        channel = band[c]",
             "        for t in range(taps):",
             "            weights = packed[c * taps + t]"]
    for g in range(segments):
        lines.append(f"            i = u{g} + shifts[t]")
        lines.append(f"            {', '.join(values[g])} = {', '.join(f'channel[i + U{v}]' for v in range(lanes))}")
    for m in range(rows):
        lines.append(f"            w = weights[{m}]")
        lines += [f"            {sums[m][g][v]} += w * {values[g][v]}" for g in range(segments) for v in range(lanes)]
    # (sums to be added take the path through ``sums``: an unrolled addition to out doubled the tile's compile time)
    lines.append(f"    if not add and {whole} and row + {rows} <= out.shape[1]:")
    for m in range(rows):
        lines.append(f"        b = bias[row + {m}]")
        for g in range(segments):
            lines.append(f"        destination = out[k{g}, row + {m}, p{g}:]")
            lines += [f"        destination[{v}] = {sums[m][g][v]} + b" for v in range(lanes)]
    lines.append("        return True")
    for m in range(rows):
        lines.append(f"    destination = sums[{m}]")
        lines += [f"    destination[{g * lanes + v}] = {sums[m][g][v]}" for g in range(segments) for v in range(lanes)]
    lines.append("    return False")
    return "\n".join(lines)


# (unsigned indices: Numba adds no negative-index fix-up to each load, 20 integer instructions per tap and tile)
_namespace = {"__name__": __name__, "np": np, **{f"U{v}": np.uint64(v) for v in range(LANES)}}
# compiled as if written in this file, so that Numba caches it, keyed (as every kernel here) to this file's date
exec(compile(_tile_source(ROWS, SEGMENTS, LANES), __file__, "exec"), _namespace)
_tile = njit(cache=True, fastmath={"contract"})(_namespace["tile"])


@njit(inline="always")
def _store(sums, out, first, channels, bias, k, p, n, column, add):
    """out[k, first + m, p + v] = sums[m, column + v] + bias[first + m] for v < n and m < channels, or with ``add``
    out[...] += sums[...]: a tile that the tile itself did not store (a partial segment or block, or a later chunk
    of input channels)."""
    for m in range(channels):
        for v in range(n):
            out[k, first + m, p + v] = sums[m, column + v] + (out[k, first + m, p + v] if add else bias[first + m])


@kernel()
def pack_block(weight, transposed, blocks, b):
    """blocks[b, c*T + t, m] = w[b*ROWS + m, c, t], zero past C_out: block b's ROWS weights of one channel and tap
    side by side. w is weight (C_out, C, T), or with ``transposed`` the flipped transpose of weight (C, C_out, T):
    w[o, c, t] = weight[c, o, T-1-t], the kernel of a transposed convolution (no flipped copy is made). Unsigned
    indices, and a whole block's ROWS weights stored together: 2-3x faster than element by element (a 256x256x3x3
    weight took 0.25 ms, transposed 0.45, per convolution: a quarter of the layer's time on 8x8 images)."""
    T = weight.shape[2]
    Cout, C = (weight.shape[1], weight.shape[0]) if transposed else (weight.shape[0], weight.shape[1])
    packed, w = blocks[b].reshape(-1), weight.reshape(-1)
    rows = min(ROWS, Cout - b * ROWS)
    if rows < ROWS:
        packed[:] = 0
    if transposed:  # w[o, c, t] at weight's flat index (c*C_out + o)*T + T-1-t: ROWS values T apart
        for c in range(C):
            for t in range(T):
                place = np.uint64((c * T + t) * ROWS)
                source = np.uint64((c * Cout + b * ROWS) * T + T - 1 - t)
                for m in range(rows):
                    packed[place + np.uint64(m)] = w[source + np.uint64(m * T)]
        return
    CT = C * T  # w[o, k] for k = c*T + t at weight's flat index o*CT + k: ROWS values CT apart
    first = np.uint64(b * ROWS * CT)
    if rows == ROWS:
        for k in range(CT):
            place, source = np.uint64(k * ROWS), first + np.uint64(k)
            for m in range(ROWS):
                packed[place + np.uint64(m)] = w[source + np.uint64(m * CT)]
        return
    for m in range(rows):
        for k in range(CT):
            packed[np.uint64(k * ROWS + m)] = w[first + np.uint64(m * CT + k)]


@njit(inline="always")
def _segment(sample, y, part, Ho, Wo, S, Wp, per_row):
    """Segment ``part`` of output row y of a sample: its band start, output place and pixels, and the next
    segment's (sample, y, part)."""
    x = part * LANES
    start, place, pixels = (sample * S + y) * Wp + x, y * Wo + x, min(LANES, Wo - x)
    part += 1
    if part == per_row:
        part, y = 0, y + 1
        if y == Ho:
            y, sample = 0, sample + 1
    return start, place, pixels, sample, y, part


@kernel(fastmath={"contract"})  # (a function of its own: inlined into the loop it compiled 2x slower)
def _tiles(band, blocks, shifts, zero, bias, out, S, Wp, Wo, sums, first, last, first_block, last_block, c0, c1):
    """Tiles first..last-1, each of SEGMENTS = 2 consecutive segments, each through blocks first_block..last_block-1
    (the tile's band windows stay in cache from one block to the next), summing over input channels c0..c1-1:
    written to out for c0 = 0, else added to it."""
    N, Cout, Ho = out.shape[0], out.shape[1], out.shape[2] // Wo
    T, add = shifts.shape[0], c0 > 0
    channels = band[c0:c1]
    per_row = -(-Wo // LANES)
    total = N * Ho * per_row
    index = first * 2
    sample, rest = divmod(index, Ho * per_row)
    y, part = divmod(rest, per_row)
    for _ in range(first, last):
        k0 = sample
        q0, p0, n0, sample, y, part = _segment(k0, y, part, Ho, Wo, S, Wp, per_row)
        k1 = min(sample, N - 1)  # (the last tile's second segment may be past the last: read in bounds, not written)
        q1, p1, n1, sample, y, part = _segment(k1, y, part, Ho, Wo, S, Wp, per_row)
        if index + 1 >= total:
            n1 = 0
        index += 2
        for b in range(first_block, last_block):
            if not _tile(channels, blocks[b][c0 * T:c1 * T], shifts, zero, out, bias, b * ROWS, sums, add, q0, k0,
                         p0, n0, q1, k1, p1, n1):
                rows = min(ROWS, Cout - b * ROWS)
                _store(sums, out, b * ROWS, rows, bias, k0, p0, n0, 0, add)
                _store(sums, out, b * ROWS, rows, bias, k1, p1, n1, LANES, add)


@njit(inline="always")  # (inlined into the parallel loop: compiled 1 s faster than a function of its own)
def _part(band, weight, transposed, blocks, shifts, zero, bias, out, S, Wp, Wo, part, parts, own_blocks, chunk,
          sums):
    """Thread ``part``'s share of the work of _shifted_convolution."""
    N, Ho, count = out.shape[0], out.shape[2] // Wo, blocks.shape[0]
    tiles = -(-N * Ho * -(-Wo // LANES) // SEGMENTS)
    if own_blocks:  # its blocks one by one, each through all tiles
        first, last = 0, tiles
        lowest, highest, step = part * count // parts, (part + 1) * count // parts, 1
    else:  # its tiles, each through all blocks
        first, last = part * tiles // parts, (part + 1) * tiles // parts
        lowest, highest, step = 0, count, count
    # (one call of _tiles with variables: a literal 0 in a second call compiled it twice)
    C = band.shape[0]
    for b in range(lowest, highest, step):
        if own_blocks:
            pack_block(weight, transposed, blocks, b)
        for c0 in range(0, C, chunk):
            _tiles(band, blocks, shifts, zero, bias, out, S, Wp, Wo, sums, first, last, b, min(b + step, highest),
                   c0, min(c0 + chunk, C))


@njit(inline="always")
def fill_band_channel(x, c, top, left, S, Wp, row):
    """row = channel c of x's samples in conv_shifted's layout: (top + k*S + y)*Wp + left + x' holds x[k, c, y, x'],
    every other place a zero. (Unsigned indices: with signed ones Numba's negative-index fix-up kept LLVM from
    vectorizing the copies, 3-5x slower; numpy's strided copy of the whole band, which this replaced, ran 1.2-2x
    slower on one thread.)"""
    N, C, H, W = x.shape
    zero = row.dtype.type(0)
    first, last = np.uint64(top * Wp + left), np.uint64((top + N * S) * Wp + left)
    for i in range(first):
        row[np.uint64(i)] = zero
    for k in range(N):
        for y in range(S):
            start = first + np.uint64((k * S + y) * Wp)
            copied = np.uint64(W if y < H else 0)
            source = x[k, c, min(y, H - 1)]
            for i in range(copied):
                row[start + np.uint64(i)] = source[np.uint64(i)]
            for i in range(copied, Wp):
                row[start + np.uint64(i)] = zero
    for i in range(last, row.shape[0]):
        row[np.uint64(i)] = zero


@kernel(parallel=True)
def _shifted_convolution(x, top, left, band, weight, transposed, blocks, shifts, zero, bias, out, S, Wp, Wo, parts,
                         own_blocks, chunk, sums):
    # The band first, its channels shared out among the threads (against one thread: 2-3 ms less per small U-Net
    # step, 0.35 s more to compile). With ``own_blocks`` each thread packs its share of the blocks and runs all
    # tiles through one block before the next, whose weights stay in cache; else every block is packed here, and
    # each thread runs its share of the tiles, each through every block, whose band windows stay in cache.
    for c in prange(x.shape[1]):
        fill_band_channel(x, c, top, left, S, Wp, band[c])
    if not own_blocks:
        for b in range(blocks.shape[0]):
            pack_block(weight, transposed, blocks, b)
    for part in prange(parts):
        _part(band, weight, transposed, blocks, shifts, zero, bias, out, S, Wp, Wo, part, parts, own_blocks, chunk,
              sums[part])
    return out


def fits_band(x, top, left, S, Wp, weight, shifts, bias, out, transposed):
    """Whether x (N, C, H, W), weight (w as in ``shifted_convolution``), shifts, bias and out (N, C_out, Ho, Wo) have
    the layouts, dtypes and sizes of a convolution over a band of samples S rows of Wp places apart, sample k's
    pixel (y, x') at (top + k*S + y)*Wp + left + x': the checks that both tile kernels need before they trust the
    sizes (each adds its own)."""
    if not (x.ndim == 4 and out.ndim == 4 and shifts.ndim == 1 and weight.ndim == 4):
        return False
    (Cout, Cw), C, T = weight.shape[1::-1] if transposed else weight.shape[:2], x.shape[1], shifts.shape[0]
    return (x.flags.c_contiguous and out.flags.c_contiguous and weight.flags.c_contiguous and Cw == C
            and out.shape[1] == Cout and math.prod(weight.shape[2:]) == T and T > 0
            and out.dtype in (np.float32, np.float64) and x.dtype == out.dtype == weight.dtype == bias.dtype
            and bias.shape == (Cout,) and x.shape[0] == out.shape[0] and x.shape[2] <= S
            and x.shape[3] + left <= Wp and min(top, left) >= 0 and shifts.min() >= 0)


def band_reach(N, Ho, Wo, S, Wp, shifts):
    """The band columns that ``shifted_convolution`` reads for an (N, C_out, Ho, Wo) output: up to the last
    segment's last lane (a segment's LANES lanes are read even where fewer pixels are left in the row)."""
    return ((N - 1) * S + Ho - 1) * Wp + -(-Wo // LANES) * LANES + int(shifts.max())


_compiled = set()  # dtypes whose kernel this process has compiled (or loaded from the cache)


def shifted_convolution(x, top, left, S, Wp, weight, shifts, bias, out, workspace, transposed=False):
    """out[k, co, y, x'] = bias[co] + sum over c, t of w[co, c, t] * band[c, (k*S + y)*Wp + x' + shifts[t]] for
    out (N, C_out, Ho, Wo), where the band holds x's N samples (N, C, H, W) in conv_shifted's layout (sample k's
    pixel (y, x') at (top + k*S + y)*Wp + left + x', zeros elsewhere); w is the weight (C_out, C, kh, kw), or with
    ``transposed`` the flipped transpose of a weight (C, C_out, kh, kw) (the kernel of the transposed
    convolution), and T = kh*kw tap shifts. ``workspace(slot, shape, dtype)`` lends the band and the packed
    weights. The sizes are checked here: the kernel trusts them."""
    if not (fits_band(x, top, left, S, Wp, weight, shifts, bias, out, transposed)
            and 0 < out.shape[3] <= Wp and out.shape[2] <= S):
        raise ValueError("shifted_convolution: input, weight, shifts, bias and output do not fit")
    (Cout, C), T = weight.shape[1::-1] if transposed else weight.shape[:2], shifts.shape[0]
    N, Ho, Wo = out.shape[0], out.shape[2], out.shape[3]
    if N * Ho == 0:
        return out
    length = max(band_reach(N, Ho, Wo, S, Wp, shifts), (top + N * S) * Wp + left)
    parts = max(1, min(get_num_threads(), -(-N * Ho * -(-Wo // LANES) // SEGMENTS)))
    blocks = -(-Cout // ROWS)  # of ROWS output channels, the last one padded with zero weights
    own_blocks = blocks % parts == 0 and C * length * x.itemsize <= OWN_BLOCKS_MAX_BAND_BYTES
    args = (x, int(top), int(left), workspace("shifted_band", (C, length), x.dtype),
            weight.reshape(weight.shape[0], weight.shape[1], T), bool(transposed),
            workspace("shifted_weights", (blocks, C * T, ROWS), x.dtype),
            np.ascontiguousarray(shifts, dtype=np.uint64), out.dtype.type(0), bias, out.reshape(N, Cout, Ho * Wo),
            int(S), int(Wp), int(Wo), parts, own_blocks,
            _chunk(C, T, int(shifts.max()) // Wp + 2, Wp, x.itemsize),
            np.empty((parts, ROWS, SEGMENTS * LANES), out.dtype))  # each thread's scratch for partial tiles
    if out.dtype not in _compiled and not config.DISABLE_JIT:  # (NUMBA_DISABLE_JIT: plain Python, nothing to compile)
        _compile(args)
        _compiled.add(out.dtype)
    _shifted_convolution(*args)
    return out


def _chunk(C, T, rows, Wp, itemsize):
    """Input channels per pass over the tiles: as many as keep one block's weights and the band rows that a row of
    tiles reads (``rows`` of them, of Wp places) within CHUNK_BYTES, in chunks of equal size."""
    chunks = max(1, -(-C * itemsize * (T * ROWS + rows * Wp) // CHUNK_BYTES))
    return max(1, -(-C // chunks))  # (at least 1: the step of the kernel's loop over chunks)


def _compile(args):
    """Compile (or load from the cache) the kernel for these arguments' types, its tile vectorized."""
    band, _, _, blocks, shifts, zero, bias, out = args[3:11]
    integer = typeof(0)
    tile_types = (typeof(band), typeof(blocks[0]), typeof(shifts), typeof(zero), typeof(out), typeof(bias), integer,
                  typeof(np.empty((ROWS, SEGMENTS * LANES), zero.dtype)), typeof(True)) + (integer,) * 4 * SEGMENTS
    with global_compiler_lock:  # (no other thread compiles the kernel in between, its tile not vectorized)
        compile_vectorized(_tile, tile_types)
        _shifted_convolution.compile(tuple(typeof(a) for a in args))

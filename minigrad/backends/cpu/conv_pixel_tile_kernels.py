"""Numba kernel of a convolution whose output rows are too short for conv_tile_kernels' tile, or strided:
out[k, co, y, x] = bias[co] + sum over c, t of w[co, c, t] * band[c, (k*S + y*sh)*Wp + x*sw + shifts[t]].

The band is conv_shifted's (a chunk's samples stacked channel-major with their zero borders), so a tap is still a
shift. conv_tile_kernels' tile puts LANES consecutive pixels of one output row in a vector: a 4x4 image fills half
its lanes, and a stride-2 convolution's pixels are not consecutive in the band. Here the lanes hold output
channels instead: a tile is PIXELS output pixels, anywhere in the batch, by 2*ROWS output channels (two of
conv_tile_kernels' packed weight blocks, so one vector each), and each step broadcasts one band value per pixel.
No lane is wasted whatever the image's width or the stride, and only the output's pixels are computed, every
product one that PyTorch's convolution has (padding zeros times finite weights). The tile's 8 x 16 sums are then
stored pixel by pixel: the store costs 128 moves against C*T*128 multiply-adds.

Measured on 2 cores, ResNet-18's layers on CIFAR batches (benchmarks/README.md): 32x512x4x4 to 512 channels,
forward 22.5 -> 12.4-12.9 ms (PyTorch 8.5-8.7), input gradient 23.0 -> 14.8; 32x64x32x32 to 128 with stride 2,
forward 13.9 -> 8.3-8.6 ms (PyTorch 6.3-7.6).
"""

import numpy as np
from numba import get_num_threads, njit, prange, typeof
from numba.core import config
from numba.core.compiler_lock import global_compiler_lock

from .conv_tile_kernels import ROWS, fill_band_channel, fits_band, pack_block
from .jit import compile_vectorized, kernel

# Output pixels of a tile; its lanes are two blocks of ROWS output channels.
PIXELS = 8
CHANNELS = 2 * ROWS


def _tile_source(pixels, rows):
    """Source of tile(band, low, high, shifts, zero, places, sums): sums[p, v] = sum over c, t of
    w_v[c*T + t] * band[c, places[p] + shifts[t]], w_v being low[., v] for v < rows and high[., v - rows] after,
    every sum a named scalar (LLVM's SLP vectorizer packs each pixel's 2*rows sums into vectors)."""
    lanes = 2 * rows
    sums = [[f"s{p}_{v}" for v in range(lanes)] for p in range(pixels)]
    lines = ["def tile(band, low, high, shifts, zero, places, sums):",
             *[f"    {' = '.join(sums[p])} = zero" for p in range(pixels)],
             *[f"    a{p} = places[{p}]" for p in range(pixels)],
             "    taps = shifts.shape[0]",
             "    for c in range(band.shape[0]):",
             "        channel = band[c]",
             "        for t in range(taps):",
             "            i = c * taps + t",
             "            lo, hi = low[i], high[i]",
             f"            {', '.join(f'w{v}' for v in range(rows))} = "
             f"{', '.join(f'lo[U{v}]' for v in range(rows))}",
             f"            {', '.join(f'w{rows + v}' for v in range(rows))} = "
             f"{', '.join(f'hi[U{v}]' for v in range(rows))}",
             "            shift = shifts[t]"]
    for p in range(pixels):
        lines.append(f"            b = channel[a{p} + shift]")
        lines += [f"            {sums[p][v]} += b * w{v}" for v in range(lanes)]
    for p in range(pixels):
        lines.append(f"    destination = sums[{p}]")
        lines += [f"    destination[{v}] = {sums[p][v]}" for v in range(lanes)]
    return "\n".join(lines)


# (unsigned indices: no negative-index fix-up on each load, as in conv_tile_kernels)
_namespace = {"__name__": __name__, "np": np, **{f"U{v}": np.uint64(v) for v in range(ROWS)}}
# compiled as if written in this file, so that Numba caches it, keyed to this file's date
exec(compile(_tile_source(PIXELS, ROWS), __file__, "exec"), _namespace)
_tile = njit(cache=True, fastmath={"contract"})(_namespace["tile"])


@kernel(parallel=True)
def _pixel_tile_convolution(x, top, left, band, weight, transposed, blocks, shifts, zero, bias, out, S, Wp, sh, sw,
                            parts, places, outputs, sums):
    # The band and the packed weights first, then the jobs (a pair of blocks, a tile of pixels), ordered block by
    # block so that a thread's consecutive jobs read the same weights from cache; each thread stores its own
    # jobs' outputs, so no two threads write one element.
    for c in prange(x.shape[1]):
        fill_band_channel(x, c, top, left, S, Wp, band[c])
    for b in range(blocks.shape[0]):
        pack_block(weight, transposed, blocks, b)
    N, Cout, Ho, Wo = out.shape
    pixels, plane = N * Ho * Wo, Ho * Wo
    tiles, pairs = -(-pixels // PIXELS), -(-blocks.shape[0] // 2)
    jobs = tiles * pairs
    flat = out.reshape(-1)
    for part in prange(parts):
        where, targets, tile_sums = places[part], outputs[part], sums[part]
        for job in range(part * jobs // parts, (part + 1) * jobs // parts):
            pair, tile = divmod(job, tiles)
            first = pair * CHANNELS
            # each pixel's band place and its output's place in channel ``first``, stepping from the tile's first
            # pixel (a divmod per pixel made 4x32x64x64 to 32 channels with stride 2 11% slower)
            k, rest = divmod(tile * PIXELS, plane)
            y, x_ = divmod(rest, Wo)
            for p in range(PIXELS):
                where[p] = (k * S + y * sh) * Wp + x_ * sw
                targets[p] = (k * Cout + first) * plane + y * Wo + x_
                if tile * PIXELS + p < pixels - 1:  # (past the last pixel: the last one again, computed not stored)
                    x_ += 1
                    if x_ == Wo:
                        x_, y = 0, y + 1
                        if y == Ho:
                            y, k = 0, k + 1
            low = blocks[2 * pair]
            high = blocks[min(2 * pair + 1, blocks.shape[0] - 1)]  # (a lone last block: its sums are not stored)
            _tile(band, low, high, shifts, zero, where, tile_sums)
            channels = min(CHANNELS, Cout - first)
            for p in range(min(PIXELS, pixels - tile * PIXELS)):
                values, target = tile_sums[p], targets[p]
                for v in range(channels):
                    flat[np.uint64(target + v * plane)] = values[v] + bias[first + v]
    return out


_compiled = set()  # dtypes whose kernel this process has compiled (or loaded from the cache)


def pixel_tile_convolution(x, top, left, S, Wp, stride, weight, shifts, bias, out, workspace, transposed=False):
    """out[k, co, y, x'] = bias[co] + sum over c, t of w[co, c, t] * band[c, (k*S + y*sh)*Wp + x'*sw + shifts[t]]
    for out (N, C_out, Ho, Wo), the band holding x (N, C, H, W) in conv_shifted's layout (sample k's pixel (y, x')
    at (top + k*S + y)*Wp + left + x', zeros elsewhere); w and ``transposed`` as in
    ``conv_tile_kernels.shifted_convolution``. ``workspace(slot, shape, dtype)`` lends the band and the packed
    weights. The sizes are checked here: the kernel trusts them."""
    sh, sw = stride
    if not (fits_band(x, top, left, S, Wp, weight, shifts, bias, out, transposed) and min(sh, sw) >= 1):
        raise ValueError("pixel_tile_convolution: input, weight, shifts, bias and output do not fit")
    (Cout, C), T = weight.shape[1::-1] if transposed else weight.shape[:2], shifts.shape[0]
    N, Ho, Wo = out.shape[0], out.shape[2], out.shape[3]
    if N * Ho * Wo == 0:
        return out
    # the band holds every place a pixel's taps read (the last pixel's last tap) and every place that is filled
    reach = ((N - 1) * S + (Ho - 1) * sh) * Wp + (Wo - 1) * sw + int(shifts.max()) + 1
    length = max(reach, (top + N * S) * Wp + left)
    blocks = -(-Cout // ROWS)  # of ROWS output channels, the last one padded with zero weights
    parts = max(1, min(get_num_threads(), -(-N * Ho * Wo // PIXELS) * -(-blocks // 2)))
    args = (x, int(top), int(left), workspace("shifted_band", (C, length), x.dtype),
            weight.reshape(weight.shape[0], weight.shape[1], T), bool(transposed),
            workspace("shifted_weights", (blocks, C * T, ROWS), x.dtype),
            np.ascontiguousarray(shifts, dtype=np.uint64), out.dtype.type(0), bias, out, int(S), int(Wp), int(sh),
            int(sw), parts, np.empty((parts, PIXELS), np.uint64), np.empty((parts, PIXELS), np.int64),
            np.empty((parts, PIXELS, CHANNELS), out.dtype))
    if out.dtype not in _compiled and not config.DISABLE_JIT:  # (NUMBA_DISABLE_JIT: nothing to compile)
        _compile(args)
        _compiled.add(out.dtype)
    _pixel_tile_convolution(*args)
    return out


def _compile(args):
    """Compile (or load from the cache) the kernel for these arguments' types, its tile vectorized."""
    band, _, _, blocks, shifts, zero = args[3:9]
    places, sums = args[-3], args[-1]
    tile_types = (typeof(band), typeof(blocks[0]), typeof(blocks[0]), typeof(shifts), typeof(zero),
                  typeof(places[0]), typeof(sums[0]))
    with global_compiler_lock:  # (no other thread compiles the kernel in between, its tile not vectorized)
        compile_vectorized(_tile, tile_types)
        _pixel_tile_convolution.compile(tuple(typeof(a) for a in args))

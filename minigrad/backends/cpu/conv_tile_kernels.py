"""Numba kernel of the shifted convolution: out[co, q] = sum over c, t of w[co, c, t] * band[c, q + shifts[t]].

This is conv_shifted's sum of kh*kw shifted products, computed as one register-blocked kernel instead of kh*kw
BLAS GEMMs. The output is cut into tiles of ROWS output channels by LANES consecutive places q; a tile's
ROWS*LANES sums stay in registers while the loop runs over every input channel c and every tap t, reading
LANES consecutive band values (one vector) and ROWS weights (broadcast) per step. The C_out x q result is
written once, and the band and weights are read from cache: no accumulation through memory, as kh*kw GEMMs
with beta = 1 do.

The tile is written out as ROWS*LANES scalar sums (``_tile_source``): LLVM's SLP vectorizer packs them into
ROWS vectors of LANES lanes. Numba runs that vectorizer only when asked (``numba.core.config.SLP_VECTORIZE``),
so ``shifted_products`` compiles its tile with it switched on. Measured on 2 cores (4x64x32x32 to 64 channels
and two other U-Net layers): without it the sums stayed scalar, 11-16 GFLOP/s; written as loops over a local
array, they went through memory, 81-85 GFLOP/s; written out, 180-225 (numpy's SGEMM: about 205).
"""
import numpy as np
from numba import njit, prange, typeof
from numba.core import config
from numba.core.compiler_lock import global_compiler_lock

# Output channels and places per tile: 8 vectors of 16 sums. Measured: 4x16 sums 84-185 GFLOP/s, 8x16 204-231,
# 8x32 no faster (and slower to compile); the compile time grows with the tile (2.6 s for 8x16, 2.2 s for 4x16).
ROWS, LANES = 8, 16


def _tile_source(rows, lanes):
    """Source of tile(band, packed, q, shifts, zero, out, row, column): out[row + m, column + v] =
    sum over c, t of packed[c*T + t, m] * band[c, q + shifts[t] + v], with every sum a named scalar."""
    sums = [[f"s{m}_{v}" for v in range(lanes)] for m in range(rows)]
    values = [f"x{v}" for v in range(lanes)]
    lines = ["def tile(band, packed, q, shifts, zero, out, row, column):",
             *[f"    {' = '.join(row)} = zero" for row in sums],
             "    taps = shifts.shape[0]",
             "    for c in range(band.shape[0]):",
             "        channel = band[c]",
             "        for t in range(taps):",
             "            window = channel[q + shifts[t]:]",
             "            weights = packed[c * taps + t]",
             f"            {', '.join(values)} = {', '.join(f'window[{v}]' for v in range(lanes))}"]
    for m in range(rows):
        lines.append(f"            w = weights[{m}]")
        lines += [f"            {sums[m][v]} += w * {values[v]}" for v in range(lanes)]
    for m in range(rows):
        lines.append(f"    destination = out[row + {m}, column:]")
        lines += [f"    destination[{v}] = {sums[m][v]}" for v in range(lanes)]
    return "\n".join(lines)


_namespace = {"__name__": __name__}
# compiled as if written in this file, so that Numba caches it, keyed (as every kernel here) to this file's date
exec(compile(_tile_source(ROWS, LANES), __file__, "exec"), _namespace)
_tile = njit(cache=True, fastmath={"contract"})(_namespace["tile"])


@njit(parallel=True, cache=True, fastmath={"contract"})
def _shifted_products(band, packed, shifts, zero, out, places):
    # one task per LANES places, for every block: the band's window stays in cache while the weights stream
    for tile in prange(places // LANES):
        for b in range(packed.shape[0]):
            _tile(band, packed[b], tile * LANES, shifts, zero, out, b * ROWS, tile * LANES)
    return out


def padded_rows(Cout):
    """The rows of ``shifted_products``'s output for C_out channels: C_out rounded up to whole tiles."""
    return -(-Cout // ROWS) * ROWS


def padded_places(L):
    """The places q of ``shifted_products``'s output that cover L: rounded up to whole tiles."""
    return -(-L // LANES) * LANES


_compiled = set()  # dtypes whose kernel this process has compiled (or loaded from the cache)


def shifted_products(band, weight, shifts, out, places, packed):
    """out[co, q] = sum over c, t of weight[co, c, t] * band[c, q + shifts[t]] for q < places (a multiple of
    LANES), with out of padded_rows(C_out) rows (those past C_out get zero weights), weight (C_out, C, kh, kw)
    and T = kh*kw tap shifts; ``packed`` is a scratch array of padded_rows(C_out)*C*T elements. The sizes are
    checked here: the kernel trusts them."""
    Cout, C, T = weight.shape[0], band.shape[0], shifts.shape[0]
    rows = out.shape[0]
    if not (band.flags.c_contiguous and out.flags.c_contiguous and band.ndim == out.ndim == 2 and shifts.ndim == 1
            and weight.shape[1] == C and int(np.prod(weight.shape[2:])) == T and T > 0
            and out.dtype in (np.float32, np.float64) and band.dtype == out.dtype == weight.dtype == packed.dtype
            and rows == padded_rows(Cout) and places % LANES == 0 and 0 <= places <= out.shape[1]
            and shifts.min() >= 0 and places + int(shifts.max()) <= band.shape[1] and packed.shape == (rows * C * T,)):
        raise ValueError("shifted_products: band, weight, shifts and output do not fit")
    # each block's ROWS weights of one channel and tap side by side (zeros past C_out), read as one vector
    blocks = packed.reshape(rows // ROWS, C * T, ROWS)
    full = Cout // ROWS
    np.copyto(blocks[:full], weight[:full * ROWS].reshape(full, ROWS, C * T).transpose(0, 2, 1))
    if full < blocks.shape[0]:
        blocks[full] = 0
        blocks[full, :, :Cout - full * ROWS] = weight[full * ROWS:].reshape(-1, C * T).T
    args = (band, blocks, np.ascontiguousarray(shifts, dtype=np.int64), out.dtype.type(0), out, places)
    if out.dtype not in _compiled and not config.DISABLE_JIT:  # (NUMBA_DISABLE_JIT: plain Python, nothing to compile)
        _compile(args)
        _compiled.add(out.dtype)
    return _shifted_products(*args)


def _compile(args):
    """Compile (or load from the cache) the kernel for these arguments' types: the tile with LLVM's SLP
    vectorizer, the loop around it without (which compiles faster and runs as fast)."""
    band, blocks, shifts, zero, out, _ = args
    tile_types = (typeof(band), typeof(blocks[0]), typeof(0), typeof(shifts), typeof(zero), typeof(out),
                  typeof(0), typeof(0))
    with global_compiler_lock:
        saved, config.SLP_VECTORIZE = config.SLP_VECTORIZE, 1
        try:
            _tile.compile(tile_types)
        finally:
            config.SLP_VECTORIZE = saved
        _shifted_products.compile(tuple(typeof(a) for a in args))

"""C's fused multiply-add (a·b + c rounded once) on numpy arrays, where PyTorch's compiler emits one: its CPU
kernels for ``uniform_`` (``u * (to - from) + from``), ``normal_`` and ``linspace`` are compiled with FMA
contraction, so their last bits are those of a single rounding."""
import numpy as np

F32 = np.float32


def _two_sum_error(a, b, total):
    """The exact rounding error of ``total = a + b`` in float64 (Knuth's TwoSum)."""
    b_part = total - a
    return (a - (total - b_part)) + (b - b_part)


def fma32(a, b, c):
    """a·b + c rounded once to float32, elementwise (C's fmaf). The float64 product of two float32 is exact and
    the float64 sum rounds once; rounding that to float32 is then exact unless the sum sits on a float32 tie,
    which the sum's exact error breaks."""
    product, addend = np.broadcast_arrays(np.multiply(a, b, dtype=np.float64), np.asarray(c, np.float64))
    total = np.atleast_1d(product + addend)
    rounded = total.astype(F32)
    ties = np.flatnonzero((total.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000))
    if ties.size:  # (rare: one sum in about 2^29)
        exact = total.reshape(-1)[ties]
        error = _two_sum_error(product.reshape(-1)[ties], addend.reshape(-1)[ties], exact)
        toward = np.where(error > 0, np.inf, -np.inf)
        rounded.reshape(-1)[ties] = np.where(error == 0, exact.astype(F32), np.nextafter(exact, toward).astype(F32))
    return rounded.reshape(np.shape(product))


def fma64(a, b, c):
    """a·b + c in float64 with the product's error kept (Dekker's exact product, then TwoSum): C's fma, except
    where the sum of the two error terms itself rounds at a tie, which no draw here has been seen to reach."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    total = product + c
    return total + (product_error + _two_sum_error(product, c, total))


def _split(x):
    """Veltkamp's split of float64 x into two halves of 26 bits whose sum is x."""
    scaled = x * 134217729.0  # 2^27 + 1
    high = scaled - (scaled - x)
    return high, x - high

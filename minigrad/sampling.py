"""PyTorch's CPU sampling, number for number: how ATen turns its Mersenne Twister's 32-bit words into uniform,
normal, integer and Bernoulli draws (the formulas of ATen's DistributionsHelper.h, TransformationHelper.h and
cpu/DistributionTemplates.h), applied to a ``minigrad.Generator``'s words. With the same seed, ``minigrad.randn``
gives ``torch.randn``'s numbers, ``nn.Linear`` PyTorch's initial weights, ``F.dropout`` PyTorch's mask.

Three details decide the last bit, each measured against PyTorch 2.13 on an AVX-512 machine:
- PyTorch's compiler fuses ``u * (to - from) + from`` (and ``value * std + mean``) into one fused multiply-add,
  rounded once: ``exact_arithmetic.fma32``/``fma64``.
- A contiguous float32 normal fill of 16 values or more runs a vectorized Box-Muller over blocks of 16 uniforms,
  whose log and sincos are Cephes polynomials (avx_mathfun.h) with their multiply-adds fused, repeated in float32
  by ``backends/cpu/sampling_kernels.py``. On a CPU without AVX2, PyTorch takes the C library's logf/sinf/cosf
  there instead, whose results differ from these in the last bit for about one value in ten.
- Other normal draws (float64, non-contiguous, fewer than 16 values) use the C library's double log, sin and cos,
  which the same compiled kernels call (numpy's own differ in the last bit).
"""
import math

import numpy as np

from .exact_arithmetic import fma32, fma64

F32 = np.float32
_FLOAT32_MANTISSA = 0xFFFFFF
_FLOAT64_MANTISSA = (1 << 53) - 1


def _kernels():
    """The compiled draws, imported at first use (``import minigrad`` does not load Numba)."""
    from .backends.cpu import sampling_kernels
    return sampling_kernels


# ------------------------------------------------------------------------------------------------ word streams
def _words64(generator, count):
    """``count`` 64-bit draws, each two words high first (PyTorch's random64)."""
    pairs = generator.words(2 * count).reshape(count, 2)
    return (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]


# Draws are converted this many at a time, so that the float64 temporaries of ``fma32`` stay small however
# large the tensor (a VGG's 100M-weight layer).
CHUNK = 1 << 20


def uniform_values(generator, count, dtype, low=0.0, high=1.0):
    """``count`` draws of ``uniform_real_distribution<dtype>(low, high)``: the low 24 bits of one word (float32)
    or 53 bits of a 64-bit draw (float64) scaled to [0, 1), then ``u * (high - low) + low`` fused."""
    wide = np.dtype(dtype) == np.float64
    unit_interval = low == 0 and high == 1  # (u · 1 + 0 is u: nothing to round)
    values = np.empty(count, np.float64 if wide else F32)
    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        if wide:
            steps = (_words64(generator, n) & np.uint64(_FLOAT64_MANTISSA)).astype(np.float64)
            values[start:start + n] = steps * 2.0 ** -53 if unit_interval else fma64(steps * 2.0 ** -53, high - low,
                                                                                      low)
        else:  # u = steps · 2^-24 and u · w = steps · (w · 2^-24), both factors of 24 bits: exact in float64
            steps = (generator.words(n) & np.uint64(_FLOAT32_MANTISSA)).astype(np.float64)
            width = np.float64(F32(high) - F32(low)) * 2.0 ** -24
            values[start:start + n] = steps * 2.0 ** -24 if unit_interval else fma32(steps, width, F32(low))
    return values


# ------------------------------------------------------------------------------------------------------ normal
def _normal_blocks(generator, count, dtype, mean, std):
    """PyTorch's normal_fill: ``count`` (at least 16) uniforms transformed 16 at a time; when 16 does not divide
    ``count``, the last 16 places are drawn again from 16 new uniforms."""
    def transformed(uniforms):
        if dtype == np.float64:
            return _kernels().box_muller_blocks_float64(uniforms, float(mean), float(std))
        return _kernels().box_muller_blocks_float32(uniforms, F32(mean), F32(std))
    values = uniform_values(generator, count, dtype)
    whole = count - count % 16
    values[:whole] = transformed(values[:whole])
    if whole != count:
        values[count - 16:] = transformed(uniform_values(generator, 16, dtype))
    return values


def _normal_one_by_one(generator, count, mean, std):
    """PyTorch's serial ``normal_distribution<double>``: pairs of 64-bit uniforms, the cosine value returned and
    the sine value kept in the generator for the next draw (across calls)."""
    cached = generator.normal_cache is not None
    pairs = max(count - cached + 1, 0) // 2  # (the kernel reads exactly these 2 * pairs uniforms)
    uniforms = (_words64(generator, 2 * pairs) & np.uint64(_FLOAT64_MANTISSA)).astype(np.float64) * 2.0 ** -53
    values, cached, cache_value = _kernels().box_muller_one_by_one(
        uniforms, count, cached, generator.normal_cache or 0.0, float(mean), float(std))
    generator.normal_cache = cache_value if cached else None
    return values


def normal_values(generator, shape, dtype, mean=0.0, std=1.0, contiguous=True):
    """Normal draws for a tensor of ``shape`` and ``dtype`` in memory order, by the path PyTorch's normal_kernel
    takes for it (blocks of 16 for 16 or more contiguous values, one by one otherwise)."""
    dtype = np.dtype(dtype)
    count = math.prod(shape)
    if count >= 16 and contiguous and dtype in (np.float32, np.float64):
        return _normal_blocks(generator, count, dtype, mean, std)
    return _normal_one_by_one(generator, count, mean, std).astype(dtype)


# ------------------------------------------------------------------------------------------ integers, Bernoulli
def integer_values(generator, count, low, high):
    """``count`` integers in [low, high) as PyTorch's ``random_(from, to)``: ``word % (high - low) + low``, one
    32-bit word each below a range of 2^32, one 64-bit draw each from there."""
    span = int(high) - int(low)
    words = generator.words(count) if span < 2 ** 32 else _words64(generator, count)
    return (words % np.uint64(span)).astype(np.int64) + int(low)


def unbounded_integer_values(generator, count, dtype):
    """``random_()`` without bounds, as PyTorch's: [0, 2^mantissa] for floats, [0, max] for integers, 0/1 for
    bool; 64-bit draws for int64 and float64, 32-bit ones for the rest."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (generator.words(count) & np.uint64(1)).astype(bool)
    wide = dtype in (np.int64, np.float64)
    words = _words64(generator, count) if wide else generator.words(count)
    if dtype.kind == "f":
        modulus = 2 ** (np.finfo(dtype).nmant + 1) + 1
    else:
        modulus = int(np.iinfo(dtype).max) + 1
    return (words % np.uint64(modulus)).astype(dtype)


def bernoulli_values(generator, probabilities):
    """PyTorch's CPU Bernoulli draws for the flat ``probabilities``: ``u < p`` with u a float32 uniform for
    float32 probabilities and a float64 one otherwise (a number p is a float64)."""
    probabilities = np.asarray(probabilities)
    dtype = F32 if probabilities.dtype == F32 else np.float64
    return uniform_values(generator, probabilities.size, dtype) < probabilities.reshape(-1).astype(dtype)


# --------------------------------------------------------------------------------------------- other laws
def _uniforms64(generator, count):
    return uniform_values(generator, count, np.float64)


def exponential_values(generator, count, rate):
    """PyTorch's CPU ``exponential_`` draws (in float64, cast by the caller)."""
    return _kernels().exponential_from_uniforms(_uniforms64(generator, count), float(rate))


def geometric_values(generator, count, probability):
    """PyTorch's CPU ``geometric_`` draws: trials to the first success."""
    return _kernels().geometric_from_uniforms(_uniforms64(generator, count), float(probability))


def cauchy_values(generator, count, median, sigma):
    """PyTorch's CPU ``cauchy_`` draws."""
    return _kernels().cauchy_from_uniforms(_uniforms64(generator, count), float(median), float(sigma))


def log_normal_values(generator, count, mean, std):
    """PyTorch's CPU ``log_normal_`` draws: exp of its serial normal draws (Box-Muller cache included)."""
    return _kernels().exponentials(_normal_one_by_one(generator, count, mean, std))


def multinomial_with_replacement(generator, rows, count):
    """PyTorch's CPU multinomial with replacement: per row, the weights' running sum in their dtype divided by the
    total (the last set to 1), and for each of ``count`` float64 uniforms the first place whose sum reaches it."""
    picked = np.empty((len(rows), count), np.int64)
    for number, row in enumerate(rows):
        cumulative = np.cumsum(row, dtype=row.dtype)
        cumulative = cumulative / cumulative[-1]
        cumulative[-1] = 1
        picked[number] = np.searchsorted(cumulative.astype(np.float64), _uniforms64(generator, count), side="left")
    return picked


def _rejection(generator, run, count):
    """Run a compiled rejection sampler over the generator's next words, then advance the generator by the
    words it used (known only afterwards): a copy of the state is restored and moved on by that many."""
    state, size = generator.get_state(), 32 * count + 64
    while True:
        result = run(generator.words(size))
        generator.set_state(state)
        if result[1] >= 0:
            generator.words(result[1])
            return result
        size *= 4


def gamma_values(generator, alphas):
    """PyTorch's CPU standard gamma draws for the flat ``alphas`` (float32 or float64, the draws in that dtype),
    its Box-Muller cache used and left as PyTorch's."""
    alphas = np.ascontiguousarray(alphas).reshape(-1)
    cached, cache_value = generator.normal_cache is not None, generator.normal_cache or 0.0
    draws, _, cached, cache_value = _rejection(
        generator, lambda words: _kernels().gamma_draws(alphas, words, cached, cache_value), alphas.size)
    generator.normal_cache = cache_value if cached else None
    return draws


def poisson_values(generator, rates):
    """PyTorch's CPU Poisson draws (float64) for the flat ``rates``."""
    rates = np.ascontiguousarray(rates, np.float64).reshape(-1)
    return _rejection(generator, lambda words: _kernels().poisson_draws(rates, words), rates.size)[0]


def binomial_values(generator, counts, probabilities):
    """PyTorch's CPU binomial draws for the flat ``counts`` and ``probabilities`` (one dtype; the draws in it)."""
    counts = np.ascontiguousarray(counts).reshape(-1)
    probabilities = np.ascontiguousarray(probabilities, counts.dtype).reshape(-1)
    if probabilities.size != counts.size:  # (the kernel reads one probability per count)
        raise RuntimeError(f"binomial: {counts.size} counts but {probabilities.size} probabilities")
    return _rejection(generator, lambda words: _kernels().binomial_draws(counts, probabilities, words),
                      counts.size)[0]

"""The normal draws of ``minigrad.sampling`` that need the C library's double log, sin and cos (PyTorch's call
them; numpy's own differ in the last bit), and C's fused multiply-add, which PyTorch's compiler emits for
``value * std + mean``. Sequential by nature: one generator stream, one Box-Muller pair after another."""
import math
from fractions import Fraction

import numpy as np
from numba import types
from numba.core import config
from numba.extending import intrinsic

from .jit import kernel


if config.DISABLE_JIT:  # (the kernels run as Python: the exact sum of rationals, rounded to a's type)
    def fused_multiply_add(a, b, c):
        """a·b + c rounded once to float64 (then to a's type)."""
        return type(a)(float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))))
else:
    @intrinsic
    def fused_multiply_add(typing_context, a, b, c):
        """a·b + c rounded once (LLVM's fma intrinsic: the CPU's instruction, or libm's fma)."""
        if not (isinstance(a, types.Float) and a == b == c):
            return None

        def codegen(context, builder, signature, arguments):
            return builder.fma(*arguments)
        return a(a, b, c), codegen


@kernel()
def box_muller_blocks_float64(uniforms, mean, std):
    """PyTorch's normal_fill_16 in float64 over consecutive blocks of 16 uniforms: the first 8 of a block give
    the radii, the last 8 the angles, each pair its cosine and its sine value."""
    values = np.empty_like(uniforms)
    for start in range(0, uniforms.size - 15, 16):
        for j in range(8):
            radius = math.sqrt(-2.0 * math.log(1.0 - uniforms[start + j]))
            angle = (2.0 * math.pi) * uniforms[start + j + 8]
            values[start + j] = fused_multiply_add(radius * math.cos(angle), std, mean)
            values[start + j + 8] = fused_multiply_add(radius * math.sin(angle), std, mean)
    return values


@kernel()
def box_muller_one_by_one(uniforms, count, cached, cache_value, mean, std):
    """PyTorch's serial ``normal_distribution<double>``: a new pair of uniforms gives the cosine value and keeps
    the sine value for the next draw. Returns the values and the cache left (whether one is kept, its value)."""
    values = np.empty(count, np.float64)
    used = 0
    for i in range(count):
        if cached:
            value = cache_value
            cached = False
        else:
            radius = math.sqrt(-2.0 * math.log1p(-uniforms[used + 1]))
            angle = (2.0 * math.pi) * uniforms[used]
            used += 2
            cache_value = radius * math.sin(angle)
            cached = True
            value = radius * math.cos(angle)
        values[i] = fused_multiply_add(value, std, mean)
    return values, cached, cache_value


# avx_mathfun.h's Cephes constants, float32: log's polynomial, then cos's and sin's, pi/4 in three parts
F32 = np.float32
LOG_POLYNOMIAL = (F32(7.0376836292E-2), F32(-1.1514610310E-1), F32(1.1676998740E-1), F32(-1.2420140846E-1),
                  F32(1.4249322787E-1), F32(-1.6668057665E-1), F32(2.0000714765E-1), F32(-2.4999993993E-1),
                  F32(3.3333331174E-1))
LOG_2_LOW, LOG_2_HIGH, SQRT_HALF = F32(-2.12194440e-4), F32(0.693359375), F32(0.707106781186547524)
COS_POLYNOMIAL = (F32(2.443315711809948E-005), F32(-1.388731625493765E-003), F32(4.166664568298827E-002))
SIN_POLYNOMIAL = (F32(-1.9515295891E-4), F32(8.3321608736E-3), F32(-1.6666654611E-1))
QUARTER_PI_PARTS = (F32(-0.78515625), F32(-2.4187564849853515625e-4), F32(-3.77489497744594108e-8))
FOUR_OVER_PI, TWO_PI, SMALLEST_NORMAL = F32(1.27323954473516), F32(2 * math.pi), F32(1.17549435e-38)
ONE, HALF = F32(1.0), F32(0.5)


@kernel(inline="always")
def cephes_log(x):
    """Natural log of a positive float32 as avx_mathfun's log256_ps: x = m·2^e with m in [sqrt(1/2), sqrt(2)),
    a degree-9 polynomial in m - 1, and e·ln 2 added in two parts."""
    mantissa, exponent_bits = math.frexp(np.float64(max(x, SMALLEST_NORMAL)))  # m in [1/2, 1): exact
    m = F32(mantissa)
    exponent = F32(exponent_bits)
    x = m - ONE
    if m < SQRT_HALF:
        exponent = exponent - ONE
        x = x + m
    square = x * x
    y = LOG_POLYNOMIAL[0]
    for k in range(1, 9):
        y = fused_multiply_add(y, x, LOG_POLYNOMIAL[k])
    y = fused_multiply_add(y * x, square, exponent * LOG_2_LOW)
    y = fused_multiply_add(-square, HALF, y)
    return fused_multiply_add(exponent, LOG_2_HIGH, x + y)


@kernel(inline="always")
def cephes_sincos(x):
    """(sin x, cos x) of a float32 as avx_mathfun's sincos256_ps: x reduced by a multiple of pi/4 (in three
    parts), then the Cephes sine and cosine polynomials, chosen and signed by the octant."""
    negative = x < 0
    x = abs(x)
    octant = (np.int32(x * FOUR_OVER_PI) + 1) & -2
    y = F32(octant)
    for k in range(3):
        x = fused_multiply_add(y, QUARTER_PI_PARTS[k], x)
    square = x * x
    cosine = fused_multiply_add(fused_multiply_add(COS_POLYNOMIAL[0], square, COS_POLYNOMIAL[1]), square,
                                COS_POLYNOMIAL[2])
    cosine = fused_multiply_add(cosine * square, square, -(square * HALF)) + ONE
    sine = fused_multiply_add(fused_multiply_add(SIN_POLYNOMIAL[0], square, SIN_POLYNOMIAL[1]), square,
                              SIN_POLYNOMIAL[2])
    sine = fused_multiply_add(sine * square, x, x)
    if octant & 2:
        sine, cosine = cosine, sine
    if negative != ((octant & 4) != 0):
        sine = -sine
    if ((octant - 2) & 4) == 0:
        cosine = -cosine
    return sine, cosine


@kernel()
def box_muller_blocks_float32(uniforms, mean, std):
    """PyTorch's normal_fill_16_AVX2 over consecutive blocks of 16 float32 uniforms (its Cephes log and sincos,
    its fused multiply-adds), the float32 counterpart of ``box_muller_blocks_float64``."""
    values = np.empty_like(uniforms)
    for start in range(0, uniforms.size - 15, 16):
        for j in range(8):
            radius = np.sqrt(F32(-2.0) * cephes_log(ONE - uniforms[start + j]))
            sine, cosine = cephes_sincos(TWO_PI * uniforms[start + j + 8])
            values[start + j] = fused_multiply_add(radius * cosine, std, mean)
            values[start + j + 8] = fused_multiply_add(radius * sine, std, mean)
    return values


@kernel()
def exponential_from_uniforms(uniforms, rate):
    """PyTorch's CPU exponential draws, -1/rate · log1p(-u), from float64 uniforms."""
    values = np.empty_like(uniforms)
    scale = -1.0 / rate
    for i in range(uniforms.size):
        values[i] = scale * math.log1p(-uniforms[i])
    return values


@kernel()
def geometric_from_uniforms(uniforms, probability):
    """PyTorch's geometric draws, ceil(log u / log(1 - p)), from float64 uniforms."""
    values = np.empty_like(uniforms)
    for i in range(uniforms.size):
        values[i] = math.ceil(math.log(uniforms[i]) / math.log(1.0 - probability))
    return values


@kernel()
def cauchy_from_uniforms(uniforms, median, sigma):
    """PyTorch's Cauchy draws, median + sigma · tan(pi · (u - 1/2)) fused, from float64 uniforms."""
    values = np.empty_like(uniforms)
    for i in range(uniforms.size):
        values[i] = fused_multiply_add(sigma, math.tan(math.pi * (uniforms[i] - 0.5)), median)
    return values


@kernel()
def exponentials(values):
    """exp of each value with the C library's exp (PyTorch's log-normal draws)."""
    out = np.empty_like(values)
    for i in range(values.size):
        out[i] = math.exp(values[i])
    return out


# Rejection samplers: they read float64 uniforms (two words each) from ``words`` as PyTorch's samplers call
# its generator, and return with ``used = -1`` when the words run out (the caller draws more and runs again).
MANTISSA_53 = np.uint64((1 << 53) - 1)
ONE_F32, ONE_THIRD_F32, GAMMA_SQUEEZE_F32 = F32(1.0), F32(1.0) / F32(3.0), F32(0.0331)


@kernel(inline="always")
def unit_uniform(words, position):
    """The float64 uniform in [0, 1) of the 64-bit draw at ``words[position:position + 2]``."""
    bits = ((words[position] << np.uint64(32)) | words[position + 1]) & MANTISSA_53
    return np.float64(bits) * 2.0 ** -53


@kernel()
def gamma_draws(alphas, words, cached, cache_value):
    """PyTorch's CPU ``_standard_gamma`` (its sample_gamma: Marsaglia and Tsang's method, alpha < 1 boosted by
    one), alpha's own arithmetic where PyTorch's is in alpha's type. Returns the draws (alpha's dtype, at least
    its smallest normal), the words used, and the normal cache left."""
    draws = np.empty(alphas.size, alphas.dtype)
    smallest = np.finfo(alphas.dtype).tiny
    position = 0
    for i in range(alphas.size):
        alpha = alphas.flat[i]
        scale = 1.0
        if alpha < ONE_F32:
            if alpha == 0:
                draws[i] = 0
                continue
            if position + 2 > words.size:
                return draws, -1, cached, cache_value
            scale *= (1.0 - unit_uniform(words, position)) ** np.float64(ONE_F32 / alpha)
            position += 2
            alpha = alpha + ONE_F32
        d = np.float64(alpha - ONE_THIRD_F32)
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                if cached:
                    x = cache_value
                    cached = False
                else:
                    if position + 4 > words.size:
                        return draws, -1, cached, cache_value
                    radius = math.sqrt(-2.0 * math.log1p(-unit_uniform(words, position + 2)))
                    angle = (2.0 * math.pi) * unit_uniform(words, position)
                    position += 4
                    cache_value = radius * math.sin(angle)
                    cached = True
                    x = radius * math.cos(angle)
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            if position + 2 > words.size:
                return draws, -1, cached, cache_value
            u = 1.0 - unit_uniform(words, position)
            position += 2
            squared = x * x
            if u < 1.0 - np.float64(GAMMA_SQUEEZE_F32) * squared * squared or \
                    math.log(u) < 0.5 * squared + d * (1.0 - v + math.log(v)):
                draws[i] = max(smallest, scale * d * v)
                break
    return draws, position, cached, cache_value


@kernel(inline="always")
def transformed_rejection_proposal(words, position, a, b):
    """One proposal of Hörmann's transformed rejection (Poisson and binomial alike), from two uniforms u, v:
    (u_s, v, spread) with u_s = 1/2 - |u - 1/2| and spread = (2a / u_s + b) · (u - 1/2), to which the caller adds
    its shift before flooring."""
    u = unit_uniform(words, position) - 0.5
    v = unit_uniform(words, position + 2)
    u_s = 0.5 - abs(u)
    return u_s, v, (2 * a / u_s + b) * u


@kernel()
def poisson_draws(rates, words):
    """PyTorch's CPU ``poisson`` (its sample_poisson: Hörmann's transformed rejection from rate 10, products of
    uniforms below), in float64. Returns the counts and the words used (-1: more words needed)."""
    counts = np.empty(rates.size, np.float64)
    position = 0
    for i in range(rates.size):
        rate = np.float64(rates.flat[i])
        if rate >= 10:
            root, log_rate = math.sqrt(rate), math.log(rate)
            b = 0.931 + 2.53 * root
            a = -0.059 + 0.02483 * b
            inverse_alpha = 1.1239 + 1.1328 / (b - 3.4)
            v_r = 0.9277 - 3.6224 / (b - 2)
            while True:
                if position + 4 > words.size:
                    return counts, -1
                u_s, v, spread = transformed_rejection_proposal(words, position, a, b)
                position += 4
                k = math.floor(spread + rate + 0.43)
                if u_s >= 0.07 and v <= v_r:
                    break
                if k < 0 or (u_s < 0.013 and v > u_s):
                    continue
                if (math.log(v) + math.log(inverse_alpha) - math.log(a / (u_s * u_s) + b)) <= \
                        (-rate + k * log_rate - math.lgamma(k + 1.0)):
                    break
            counts[i] = k
        elif rate == 0:
            counts[i] = 0
        else:
            limit, product, k = math.exp(-rate), 1.0, 0
            while True:
                if position + 2 > words.size:
                    return counts, -1
                product *= unit_uniform(words, position)
                position += 2
                if product > limit:
                    k += 1
                else:
                    break
            counts[i] = k
    return counts, position


STIRLING_TAILS = np.array([0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                           0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                           0.00925546218271273, 0.00833056343336287])


@kernel(inline="always")
def stirling_tail(k):
    """log k! - (k + 1/2) log(k + 1) + (k + 1) - log sqrt(2 pi): tabulated to 9, then its series."""
    if k <= 9:
        return STIRLING_TAILS[int(k)]
    square = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / square) / square) / (k + 1)


@kernel()
def binomial_draws(counts, probabilities, words):
    """PyTorch's CPU ``binomial`` (its sample_binomial: the geometric-sum inversion below count · p = 10, the
    transformed-rejection sampler BTRS from there, p > 1/2 through 1 - p), the counts' arithmetic in their own
    type where PyTorch's is. Returns the draws (the counts' dtype) and the words used (-1: more words needed)."""
    draws = np.empty(counts.size, counts.dtype)
    scratch = np.empty(1, counts.dtype)  # (a store into it casts a float64 to the counts' type)
    position = 0
    for i in range(counts.size):
        count, probability = counts.flat[i], probabilities.flat[i]
        if count <= 0.0 or probability <= 0.0:
            draws[i] = 0
            continue
        if probability >= 1.0:
            draws[i] = count
            continue
        if not probability <= 1.0:  # NaN
            draws[i] = np.nan
            continue
        flipped = probability > 0.5
        if flipped:
            scratch[0] = 1.0 - probability
            probability = scratch[0]
        if count * probability >= 10.0:
            deviation = np.float64(np.sqrt(count * probability * (ONE_F32 - probability)))
            b = 1.15 + 2.53 * deviation
            a = -0.0873 + 0.0248 * b + 0.01 * probability
            c = count * probability + 0.5
            v_r = 0.92 - 4.2 / b
            r = np.float64(probability / (ONE_F32 - probability))
            alpha = (2.83 + 5.1 / b) * deviation
            m = np.float64(np.floor((count + ONE_F32) * probability))
            while True:
                if position + 4 > words.size:
                    return draws, -1
                u_s, v, spread = transformed_rejection_proposal(words, position, a, b)
                position += 4
                scratch[0] = math.floor(spread + c)
                k = scratch[0]
                if k < 0 or k > count:
                    continue
                if u_s >= 0.07 and v <= v_r:
                    break
                v = math.log(v * alpha / (a / (u_s * u_s) + b))
                bound = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                         + (count + ONE_F32) * math.log((count - m + 1) / (count - k + ONE_F32))
                         + (k + 0.5) * math.log(r * (count - k + ONE_F32) / (k + ONE_F32))
                         + stirling_tail(m) + stirling_tail(count - m)
                         - stirling_tail(np.float64(k)) - stirling_tail(np.float64(count - k)))
                if v <= bound:
                    break
        else:
            log_failure = np.float64(np.log1p(-probability))
            total, k = 0.0, count - count
            while True:
                if position + 2 > words.size:
                    return draws, -1
                total += math.ceil(math.log(unit_uniform(words, position)) / log_failure)
                position += 2
                if total > count:
                    break
                k = k + ONE_F32
        draws[i] = count - k if flipped else k
    return draws, position

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

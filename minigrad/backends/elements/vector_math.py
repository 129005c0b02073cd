"""exp and log of float32 values rounded as PyTorch's vectorised CPU kernels round them (see ``backends/elements``).

PyTorch's softmax and log_softmax compute exp and log through its vector class, which calls the SLEEF library's
1-ulp functions (``Sleef_expf16_u10``, ``Sleef_logf16_u10`` on an AVX-512 machine). Those differ in the last bit
from the correctly rounded value for about one float in ten (exp) and one in three thousand (log), and numpy's
float32 exp differs from both, so a softmax computed with numpy's exp differed from PyTorch's in a third of its
values. These rules follow SLEEF's published algorithms step by step (the constants are SLEEF's): exp by a
reduction to r = d - q·ln2 in two FMA steps and a degree-7 polynomial; log by splitting d into 2^e · m with m in
[0.75, 1.5) and a series in x = (m - 1)/(m + 1) carried in two-float (head, tail) arithmetic. Checked bit for bit
against PyTorch's softmax, log_softmax and their gradients by tests/test_last_bits.py.

Used for float32 only (PyTorch's float64 kernels call SLEEF's double functions, another algorithm)."""

import numpy as np

from . import float32_bits, float32_from_bits, fused_multiply_add

_F = np.float32
_LOG2_E = _F(1.442695040888963407359924681001892137426645954152985934135449406931)
_LN2_HIGH, _LN2_LOW = _F(0.693145751953125), _F(1.428606765330187045e-06)
_EXP_SERIES = (_F(0.000198527617612853646278381), _F(0.00139304355252534151077271),
               _F(0.00833336077630519866943359), _F(0.0416664853692054748535156),
               _F(0.166666671633720397949219), _F(0.5))
_ROUNDING = _F(12582912.0)  # 1.5 * 2**23: adding and subtracting it rounds a float32 below 2**22 to an integer
_EXP_ZERO_BELOW, _EXP_INFINITE_ABOVE = _F(-104.0), _F(100.0)
_ONE, _TWO, _ZERO = _F(1.0), _F(2.0), _F(0.0)
_INFINITY, _NAN = _F(np.inf), _F(np.nan)
_LN2_PAIR = (_F(0.69314718246459960938), _F(-1.904654323148236017e-09))
_LOG_SERIES = (_F(0.3027294874), _F(0.3996108174), _F(0.6666694880))
_FOUR_THIRDS = _F(1.0 / 0.75)
_SMALLEST_NORMAL, _TWO_TO_64 = _F(np.finfo(np.float32).tiny), _F(2.0 ** 64)
_I = np.int32
_BIAS, _MANTISSA_BITS = _I(127), _I(23)  # (float32's exponent bias, and where its exponent bits start)


def vector_exp(d):
    """e**d of a float32 as PyTorch's vectorised exp rounds it (SLEEF's expf_u10): 0 below -104, inf above
    100, NaN for NaN. Written without branches around its arithmetic, so that a loop of it vectorises."""
    inside = d >= _EXP_ZERO_BELOW and d <= _EXP_INFINITE_ABOVE
    x = d if inside else _ZERO
    q_float = (x * _LOG2_E + _ROUNDING) - _ROUNDING  # (the nearest integer, ties to even, as the vector rint)
    r = fused_multiply_add(q_float, -_LN2_HIGH, x)
    r = fused_multiply_add(q_float, -_LN2_LOW, r)
    c0, c1, c2, c3, c4, c5 = _EXP_SERIES
    u = fused_multiply_add(c0, r, c1)
    u = fused_multiply_add(u, r, c2)
    u = fused_multiply_add(u, r, c3)
    u = fused_multiply_add(u, r, c4)
    u = fused_multiply_add(u, r, c5)
    u = _ONE + fused_multiply_add(r * r, u, r)
    # u * 2**q in two steps, each rounded, so that 2**q need not be representable: q lies in [-150, 145], its
    # halves in [-75, 73], and 2**k is the float32 whose exponent bits are k + 127
    q = np.int32(q_float)
    half = q >> _I(1)
    u = (u * float32_from_bits((half + _BIAS) << _MANTISSA_BITS)) * float32_from_bits((q - half + _BIAS)
                                                                                       << _MANTISSA_BITS)
    if inside:
        return u
    return d if d != d else (_ZERO if d < _ZERO else _INFINITY)


def vector_log(d):
    """The natural log of a float32 as PyTorch's vectorised log rounds it (SLEEF's logf_u10): -inf at 0, NaN
    below 0 and for NaN, inf at inf. The special cases are chosen at the end, so that a loop of it vectorises."""
    ordinary = _ZERO < d and d < _INFINITY
    x = d if ordinary else _ONE  # (the special cases' own values come at the end)
    tiny = x < _SMALLEST_NORMAL
    normal = x * _TWO_TO_64 if tiny else x  # (subnormals scaled into the normal range first, as SLEEF's)
    # e: the exponent of d / 0.75 (its float32 product, as the vector code forms it); m = d / 2**e, in [0.75, 1.5),
    # by subtracting e from d's exponent bits
    exponent = ((float32_bits(normal * _FOUR_THIRDS) >> _MANTISSA_BITS) & _I(255)) - _BIAS
    m = float32_from_bits(float32_bits(normal) - (exponent << _MANTISSA_BITS))
    e = _F(exponent - _I(64) if tiny else exponent)
    ln2_high, ln2_low = _LN2_PAIR
    s_head = ln2_high * e  # s = e * ln2 as a two-float
    s_tail = fused_multiply_add(ln2_high, e, -s_head)
    s_tail = fused_multiply_add(ln2_low, e, s_tail)
    # x = (m - 1) / (m + 1) as a two-float, numerator and denominator each an exact (sum, rounding error) pair
    num_head = m - _ONE
    num_tail = (-_ONE - (num_head - (num_head + _ONE))) + (m - (num_head + _ONE))
    den_head = _ONE + m
    den_tail = (_ONE - (den_head - (den_head - _ONE))) + (m - (den_head - _ONE))
    inverse = _ONE / den_head
    x_head = num_head * inverse
    error = fused_multiply_add(inverse, num_head, -x_head)
    correction = fused_multiply_add(-den_tail, inverse, fused_multiply_add(-den_head, inverse, _ONE))
    x_tail = fused_multiply_add(x_head, correction, fused_multiply_add(num_tail, inverse, error))
    x2 = x_head * x_head
    t0, t1, t2 = _LOG_SERIES
    t = fused_multiply_add(fused_multiply_add(t0, x2, t1), x2, t2)
    head = s_head + x_head * _TWO  # s + 2x
    tail = (((s_head - head) + x_head * _TWO) + s_tail) + x_tail * _TWO
    term = (x2 * x_head) * t  # s + x^3 t
    total = head + term
    tail = ((head - total) + term) + tail
    if ordinary:
        return total + tail
    if d == _INFINITY:
        return _INFINITY
    return -_INFINITY if d == _ZERO else _NAN

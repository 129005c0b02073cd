"""Bessel functions, as ``torch.special``'s, computed in float64 on the host:

- I0, I1 (``i0``, ``i1``, ``modified_bessel_i0``/``_i1``) and their scaled forms e^-|x| I (``i0e``, ``i1e``):
  the power series below |x| = 20 (positive terms: no cancellation), the asymptotic series above;
- K0, K1 (``modified_bessel_k0``/``_k1``) and e^x K (``scaled_modified_bessel_k0``/``_k1``): the power series
  below 2; from 2 to 25 the trapezoidal rule on K_n(x) = int_0^inf e^(-x cosh t) cosh(n t) dt, whose error for
  this analytic, doubly decaying integrand falls as e^(-2 pi^2 / (h^2 x)) (step h = 0.1: below 1e-30); above 25
  the asymptotic series, whose smallest term is about e^(-2x);
- J0, J1, Y0, Y1 (``bessel_j0``...) and ``spherical_bessel_j0``: see ``bessel_oscillating.py``.

i0, i0e, i1 and i1e have PyTorch's gradients; the others, as in PyTorch, none."""
import math

import numpy as np

from .host_elementwise import elementwise

__all__ = ["i0", "i0e", "i1", "i1e", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1"]

_SERIES_BELOW = 20.0
_EULER_GAMMA = 0.57721566490153286061


def _i_series(x, order):
    """I_order(x) = (x/2)^order sum_k (x^2/4)^k / (k! (k + order)!), to where the terms stop counting."""
    quarter_square = x * x / 4
    term = np.ones_like(x) if order == 0 else x / 2
    total = term.copy()
    for k in range(1, 90):
        term = term * quarter_square / (k * (k + order))
        total += term
    return total


def _i_scaled_asymptotic(magnitude, order):
    """e^-x I_order(x) for large x: 1 / sqrt(2 pi x) sum_k (-1)^k prod_j (4 order^2 - (2j - 1)^2) / (k! (8x)^k)."""
    term = np.ones_like(magnitude)
    total = term.copy()
    for k in range(1, 46):  # (the terms shrink until k = 2x: e^-40 relative at x = 20)
        term = term * -(4 * order * order - (2 * k - 1) ** 2) / (8 * k * magnitude)
        total += term
    return total / np.sqrt(2 * math.pi * magnitude)


def modified_i(x, order, scaled):
    """I_order(x), or e^-|x| I_order(x) when ``scaled``, for any real x (I1 is odd, I0 even)."""
    magnitude = np.abs(x)
    near = magnitude < _SERIES_BELOW
    series = _i_series(np.where(near, x, 0.0), order)
    far = _i_scaled_asymptotic(np.where(near, _SERIES_BELOW, magnitude), order)
    if order == 1:
        far = np.sign(x) * far
        series = np.where(x == 0, 0.0, series)  # +0 at -0.0, as PyTorch's
    if scaled:
        return np.where(near, series * np.exp(-magnitude), far)
    return np.where(near, series, far * np.exp(np.where(near, 0.0, magnitude)))


def _k_series(x, order):
    """K0 and K1 below 2 (Abramowitz and Stegun 9.6.13 and 9.6.11): the log term against I, and a series in
    x^2/4 weighted by harmonic numbers (K0) or digamma sums (K1)."""
    quarter_square = x * x / 4
    log_half = np.log(x / 2)
    if order == 0:
        term, total, harmonic = np.ones_like(x), np.zeros_like(x), 0.0
        for k in range(1, 40):
            term = term * quarter_square / (k * k)
            harmonic += 1.0 / k
            total += term * harmonic
        return -(log_half + _EULER_GAMMA) * _i_series(x, 0) + total
    term, total, psi_k = np.ones_like(x), np.zeros_like(x), -_EULER_GAMMA  # psi(k + 1)
    for k in range(0, 40):
        if k:
            term = term * quarter_square / (k * (k + 1))
            psi_k += 1.0 / k
        total += term * (2 * psi_k + 1.0 / (k + 1))  # psi(k + 1) + psi(k + 2)
    return 1 / x + log_half * _i_series(x, 1) - x / 4 * total


def _k_scaled_integral(x, order):
    """e^x K_order(x) for 2 <= x < 25 by the trapezoidal rule on int_0^inf e^(-x (cosh t - 1)) cosh(order t) dt,
    the even integrand summed over t = 0, h, 2h, ... until x (cosh t - 1) passes 745."""
    step = 0.1
    t = np.arange(0.0, math.acosh(1 + 745 / 2) + step, step)
    weights = np.full(t.shape, step) * np.cosh(order * t)
    weights[0] = step / 2
    cosh_minus_one = 2 * np.sinh(t / 2) ** 2  # (cosh t - 1 without cancellation near 0)
    chunk = 16384  # elements at a time: 66 points each
    return np.concatenate([np.exp(-np.multiply.outer(x[i:i + chunk], cosh_minus_one)) @ weights
                           for i in range(0, x.size, chunk)]) if x.size else np.zeros(0)


def _k_scaled_asymptotic(x, order):
    """e^x K_order(x) for large x: sqrt(pi / (2x)) sum_k prod_j (4 order^2 - (2j - 1)^2) / (k! (8x)^k)."""
    term = np.ones_like(x)
    total = term.copy()
    for k in range(1, 40):
        term = term * (4 * order * order - (2 * k - 1) ** 2) / (8 * k * x)
        total += term
    return total * np.sqrt(math.pi / (2 * x))


def modified_k(x, order, scaled):
    """K_order(x), or e^x K_order(x) when ``scaled``: inf at 0, NaN below 0, 0 (scaled: 0 too) at inf."""
    small = (x > 0) & (x < 2)
    values = np.full(x.shape, np.nan)
    if small.any():
        k = _k_series(x[small], order)
        values[small] = k * np.exp(x[small]) if scaled else k
    middle = (x >= 2) & (x < 25)
    if middle.any():
        k = _k_scaled_integral(x[middle], order)
        values[middle] = k if scaled else k * np.exp(-x[middle])
    large = (x >= 25) & np.isfinite(x)
    if large.any():
        k = _k_scaled_asymptotic(x[large], order)
        values[large] = k if scaled else k * np.exp(-x[large])
    values[x == 0] = np.inf
    values[x == np.inf] = 0.0
    return values


def i0(input):  # noqa: A002
    """``torch.i0``/``torch.special.i0``: the modified Bessel function of the first kind, order 0; gradient i1."""
    return elementwise(input, lambda x: modified_i(x, 0, False), lambda x, y: modified_i(x, 1, False))


def i0e(input):  # noqa: A002
    """``torch.special.i0e``: e^-|x| I0(x), finite for any x; gradient i1e(x) - sign(x) i0e(x)."""
    return elementwise(input, lambda x: modified_i(x, 0, True),
                       lambda x, y: modified_i(x, 1, True) - np.sign(x) * y)


def _near_zero_half(x, slope):
    """PyTorch's rule for i1's and i1e's gradients: 0.5 where |x| is within machine epsilon of 0."""
    tiny = np.abs(x) <= np.finfo(np.float64).eps
    return np.where(tiny, 0.5, slope(np.where(tiny, 1.0, x)))


def i1(input):  # noqa: A002
    """``torch.special.i1``: the modified Bessel function of the first kind, order 1; gradient i0(x) - i1(x)/x
    (0.5 at 0)."""
    return elementwise(input, lambda x: modified_i(x, 1, False),
                       lambda x, y: _near_zero_half(x, lambda s: modified_i(s, 0, False) - modified_i(s, 1, False) / s))


def i1e(input):  # noqa: A002
    """``torch.special.i1e``: e^-|x| I1(x); gradient i0e(x) - i1e(x) (sign(x) + 1/x) (0.5 at 0)."""
    return elementwise(input, lambda x: modified_i(x, 1, True), lambda x, y: _near_zero_half(
        x, lambda s: modified_i(s, 0, True) - modified_i(s, 1, True) * (np.sign(s) + 1 / s)))


def modified_bessel_i0(input):  # noqa: A002
    """``torch.special.modified_bessel_i0``: I0 (not differentiable, as PyTorch's)."""
    return elementwise(input, lambda x: modified_i(x, 0, False), None)


def modified_bessel_i1(input):  # noqa: A002
    """``torch.special.modified_bessel_i1``: I1 (not differentiable, as PyTorch's)."""
    return elementwise(input, lambda x: modified_i(x, 1, False), None)


def modified_bessel_k0(input):  # noqa: A002
    """``torch.special.modified_bessel_k0``: K0, the modified Bessel function of the second kind."""
    return elementwise(input, lambda x: modified_k(x, 0, False), None)


def modified_bessel_k1(input):  # noqa: A002
    """``torch.special.modified_bessel_k1``: K1."""
    return elementwise(input, lambda x: modified_k(x, 1, False), None)


def scaled_modified_bessel_k0(input):  # noqa: A002
    """``torch.special.scaled_modified_bessel_k0``: e^x K0(x), finite far beyond where K0 underflows."""
    return elementwise(input, lambda x: modified_k(x, 0, True), None)


def scaled_modified_bessel_k1(input):  # noqa: A002
    """``torch.special.scaled_modified_bessel_k1``: e^x K1(x)."""
    return elementwise(input, lambda x: modified_k(x, 1, True), None)

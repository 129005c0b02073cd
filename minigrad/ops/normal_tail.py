"""The normal distribution's tails, as ``torch.special``'s: ``erfcx`` (exp(x^2) erfc(x), finite where erfc
underflows), ``log_ndtr`` (from erfcx below -1, so that log_ndtr(-100) is -5005.5 rather than -inf) and
``ndtri`` (the quantile, refined by Newton's method on log_ndtr so that ndtri(1e-300) is -37.0). Computed in
float64 on the host; gradients PyTorch's formulas."""
import math

import numpy as np

from .host_elementwise import elementwise

__all__ = ["erfcx", "log_ndtr", "ndtri"]

_SQRT_PI = math.sqrt(math.pi)
_ROOT_HALF = math.sqrt(0.5)  # 1/sqrt(2) rounded once (1 / math.sqrt(2) is an ulp lower), as PyTorch's constant
_SPLITTER = 134217729.0  # 2^27 + 1: splits a double into two halves whose products are exact (Dekker)


def _erfc(x):
    from ..backends.cpu.unary import erfc as erfc_kernel  # (C's erfc in a Numba loop)
    return erfc_kernel(np.ascontiguousarray(x))


def _exp_of_square(x):
    """exp(x^2) with x^2 split exactly into hi^2 + (2 hi + lo) lo, so that a large x loses no digits to the
    rounding of its square (exp(676) would otherwise be off by 1e-13)."""
    scaled = x * _SPLITTER
    high = scaled - (scaled - x)
    low = x - high
    return np.exp(high * high) * np.exp((2 * high + low) * low)


def erfcx_values(x):
    """exp(x^2) erfc(x): directly below 26 (erfc has not underflowed), from the asymptotic series
    1 / (x sqrt(pi)) * sum (-1)^k (2k-1)!! / (2x^2)^k above, where six terms reach double precision."""
    safe = np.where((x > -26.65) & (x < 26), x, 0.0)  # (exp(x^2) overflows below -26.6417)
    direct = _exp_of_square(safe) * _erfc(safe)
    z = 1 / (2 * x * x)
    series = np.ones_like(x)
    for k in range(6, 0, -1):
        series = 1 - (2 * k - 1) * z * series
    asymptotic = series / (x * _SQRT_PI)
    return np.where(x <= -26.65, np.inf, np.where(x < 26, direct, asymptotic))


def erfcx(input):  # noqa: A002
    """``torch.special.erfcx``: the scaled complementary error function exp(x^2) erfc(x); gradient
    2 x erfcx(x) - 2 / sqrt(pi)."""
    return elementwise(input, erfcx_values, lambda x, y: 2 * x * y - 2 / _SQRT_PI)


def log_ndtr_values(x):
    """PyTorch's split: below -1, log(erfcx(-t) / 2) - t^2 with t = x / sqrt(2); above, log1p(-erfc(t) / 2)."""
    t = x * _ROOT_HALF
    low = np.minimum(t, -_ROOT_HALF)
    tail = np.log(erfcx_values(-low) / 2) - low * low
    return np.where(x < -1, tail, np.log1p(-_erfc(np.maximum(t, -_ROOT_HALF)) / 2))


def log_ndtr(input):  # noqa: A002
    """``torch.special.log_ndtr``: log of the standard normal's distribution function, finite far in both tails;
    gradient exp(-(log_ndtr(x) + x^2 / 2)) / sqrt(2 pi)."""
    return elementwise(input, log_ndtr_values, lambda x, y: np.exp(-(y + x * x / 2)) / math.sqrt(2 * math.pi))


def _erfinv(q):
    from ..backends.cpu.unary import erfinv as erfinv_kernel
    return erfinv_kernel(np.ascontiguousarray(q))


def ndtri_values(p):
    """The quantile of the standard normal: sqrt(2) erfinv(2p - 1) where 2p - 1 is exact (p in [1/4, 1/2]);
    below, that guess (or -sqrt(-2 log p) where it is -inf) refined by Newton's method on log_ndtr(x) = log(p),
    whose steps shrink the error quadratically (five reach double precision); above 1/2, -ndtri(1 - p)."""
    lower = np.where(p > 0.5, 1 - p, p)  # 1 - p is exact for p >= 1/2
    x = math.sqrt(2) * _erfinv(2 * lower - 1)  # (NaN outside [0, 1], -inf at 0)
    far = ~np.isfinite(x) & (lower > 0)
    x = np.where(far, -np.sqrt(-2 * np.log(np.where(far, lower, 0.5))), x)
    refine = (lower > 0) & (lower < 0.25)
    if refine.any():
        target, guess = np.log(lower[refine]), x[refine]
        for _ in range(5):
            log_cdf = log_ndtr_values(guess)
            slope = np.exp(-guess * guess / 2 - log_cdf) / math.sqrt(2 * math.pi)
            guess = guess - (log_cdf - target) / slope
        x[refine] = guess
    return np.where(p > 0.5, -x, x)


def ndtri(input):  # noqa: A002
    """``torch.special.ndtri``: the standard normal's quantile function (-inf at 0, inf at 1, NaN outside);
    gradient sqrt(2 pi) exp(ndtri(p)^2 / 2)."""
    return elementwise(input, ndtri_values, lambda p, x: math.sqrt(2 * math.pi) * np.exp(x * x / 2))

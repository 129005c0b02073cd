"""The Airy function Ai, as ``torch.special.airy_ai`` (not differentiable, as PyTorch's), in float64 on the host:

- x > 1: Ai(x) = sqrt(x/3) K_(1/3)(z) / pi with z = (2/3) x^(3/2), K from ``bessel.py`` (its integral below 25,
  its asymptotic series above);
- -10 <= x <= 1: Taylor series of the Airy equation y'' = x y about grid points 1/2 apart, whose coefficients
  follow from Ai and Ai' there (a_(k+2) = (x0 a_k + a_(k-1)) / ((k+1)(k+2))); the grid's values are carried
  from Ai(0) = 1 / (3^(2/3) Gamma(2/3)) and Ai'(0) = -1 / (3^(1/3) Gamma(1/3)) by the same series, once;
- x < -10: the asymptotic form (sin(z + pi/4) P - cos(z + pi/4) Q) / (sqrt(pi) |x|^(1/4)), whose smallest term
  is about e^(-2z) (z > 21 there)."""
import math

import numpy as np

from .bessel import _k_scaled_asymptotic, _k_scaled_integral
from .host_elementwise import elementwise

__all__ = ["airy_ai"]

_STEP = 0.5
_GRID = np.arange(-10.0, 1.0 + _STEP, _STEP)  # grid points; every x in [-10, 1] is within 1/4 of one
_TERMS = 40  # (|h| <= 1/4 and |x0| <= 10: the 40th term is far below 1e-17)


def _taylor(x0, value, slope):
    """The Taylor coefficients of the solution of y'' = x y about x0 with y(x0) = value, y'(x0) = slope."""
    a = np.zeros(_TERMS)
    a[0], a[1] = value, slope
    for k in range(_TERMS - 2):
        a[k + 2] = (x0 * a[k] + (a[k - 1] if k else 0.0)) / ((k + 1) * (k + 2))
    return a


def _grid_coefficients():
    """Taylor coefficients about every grid point, carried outward from x = 0 half a step at a time."""
    origin = int(np.argmin(np.abs(_GRID)))
    coefficients = np.zeros((_GRID.size, _TERMS))
    coefficients[origin] = _taylor(0.0, 1 / (3 ** (2 / 3) * math.gamma(2 / 3)),
                                   -1 / (3 ** (1 / 3) * math.gamma(1 / 3)))
    powers = np.arange(_TERMS)
    for direction in (-1, 1):
        index = origin
        while 0 <= index + direction < _GRID.size:
            a, h = coefficients[index], direction * _STEP
            value, slope = a @ h ** powers, (a[1:] * powers[1:]) @ h ** powers[:-1]
            index += direction
            coefficients[index] = _taylor(_GRID[index], value, slope)
    return coefficients


_COEFFICIENTS = None


def _near(x):
    global _COEFFICIENTS
    if _COEFFICIENTS is None:
        _COEFFICIENTS = _grid_coefficients()
    index = np.clip(np.rint((x - _GRID[0]) / _STEP).astype(np.int64), 0, _GRID.size - 1)
    h = x - _GRID[index]
    rows = _COEFFICIENTS[index]
    total = rows[:, -1].copy()
    for k in range(_TERMS - 2, -1, -1):
        total = total * h + rows[:, k]
    return total


def _far_negative(x):
    """Ai(x) for x < -10: (sin(z + pi/4) P - cos(z + pi/4) Q) / (sqrt(pi) |x|^(1/4)), P and Q the even and odd
    parts of sum (-1)^k u_k / z^k with u_k = (2k+1)(2k+3)...(6k-1) / (216^k k!)."""
    magnitude = -x
    z = 2 / 3 * magnitude * np.sqrt(magnitude)
    term, p, q = np.ones_like(z), np.ones_like(z), np.zeros_like(z)
    for k in range(1, 45):
        term = term * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / (216 * k * (2 * k - 1) * z)
        sign = (-1.0) ** (k // 2)
        if k % 2:
            q += sign * term
        else:
            p += sign * term
    sine, cosine = np.sin(z), np.cos(z)
    return ((sine + cosine) * p - (cosine - sine) * q) / (math.sqrt(2 * math.pi) * np.sqrt(np.sqrt(magnitude)))


def _far_positive(x):
    """Ai(x) for x > 1 through K_(1/3)."""
    z = 2 / 3 * x * np.sqrt(x)
    scaled = np.empty_like(z)
    near = z < 25
    scaled[near] = _k_scaled_integral(z[near], 1 / 3)
    scaled[~near] = _k_scaled_asymptotic(z[~near], 1 / 3)
    return np.sqrt(x / 3) / math.pi * scaled * np.exp(-z)


def airy_values(x):
    """Ai of every element; NaN at +-inf and NaN."""
    out = np.full(x.shape, np.nan)
    near = (x >= -10) & (x <= 1)
    if near.any():
        out[near] = _near(x[near])
    left = (x < -10) & np.isfinite(x)
    if left.any():
        out[left] = _far_negative(x[left])
    right = (x > 1) & np.isfinite(x)
    if right.any():
        out[right] = _far_positive(x[right])
    return out  # (NaN at inf too, as PyTorch's; the limit is 0)


def airy_ai(input):  # noqa: A002
    """``torch.special.airy_ai``: the Airy function of the first kind, Ai(x)."""
    return elementwise(input, airy_values, None)

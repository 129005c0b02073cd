"""The oscillating Bessel functions, as ``torch.special``'s (no gradients, as PyTorch's): J0, J1, Y0, Y1 and the
spherical j0, in float64 on the host.

Below |x| = 25 every J_m(x) at once is the trapezoidal rule on J_m(x) = (1/2pi) int e^(i(m t - x sin t)) dt, an
inverse FFT of e^(-i x sin t) over 256 points (exact to rounding for the orders and arguments used), and Y0, Y1
come from Neumann's series in them: Y0 = (2/pi)(log(x/2) + gamma) J0 - (4/pi) sum_k (-1)^k J_2k / k, and Y1 = -Y0'.
Above, Hankel's asymptotic series, whose smallest term is about e^(-2x), with cos and sin of x itself (not of
x - pi/4, whose rounding would move the zeros). Absolute accuracy about 1e-15 (relative near the zeros less)."""
import math

import numpy as np

from .host_elementwise import elementwise

__all__ = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "spherical_bessel_j0"]

_NEAR = 25.0
_POINTS = 256  # more than twice the highest order read (88), so that no order aliases another
_PAIRS = 44  # Neumann's series to J_88: past 25 + 60, J_m(25) < 1e-17
_EULER_GAMMA = 0.57721566490153286061
_CHUNK = 4096  # elements per FFT batch (256 complex values each)


def _all_orders(x):
    """J_m(x) for m = 0 .. 255 (rows: elements), by the trapezoidal rule as one inverse FFT per element."""
    angles = 2 * math.pi * np.arange(_POINTS) / _POINTS
    parts = [np.fft.ifft(np.exp(-1j * np.multiply.outer(x[i:i + _CHUNK], np.sin(angles))), axis=1).real
             for i in range(0, x.size, _CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, _POINTS))


def _near(x):
    """(J0, J1, Y0, Y1) at |x| < 25 (Y's NaN below 0, -inf at 0)."""
    orders = _all_orders(x)
    j0, j1 = orders[:, 0], orders[:, 1]
    k = np.arange(1, _PAIRS + 1)
    signs = (-1.0) ** k / k
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.log(x / 2) + _EULER_GAMMA
        y0 = (2 / math.pi) * log_term * j0 - (4 / math.pi) * (orders[:, 2 * k] @ signs)
        y1 = -(2 / math.pi) * (j0 / x - log_term * j1) + (2 / math.pi) * (
            (orders[:, 2 * k - 1] - orders[:, 2 * k + 1]) @ signs)
    return j0, j1, y0, y1


def _hankel(magnitude, order):
    """Hankel's P and Q series for large x: P = sum (-1)^k a_2k / x^2k, Q = sum (-1)^k a_(2k+1) / x^(2k+1), with
    a_k = prod_j (4 order^2 - (2j - 1)^2) / (k! 8^k)."""
    term, p, q = np.ones_like(magnitude), np.ones_like(magnitude), np.zeros_like(magnitude)
    for k in range(1, 60):
        term = term * (4 * order * order - (2 * k - 1) ** 2) / (8 * k * magnitude)
        sign = (-1.0) ** (k // 2)
        if k % 2:
            q += sign * term
        else:
            p += sign * term
    return p, q


def _far(magnitude, order):
    """(J, Y) of ``order`` at |x| >= 25 from Hankel's series, cos and sin of x - (order/2 + 1/4) pi written with
    cos x and sin x."""
    p, q = _hankel(magnitude, order)
    cos_x, sin_x = np.cos(magnitude), np.sin(magnitude)
    if order == 0:
        cos_chi, sin_chi = (cos_x + sin_x) / math.sqrt(2), (sin_x - cos_x) / math.sqrt(2)
    else:
        cos_chi, sin_chi = (sin_x - cos_x) / math.sqrt(2), -(sin_x + cos_x) / math.sqrt(2)
    scale = np.sqrt(2 / (math.pi * magnitude))
    return scale * (p * cos_chi - q * sin_chi), scale * (p * sin_chi + q * cos_chi)


def bessel(x, kind, order):
    """J_order (kind 'j') or Y_order (kind 'y') of every element: J0 even, J1 odd, Y NaN below 0 and -inf at 0;
    NaN at +-inf, as PyTorch's."""
    out = np.full(x.shape, np.nan)
    magnitude = np.abs(x)
    near = magnitude < _NEAR
    if near.any():
        out[near] = _near(x[near])[{("j", 0): 0, ("j", 1): 1, ("y", 0): 2, ("y", 1): 3}[kind, order]]
    far = (magnitude >= _NEAR) & np.isfinite(x)
    if far.any():
        j, y = _far(magnitude[far], order)
        if kind == "j":
            out[far] = j * (np.sign(x[far]) if order == 1 else 1.0)
        else:
            out[far] = np.where(x[far] > 0, y, np.nan)
    out[magnitude == np.inf] = np.nan  # (PyTorch's value; the limit is 0)
    if kind == "y":
        out[x == 0] = -np.inf
    elif order == 1:
        out[x == 0] = x[x == 0]  # J1 is odd: J1(-0.0) = -0.0
    return out


def bessel_j0(input):  # noqa: A002
    """``torch.special.bessel_j0``: the Bessel function of the first kind, order 0."""
    return elementwise(input, lambda x: bessel(x, "j", 0), None)


def bessel_j1(input):  # noqa: A002
    """``torch.special.bessel_j1``: the Bessel function of the first kind, order 1."""
    return elementwise(input, lambda x: bessel(x, "j", 1), None)


def bessel_y0(input):  # noqa: A002
    """``torch.special.bessel_y0``: the Bessel function of the second kind, order 0 (-inf at 0, NaN below)."""
    return elementwise(input, lambda x: bessel(x, "y", 0), None)


def bessel_y1(input):  # noqa: A002
    """``torch.special.bessel_y1``: the Bessel function of the second kind, order 1 (-inf at 0, NaN below)."""
    return elementwise(input, lambda x: bessel(x, "y", 1), None)


def _spherical_j0(x):
    """sin(x) / x, from its Taylor series below 0.5 (1 - x^2/6 + x^4/120 - ...) where the quotient loses digits."""
    square = x * x
    series = np.ones_like(x)
    for k in range(9, 0, -1):  # 1 - x^2/(2*3) (1 - x^2/(4*5) (1 - ...)): the x^18 term is below 1e-22 at 0.5
        series = 1 - square / ((2 * k) * (2 * k + 1)) * series
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = np.sin(x) / x
    return np.where(np.abs(x) < 0.5, series, np.where(np.isinf(x), 0.0, quotient))


def spherical_bessel_j0(input):  # noqa: A002
    """``torch.special.spherical_bessel_j0``: sin(x) / x, 1 at 0 and 0 at +-inf."""
    return elementwise(input, _spherical_j0, None)

"""Orthogonal polynomials of degree n, as ``torch.special``'s: Chebyshev T, U, V, W (and shifted to [0, 1]),
Hermite H (physicists') and He (probabilists'), Laguerre L and Legendre P. ``input`` and ``n`` broadcast, n is
truncated to an integer, a negative n gives 0. Each follows PyTorch's kernel: its values at the interval's ends,
the trigonometric form (e.g. T_n(x) = cos(n acos x)) inside (-1, 1) above its threshold degree, the three-term
recurrence otherwise; in float64, rounded to the result's dtype. Not differentiable, as in PyTorch."""
import numpy as np

from ..tensor import Tensor, _is_floating, default_float

__all__ = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p"]


def _recurrence(first, degree, step):
    """p_n from p_0 = 1, p_1 = ``first`` and p_(k+1) = step(k, p_k, p_(k-1)), element by element to its own
    degree (at least 1)."""
    previous, current = np.ones_like(first), first.copy()
    for k in range(1, int(degree.max(initial=1))):
        following = step(k, current, previous)
        going = degree > k
        previous, current = np.where(going, current, previous), np.where(going, following, current)
    return current


def _chebyshev(x, degree, kind, threshold):
    """Chebyshev polynomials of the first to fourth kind (T, U, V, W), all with p_(k+1) = 2x p_k - p_(k-1)."""
    angle = np.arccos(np.clip(x, -1, 1))
    n = degree.astype(np.float64)
    odd = degree % 2 == 1
    if kind == "t":
        ends = np.where((x > 0) | ~odd, 1.0, -1.0)
        trigonometric = np.cos(n * angle)
        first = x
    elif kind == "u":
        ends = np.where((x > 0) | ~odd, n + 1, -(n + 1))
        sine = np.sin(angle)
        trigonometric = np.where(sine != 0, np.sin((n + 1) * angle) / np.where(sine != 0, sine, 1),
                                 (n + 1) * np.cos((n + 1) * angle) / x)
        first = x + x
    elif kind == "v":
        ends = np.where(x > 0, 1.0, np.where(odd, -(n + n + 1), n + n + 1))
        half = np.cos(angle / 2)
        trigonometric = np.where(np.sin(angle / 2) != 1, np.cos((n + 0.5) * angle) / np.where(half != 0, half, 1),
                                 np.where(odd, -(n + n + 1), n + n + 1))
        first = x + x - 1
    else:
        ends = np.where(x > 0, n + n + 1, np.where(odd, -1.0, 1.0))
        half = np.sin(angle / 2)
        trigonometric = np.where(np.cos(angle / 2) != 1, np.sin((n + 0.5) * angle) / np.where(half != 0, half, 1),
                                 np.where(x > 0, n + n + 1, np.where(odd, -1.0, 1.0)))
        first = x + x + 1
    recurrence = _recurrence(first, degree, lambda k, p, q: (x + x) * p - q)
    values = np.where(degree == 0, 1.0, np.where(degree == 1, first, recurrence))
    values = np.where((degree > threshold) & (np.abs(x) < 1), trigonometric, values)
    return np.where(np.abs(x) == 1, ends, values)


def _shifted(x, degree, kind, threshold):
    """The Chebyshev polynomials on [0, 1]: p(2x - 1), with PyTorch's values at x = 0 and x = 1."""
    values = _chebyshev(x + x - 1, degree, kind, threshold)
    n = degree.astype(np.float64)
    odd = degree % 2 == 1
    at_one = {"t": 1.0, "u": n + 1, "v": 1.0, "w": n + n + 1}[kind]
    at_zero = {"t": np.where(odd, -1.0, 1.0), "u": np.where(odd, -(n + 1), n + 1),
               "v": np.where(odd, -(n + n + 1), n + n + 1), "w": np.where(odd, -1.0, 1.0)}[kind]
    return np.where(x == 1, at_one, np.where(x == 0, at_zero, values))


def _hermite_h(x, degree):
    first = x + x
    values = _recurrence(first, degree, lambda k, p, q: (x + x) * p - (2 * k) * q)
    return np.where(degree == 0, 1.0, np.where(degree == 1, first, values))


def _hermite_he(x, degree):
    values = _recurrence(x, degree, lambda k, p, q: x * p - k * q)
    return np.where(degree == 0, 1.0, np.where(degree == 1, x, values))


def _laguerre(x, degree):
    first = 1 - x
    values = _recurrence(first, degree, lambda k, p, q: (((k + k) + (1 - x)) * p - k * q) / (k + 1))
    return np.where((degree == 0) | (x == 0), 1.0, np.where(degree == 1, first, values))


def _legendre(x, degree):
    values = _recurrence(x, degree, lambda k, p, q: ((k + k + 1) * x * p - k * q) / (k + 1))
    values = np.where(degree == 0, 1.0, np.where(degree == 1, x, values))
    return np.where(np.abs(x) == 1, np.where((x > 0) | (degree % 2 == 0), 1.0, -1.0), values)


def _polynomial(input, n, evaluate):  # noqa: A002
    """``evaluate(x, degree)`` on ``input`` and ``n`` broadcast (either may be a number), in the promoted
    floating dtype; 0 where n < 0."""
    from ..creation import tensor
    from .dtypes import result_type
    reference = input if isinstance(input, Tensor) else n
    dtype = result_type(input, n)
    dtype = dtype if _is_floating(dtype) else default_float()
    x, degree = (value if isinstance(value, Tensor) else tensor(value, device=reference.device)
                 for value in (input, n))
    x_host, n_host = np.broadcast_arrays(x.detach().cpu().numpy().astype(np.float64),
                                         np.trunc(degree.detach().cpu().numpy().astype(np.float64)))
    degree_host = np.where(np.isfinite(n_host), n_host, -1).astype(np.int64)
    with np.errstate(all="ignore"):
        values = np.where(degree_host < 0, 0.0, evaluate(x_host, np.maximum(degree_host, 0)))
    return tensor(values.astype(dtype), device=reference.device)


def chebyshev_polynomial_t(input, n):  # noqa: A002
    """``torch.special.chebyshev_polynomial_t``: T_n(x), cos(n acos x) inside (-1, 1) from degree 7."""
    return _polynomial(input, n, lambda x, k: _chebyshev(x, k, "t", 6))


def chebyshev_polynomial_u(input, n):  # noqa: A002
    """``torch.special.chebyshev_polynomial_u``: U_n(x), sin((n + 1) t) / sin t inside (-1, 1) from degree 9."""
    return _polynomial(input, n, lambda x, k: _chebyshev(x, k, "u", 8))


def chebyshev_polynomial_v(input, n):  # noqa: A002
    """``torch.special.chebyshev_polynomial_v``: V_n(x), the third kind."""
    return _polynomial(input, n, lambda x, k: _chebyshev(x, k, "v", 8))


def chebyshev_polynomial_w(input, n):  # noqa: A002
    """``torch.special.chebyshev_polynomial_w``: W_n(x), the fourth kind."""
    return _polynomial(input, n, lambda x, k: _chebyshev(x, k, "w", 8))


def shifted_chebyshev_polynomial_t(input, n):  # noqa: A002
    """``torch.special.shifted_chebyshev_polynomial_t``: T_n(2x - 1)."""
    return _polynomial(input, n, lambda x, k: _shifted(x, k, "t", 6))


def shifted_chebyshev_polynomial_u(input, n):  # noqa: A002
    """``torch.special.shifted_chebyshev_polynomial_u``: U_n(2x - 1)."""
    return _polynomial(input, n, lambda x, k: _shifted(x, k, "u", 6))


def shifted_chebyshev_polynomial_v(input, n):  # noqa: A002
    """``torch.special.shifted_chebyshev_polynomial_v``: V_n(2x - 1)."""
    return _polynomial(input, n, lambda x, k: _shifted(x, k, "v", 6))


def shifted_chebyshev_polynomial_w(input, n):  # noqa: A002
    """``torch.special.shifted_chebyshev_polynomial_w``: W_n(2x - 1)."""
    return _polynomial(input, n, lambda x, k: _shifted(x, k, "w", 4))


def hermite_polynomial_h(input, n):  # noqa: A002
    """``torch.special.hermite_polynomial_h``: the physicists' Hermite polynomial H_n(x)."""
    return _polynomial(input, n, _hermite_h)


def hermite_polynomial_he(input, n):  # noqa: A002
    """``torch.special.hermite_polynomial_he``: the probabilists' Hermite polynomial He_n(x)."""
    return _polynomial(input, n, _hermite_he)


def laguerre_polynomial_l(input, n):  # noqa: A002
    """``torch.special.laguerre_polynomial_l``: the Laguerre polynomial L_n(x) (1 at x = 0)."""
    return _polynomial(input, n, _laguerre)


def legendre_polynomial_p(input, n):  # noqa: A002
    """``torch.special.legendre_polynomial_p``: the Legendre polynomial P_n(x)."""
    return _polynomial(input, n, _legendre)

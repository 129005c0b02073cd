"""The Hurwitz zeta function zeta(s, q) = sum over k >= 0 of (q + k)^-s, as ``torch.special.zeta``, and through it
``polygamma`` of every order: psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x), as PyTorch computes it.

zeta is summed as Cephes does (PyTorch's kernel): the first terms directly (at least 9, and until q + k > 9),
then the Euler-Maclaurin tail with up to 12 Bernoulli corrections, each step stopping once its term no longer
changes the sum; in float64, the result cast back. PyTorch's special values: inf at s = 1 and at q a non-positive
integer, NaN for s < 1 and for a negative q with a non-integer s. Its gradient with respect to q is
-s zeta(s + 1, q); with respect to s PyTorch has none, and neither has minigrad (the same error)."""
import math

import numpy as np

from ..autograd import Function
from .elementwise import _operands
from .elementwise import floating

__all__ = ["zeta", "polygamma_of_order"]

# (2j)! / B_2j for j = 1..12, from the Bernoulli numbers B_2 .. B_24 as (numerator, denominator)
_BERNOULLI = [(1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6), (-3617, 510), (43867, 798),
              (-174611, 330), (854513, 138), (-236364091, 2730)]
_DIVISORS = [math.factorial(2 * j) * d / n for j, (n, d) in enumerate(_BERNOULLI, start=1)]
_EPS = np.finfo(np.float64).eps / 2  # Cephes' MACHEP


def hurwitz_zeta(s, q):
    """zeta(s, q) of float64 numpy arrays (broadcast), with PyTorch's special values."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    out = np.full(s.shape, np.nan)
    pole = (s == 1) | ((q <= 0) & (q == np.floor(q)))
    domain = (s < 1) | ((q < 0) & (q != np.floor(q)) & (s != np.floor(s))) | np.isnan(s) | np.isnan(q)
    out[pole & ~(s < 1)] = np.inf
    work = ~pole & ~domain
    far = work & (q > 1e8)
    with np.errstate(all="ignore"):
        out[far] = (1 / (s[far] - 1) + 1 / (2 * q[far])) * q[far] ** (1 - s[far])
        work &= ~far
        x, a = s[work], q[work].copy()
        total = a ** -x
        b = np.zeros_like(a)
        active = np.ones(a.shape, bool)  # still summing terms directly
        finished = np.zeros(a.shape, bool)  # converged in that phase
        count = 0
        while active.any():
            count += 1
            a = np.where(active, a + 1, a)
            b = np.where(active, a ** -x, b)
            total = np.where(active, total + b, total)
            converged = active & (np.abs(b / total) < _EPS)
            finished |= converged
            active &= ~converged & ((count < 9) | (a <= 9.0))
        tail = ~finished
        w = a
        total = np.where(tail, total + b * w / (x - 1) - 0.5 * b, total)
        factor, k = np.ones_like(a), np.zeros_like(a)
        for divisor in _DIVISORS:
            if not tail.any():
                break
            factor = factor * (x + k)
            b = b / w
            term = factor * b / divisor
            total = np.where(tail, total + term, total)
            tail &= ~(np.abs(term / total) < _EPS)
            k = k + 1
            factor = factor * (x + k)
            b = b / w
            k = k + 1
    out[work] = total
    return out


class Zeta(Function):
    def forward(self, s, q):
        B = self.B
        self.save_for_backward(s, q)
        return B.from_numpy(hurwitz_zeta(B.to_numpy(s), B.to_numpy(q)).astype(np.dtype(s.dtype)))

    def backward(self, g):
        B, (s, q) = self.B, self.saved
        if self.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        s_values = B.to_numpy(s).astype(np.float64)
        slope = -s_values * hurwitz_zeta(s_values + 1, B.to_numpy(q))
        return None, B.mul(g, B.from_numpy(slope.astype(np.dtype(q.dtype))))


def zeta(input, other):  # noqa: A002
    """``torch.special.zeta(x, q)``: the Hurwitz zeta function, broadcasting."""
    s, q = _operands(input, other)
    s, q = floating(s), floating(q)
    shape = np.broadcast_shapes(tuple(s.shape), tuple(q.shape))
    return Zeta.apply(s.expand(*shape) if tuple(s.shape) != shape else s,
                      q.expand(*shape) if tuple(q.shape) != shape else q)


class Polygamma(Function):
    """psi^(n)(x) for n >= 1 from zeta; its derivative psi^(n+1)(x)."""

    def forward(self, x, order):
        self.order = order
        self.save_for_backward(x)
        return self.B.from_numpy(_polygamma(order, self.B.to_numpy(x), x.dtype))

    def backward(self, g):
        B, x = self.B, self.saved[0]
        return B.mul(g, B.from_numpy(_polygamma(self.order + 1, B.to_numpy(x), x.dtype)))


def _polygamma(order, x, dtype):
    """The values in float64, rounded to ``dtype`` (beyond its range, inf, silently, as PyTorch's)."""
    sign = 1.0 if order % 2 else -1.0
    with np.errstate(over="ignore"):
        return (sign * math.exp(math.lgamma(order + 1.0)) * hurwitz_zeta(order + 1.0, x)).astype(np.dtype(dtype))


def polygamma_of_order(order, input):  # noqa: A002
    """``torch.polygamma(n, x)`` for n >= 1 (differentiable to any order)."""
    return Polygamma.apply(floating(input), order=order)


METHODS = {}

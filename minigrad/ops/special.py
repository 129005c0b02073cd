"""Special functions, as PyTorch's: logit, xlogy, sinc, logaddexp, logaddexp2 written with the differentiable
elementwise ops; lgamma, digamma, polygamma (orders 0 and 1), erfinv, mvlgamma on the backends' special kernels
(and ``minigrad.special``'s names for them and for erf, erfc, expm1...)."""
import math

import numpy as np

from ..autograd import Function
from .compare import where
from .ternary import addcmul
from .elementwise import _operands, log1p, exp, maximum, abs as absolute
from .elementwise import float_operands, floating
from .unary import exp2

__all__ = ["logit", "xlogy", "sinc", "logaddexp", "logaddexp2", "lgamma", "digamma", "polygamma", "erfinv",
           "mvlgamma"]


class Logit(Function):
    def forward(self, x, eps):
        B = self.B
        self.save_for_backward(x)
        self.low = None if eps is None else B.scalar(eps, x.dtype)
        z = x
        if eps is not None:
            self.high = B.sub(B.scalar(1, x.dtype), self.low)  # 1 - eps in the tensor's dtype, as PyTorch's
            z = B.where(B.less(x, self.low), self.low, B.where(B.greater(x, self.high), self.high, x))
        return B.log(B.div(z, B.sub(B.scalar(1, x.dtype), z)))

    def backward(self, g):
        """g / (x (1 - x)); outside [0, 1] NaN, or 0 outside [eps, 1 - eps] when eps is given (PyTorch's)."""
        B, x = self.B, self.saved[0]
        slope = B.div(g, B.mul(x, B.sub(B.scalar(1, x.dtype), x)))
        if self.low is None:
            outside = B.bitwise_or(B.less(x, B.scalar(0, x.dtype)), B.greater(x, B.scalar(1, x.dtype)))
            return B.where(outside, B.scalar(float("nan"), g.dtype), slope)
        outside = B.bitwise_or(B.less(x, self.low), B.greater(x, self.high))
        return B.where(outside, B.scalar(0, g.dtype), slope)


def logit(input, eps=None):  # noqa: A002
    """``torch.logit``: log(z / (1 - z)) with z the input clamped to [eps, 1 - eps] when ``eps`` is given (no
    gradient outside that range), NaN outside [0, 1] otherwise (its gradient too)."""
    return Logit.apply(floating(input), eps=eps)


def _backend_xlogy(B, x, y):
    """x log(y), and 0 where x is 0 and y is not NaN."""
    zero = B.scalar(0, x.dtype)
    x_is_zero = B.bitwise_and(B.equal(x, zero), B.equal(y, y))
    return B.where(x_is_zero, zero, B.mul(x, B.log(y)))


class XLogY(Function):
    def forward(self, x, y):
        self.save_for_backward(x, y)
        return _backend_xlogy(self.B, x, y)

    def backward(self, g):
        """d/dx: g log(y), written as xlogy(g, y) and 0 where x is 0 and y <= 0; d/dy: g x / y (PyTorch's)."""
        B, (x, y) = self.B, self.saved
        zero = B.scalar(0, x.dtype)
        gx = gy = None
        if self.needs_input_grad[0]:
            no_slope = B.bitwise_and(B.equal(x, zero), B.less_equal(y, zero))
            gx = B.sum_to_shape(B.where(no_slope, zero, _backend_xlogy(B, g, y)), x.shape)
        if self.needs_input_grad[1]:
            gy = B.sum_to_shape(B.div(B.mul(g, x), y), y.shape)
        return gx, gy


def xlogy(input, other):  # noqa: A002
    """``torch.xlogy``: input * log(other), 0 where input is 0 (unless other is NaN), broadcasting."""
    return XLogY.apply(*float_operands(input, other))


class Sinc(Function):
    def forward(self, x):
        B = self.B
        self.save_for_backward(x)
        scaled = B.mul(x, B.scalar(math.pi, x.dtype))
        return B.where(B.equal(x, B.scalar(0, x.dtype)), B.scalar(1, x.dtype), B.div(B.sin(scaled), scaled))

    def backward(self, g):
        """g (pi x cos(pi x) - sin(pi x)) / (pi x^2), and 0 where pi x^2 is 0 (at 0, or underflow), PyTorch's."""
        B, x = self.B, self.saved[0]
        scaled = B.mul(x, B.scalar(math.pi, x.dtype))
        squared = B.mul(B.mul(x, x), B.scalar(math.pi, x.dtype))
        slope = B.div(B.mul(g, B.sub(B.mul(scaled, B.cos(scaled)), B.sin(scaled))), squared)
        return B.where(B.equal(squared, B.scalar(0, x.dtype)), B.scalar(0, g.dtype), slope)


def sinc(input):  # noqa: A002
    """``torch.sinc``: sin(pi x) / (pi x), and 1 at 0 (gradient 0 there); float16 computed in float32, as
    PyTorch's (pi x rounded to float16 misses the zeros at the integers)."""
    if input.dtype == np.float16:
        return Sinc.apply(input.float()).half()
    return Sinc.apply(floating(input))


def _log_add(a, b, power, scale):
    a, b = _operands(a, b)
    a, b = floating(a), floating(b)
    larger = maximum(a, b)
    rest = log1p(power(-absolute(a - b)))
    # PyTorch's kernel adds the scaled rest in one fused multiply-add (its product not rounded)
    out = larger + rest if scale == 1 else addcmul(larger, rest, scale)
    # both +inf or both -inf: the formula's inf - inf would be NaN
    return where(a.isinf() & (a == b), a, out)


def logaddexp(input, other):  # noqa: A002
    """``torch.logaddexp``: log(exp(a) + exp(b)) without overflow."""
    return _log_add(input, other, exp, 1)


def logaddexp2(input, other):  # noqa: A002
    """``torch.logaddexp2``: log2(2^a + 2^b) without overflow."""
    return _log_add(input, other, exp2, 1 / math.log(2))





class _SpecialFunction(Function):
    """A backend special function of x; its derivative another (``derivative``: a backend function name)."""

    def forward(self, a, kernel, derivative):
        self.derivative = derivative
        self.save_for_backward(a)
        return getattr(self.B, kernel)(a)

    def backward(self, g):
        B, x = self.B, self.saved[0]
        if self.derivative is None:  # trigamma's: polygamma(2, x), from the Hurwitz zeta function
            from .zeta import _polygamma
            return B.mul(g, B.from_numpy(_polygamma(2, B.to_numpy(x), x.dtype)))
        return B.mul(g, getattr(B, self.derivative)(x))


def lgamma(input):  # noqa: A002
    """``torch.lgamma``: log |Gamma(x)| (inf at the poles); its gradient digamma(x)."""
    return _SpecialFunction.apply(floating(input), kernel="lgamma", derivative="digamma")


def digamma(input):  # noqa: A002
    """``torch.digamma`` (``special.psi``): Gamma'(x) / Gamma(x), -inf at +0, NaN at the negative integers; its
    gradient polygamma(1, x)."""
    return _SpecialFunction.apply(floating(input), kernel="digamma", derivative="trigamma")


def polygamma(n, input):  # noqa: A002
    """``torch.polygamma``: digamma for n = 0, trigamma (the backends' kernel) for n = 1, and for n >= 2
    (-1)^(n+1) n! zeta(n + 1, x) as PyTorch's (ops/zeta.py); differentiable to any order."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    if n == 1:
        return _SpecialFunction.apply(floating(input), kernel="trigamma", derivative=None)
    from .zeta import polygamma_of_order
    return polygamma_of_order(n, input)


class Erfinv(Function):
    def forward(self, a):
        out = self.B.erfinv(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        """sqrt(pi) / 2 * exp(erfinv(x)^2), from the output."""
        B, out = self.B, self.saved[0]
        return B.mul(g, B.mul(B.scalar(math.sqrt(math.pi) / 2, g.dtype), B.exp(B.mul(out, out))))


def erfinv(input):  # noqa: A002
    """``torch.erfinv``: the inverse of erf on (-1, 1), +-inf at +-1, NaN beyond."""
    return Erfinv.apply(floating(input))


def mvlgamma(input, p):  # noqa: A002
    """``torch.mvlgamma``: the multivariate log-gamma of dimension p, sum of lgamma(x - i/2) + p(p-1)/4 log pi."""
    if bool((input <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    x = floating(input)
    total = lgamma(x)
    for i in range(1, p):
        total = total + lgamma(x - i / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


METHODS = {name: globals()[name] for name in __all__ if name != "polygamma"}
METHODS["polygamma"] = lambda self, n: polygamma(n, self)

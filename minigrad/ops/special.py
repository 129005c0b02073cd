"""Special functions written with the differentiable elementwise ops, as PyTorch's: logit, xlogy, sinc,
logaddexp, logaddexp2 (and ``minigrad.special``'s names for them and for erf, erfc, expm1...)."""
import math

from ..autograd import Function
from .compare import where
from .ternary import addcmul
from .elementwise import _operands, clamp, log, log1p, exp, maximum, abs as absolute
from .unary import _floating, sin, exp2

__all__ = ["logit", "xlogy", "sinc", "logaddexp", "logaddexp2"]


def logit(input, eps=None):  # noqa: A002
    """``torch.logit``: log(z / (1 - z)) with z the input clamped to [eps, 1 - eps] when ``eps`` is given (no
    gradient outside that range), NaN outside [0, 1] otherwise."""
    z = _floating(input)
    if eps is not None:
        z = clamp(z, eps, 1 - eps)
    return log(z / (1 - z))


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
    x, y = _operands(input, other)
    return XLogY.apply(_floating(x), _floating(y))


def sinc(input):  # noqa: A002
    """``torch.sinc``: sin(pi x) / (pi x), and 1 at 0 (gradient 0 there)."""
    x = _floating(input)
    scaled = x * math.pi
    return where(x == 0, 1.0, sin(scaled) / scaled)


def _log_add(a, b, power, scale):
    a, b = _operands(a, b)
    a, b = _floating(a), _floating(b)
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


METHODS = {name: globals()[name] for name in __all__}

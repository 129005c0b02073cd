"""Trigonometric and hyperbolic functions beyond sin and cos (unary.py), and their inverses, as PyTorch's: tan,
asin, acos, atan, atan2, sinh, cosh, asinh, acosh, atanh, hypot, deg2rad, rad2deg. Integer inputs give float32.
Each gradient is PyTorch's formula (tan's from its output)."""
import math

from ..autograd import Function
from .elementwise import float_operands
from .elementwise import floating

__all__ = ["tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "hypot", "deg2rad",
           "rad2deg"]


class Tan(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.tan(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        B, out = self.B, self.saved[0]
        return B.mul(g, B.add(B.mul(out, out), B.scalar(1, out.dtype)))


class _FromInput(Function):
    """A function of x whose derivative is a function of x: ``kernel`` forward, ``derivative(B, x)`` backward."""

    supports_complex = holomorphic = True

    def forward(self, a, kernel, derivative):
        self.derivative = derivative
        self.save_for_backward(a)
        return getattr(self.B, kernel)(a)

    def backward(self, g):
        return self.B.mul(g, self.derivative(self.B, self.saved[0]))


def _one_minus_square(B, x):
    return B.sub(B.scalar(1, x.dtype), B.mul(x, x))


def _asin_derivative(B, x):  # 1 / sqrt(1 - x^2)
    return B.div(B.scalar(1, x.dtype), B.sqrt(_one_minus_square(B, x)))


def _acos_derivative(B, x):  # -1 / sqrt(1 - x^2)
    return B.neg(_asin_derivative(B, x))


def _atan_derivative(B, x):  # 1 / (1 + x^2)
    return B.div(B.scalar(1, x.dtype), B.add(B.mul(x, x), B.scalar(1, x.dtype)))


def _asinh_derivative(B, x):  # 1 / sqrt(x^2 + 1)
    return B.div(B.scalar(1, x.dtype), B.sqrt(B.add(B.mul(x, x), B.scalar(1, x.dtype))))


def _acosh_derivative(B, x):  # 1 / sqrt(x^2 - 1)
    return B.div(B.scalar(1, x.dtype), B.sqrt(B.sub(B.mul(x, x), B.scalar(1, x.dtype))))


def _atanh_derivative(B, x):  # 1 / (1 - x^2)
    return B.div(B.scalar(1, x.dtype), _one_minus_square(B, x))


def tan(input):  # noqa: A002
    """``torch.tan``; the gradient g (1 + tan^2), from the output."""
    return Tan.apply(floating(input))


def asin(input):  # noqa: A002
    """``torch.asin`` (alias ``arcsin``): NaN outside [-1, 1]."""
    return _FromInput.apply(floating(input), kernel="arcsin", derivative=_asin_derivative)


def acos(input):  # noqa: A002
    """``torch.acos`` (alias ``arccos``): NaN outside [-1, 1]."""
    return _FromInput.apply(floating(input), kernel="arccos", derivative=_acos_derivative)


def atan(input):  # noqa: A002
    """``torch.atan`` (alias ``arctan``)."""
    return _FromInput.apply(floating(input), kernel="arctan", derivative=_atan_derivative)


def sinh(input):  # noqa: A002
    """``torch.sinh``; the gradient g cosh(x)."""
    return _FromInput.apply(floating(input), kernel="sinh", derivative=lambda B, x: B.cosh(x))


def cosh(input):  # noqa: A002
    """``torch.cosh``; the gradient g sinh(x)."""
    return _FromInput.apply(floating(input), kernel="cosh", derivative=lambda B, x: B.sinh(x))


def asinh(input):  # noqa: A002
    """``torch.asinh`` (alias ``arcsinh``)."""
    return _FromInput.apply(floating(input), kernel="arcsinh", derivative=_asinh_derivative)


def acosh(input):  # noqa: A002
    """``torch.acosh`` (alias ``arccosh``): NaN below 1."""
    return _FromInput.apply(floating(input), kernel="arccosh", derivative=_acosh_derivative)


def atanh(input):  # noqa: A002
    """``torch.atanh`` (alias ``arctanh``): +-inf at +-1, NaN beyond."""
    return _FromInput.apply(floating(input), kernel="arctanh", derivative=_atanh_derivative)


class Atan2(Function):
    def forward(self, y, x):
        self.save_for_backward(y, x)
        return self.B.arctan2(y, x)

    def backward(self, g):
        """d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2), each summed back over broadcasting; 0 where the
        squares sum to 0 (the origin, or underflow), as PyTorch's."""
        B, (y, x) = self.B, self.saved
        squares = B.add(B.mul(y, y), B.mul(x, x))
        zero = B.scalar(0, squares.dtype)
        reciprocal = B.where(B.equal(squares, zero), zero, B.div(B.scalar(1, squares.dtype), squares))
        gy = B.sum_to_shape(B.mul(B.mul(g, x), reciprocal), y.shape) if self.needs_input_grad[0] else None
        gx = B.sum_to_shape(B.mul(B.mul(g, B.neg(y)), reciprocal), x.shape) if self.needs_input_grad[1] else None
        return gy, gx


class Hypot(Function):
    def forward(self, a, b):
        out = self.B.hypot(a, b)
        self.save_for_backward(a, b, out)
        return out

    def backward(self, g):
        """d/da = a / hypot(a, b), d/db = b / hypot(a, b)."""
        B, (a, b, out) = self.B, self.saved
        scale = B.div(g, out)
        ga = B.sum_to_shape(B.mul(scale, a), a.shape) if self.needs_input_grad[0] else None
        gb = B.sum_to_shape(B.mul(scale, b), b.shape) if self.needs_input_grad[1] else None
        return ga, gb


def atan2(input, other):  # noqa: A002
    """``torch.atan2`` (alias ``arctan2``): the angle of the point (other, input), in (-pi, pi], broadcasting."""
    return Atan2.apply(*float_operands(input, other))


def hypot(input, other):  # noqa: A002
    """``torch.hypot``: sqrt(input^2 + other^2) without overflow, broadcasting."""
    return Hypot.apply(*float_operands(input, other))


def deg2rad(input):  # noqa: A002
    """``torch.deg2rad``: times pi / 180."""
    return floating(input) * (math.pi / 180)


def rad2deg(input):  # noqa: A002
    """``torch.rad2deg``: times 180 / pi."""
    return floating(input) * (180 / math.pi)


METHODS = {name: globals()[name] for name in __all__}

"""Unary math, as PyTorch's: rounding (floor ceil round trunc), sin cos, erf expm1, log2 log10 exp2, reciprocal
rsqrt square, nan_to_num.

Rounding keeps an integer tensor's dtype (a copy, as PyTorch); the others give an integer tensor's result in
float32, PyTorch's default dtype. Each gradient is PyTorch's formula, written from the saved output where
PyTorch's is."""
import math

import numpy as np

from ..autograd import Function
from ..tensor import _is_floating
from .elementwise import floating

__all__ = ["floor", "ceil", "round", "trunc", "fix", "frac", "sin", "cos", "erf", "erfc", "expm1", "log2", "log10",
           "exp2",
           "reciprocal", "rsqrt", "square", "nan_to_num", "sgn", "heaviside"]


class _Rounding(Function):
    """floor, ceil, rint or trunc of the backend; the gradient is zero everywhere, as PyTorch's."""

    def forward(self, a, kernel):
        return getattr(self.B, kernel)(a)

    def backward(self, g):
        return self.B.mul(g, self.B.scalar(0, g.dtype))


def _rounded(a, kernel):
    from .complex_numbers import refuse_complex
    refuse_complex(a, {"rint": '"round_vml_cpu" not implemented for {!r}'}.get(
        kernel, f"{kernel} is not supported for complex inputs"))
    if not _is_floating(a.dtype):
        return a.clone()
    return _Rounding.apply(a, kernel=kernel)


def floor(input):  # noqa: A002
    """``torch.floor``: the largest integer not above each element (an integer tensor is returned as a copy)."""
    return _rounded(input, "floor")


def ceil(input):  # noqa: A002
    """``torch.ceil``: the smallest integer not below each element."""
    return _rounded(input, "ceil")


def trunc(input):  # noqa: A002
    """``torch.trunc`` (alias ``torch.fix``): rounded toward zero."""
    return _rounded(input, "trunc")


fix = trunc


def frac(input):  # noqa: A002
    """``torch.frac``: x - trunc(x), the sign of x kept; its gradient is 1, as PyTorch's."""
    return input - trunc(input).detach()


def sgn(input):  # noqa: A002
    """``torch.sgn``: z / |z| (0 at 0) for complex tensors, ``sign`` for real ones."""
    if input.dtype.kind == "c":
        from .complex_numbers import ComplexSign
        return ComplexSign.apply(input)
    from .integer import sign
    return sign(input)


def heaviside(input, values):  # noqa: A002
    """``torch.heaviside``: 0 where input < 0, 1 where input > 0, ``values`` where input is 0."""
    from .compare import where
    if input.dtype != values.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes, got "
                           f"{input.dtype} and {values.dtype}")
    step = where(input > 0, 1, 0).to(input.dtype)
    return where(input == 0, values, step)


def round(input, decimals=0):  # noqa: A001,A002
    """``torch.round``: to the nearest integer, halves to the even one (0.5 -> 0, 1.5 -> 2, -0.5 -> -0); with
    ``decimals``, x * 10^decimals is rounded and divided back (for a negative count, x / 10^-decimals and
    multiplied back), as PyTorch computes it."""
    if decimals == 0 or not _is_floating(input.dtype):
        return _rounded(input, "rint")
    scale = 10.0 ** abs(decimals)
    if decimals > 0:
        return _rounded(input * scale, "rint") / scale
    return _rounded(input / scale, "rint") * scale


class Sin(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.sin(a)

    def backward(self, g):
        return self.B.mul(g, self.B.cos(self.saved[0]))


class Cos(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.cos(a)

    def backward(self, g):
        return self.B.mul(g, self.B.neg(self.B.sin(self.saved[0])))


def sin(input):  # noqa: A002
    """``torch.sin``."""
    return Sin.apply(floating(input))


def cos(input):  # noqa: A002
    """``torch.cos``."""
    return Cos.apply(floating(input))


class Erf(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.B.erf(a)

    def backward(self, g):
        B, a = self.B, self.saved[0]
        # d erf(x)/dx = 2/sqrt(pi) exp(-x^2)
        return B.mul(g, B.mul(B.scalar(2 / math.sqrt(math.pi), g.dtype), B.exp(B.neg(B.mul(a, a)))))


def erf(input):  # noqa: A002
    """``torch.erf``: the error function."""
    return Erf.apply(floating(input))


class Erfc(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.B.erfc(a)

    def backward(self, g):
        B, a = self.B, self.saved[0]
        return B.mul(g, B.mul(B.scalar(-2 / math.sqrt(math.pi), g.dtype), B.exp(B.neg(B.mul(a, a)))))


def erfc(input):  # noqa: A002
    """``torch.erfc``: 1 - erf(x), without the cancellation for large x."""
    return Erfc.apply(floating(input))


class Expm1(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.expm1(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        out = self.saved[0]
        return self.B.mul(g, self.B.add(out, self.B.scalar(1, out.dtype)))


def expm1(input):  # noqa: A002
    """``torch.expm1``: exp(x) - 1, exact for small x."""
    return Expm1.apply(floating(input))


class _BaseLog(Function):
    """log2 or log10; the gradient g / (x ln base), as PyTorch's."""

    supports_complex = holomorphic = True

    def forward(self, a, kernel, log_of_base):
        self.log_of_base = log_of_base
        self.save_for_backward(a)
        return getattr(self.B, kernel)(a)

    def backward(self, g):
        a = self.saved[0]
        return self.B.div(g, self.B.mul(a, self.B.scalar(self.log_of_base, a.dtype)))


def log2(input):  # noqa: A002
    """``torch.log2``."""
    return _BaseLog.apply(floating(input), kernel="log2", log_of_base=0.6931471805599453)


def log10(input):  # noqa: A002
    """``torch.log10``."""
    return _BaseLog.apply(floating(input), kernel="log10", log_of_base=2.302585092994046)


class Exp2(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.exp2(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        out = self.saved[0]
        return self.B.mul(self.B.mul(g, out), self.B.scalar(0.6931471805599453, out.dtype))


def exp2(input):  # noqa: A002
    """``torch.exp2``: 2 ** x."""
    return Exp2.apply(floating(input))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """``torch.nan_to_num``: NaN, inf and -inf replaced (by 0 and the dtype's largest and lowest finite values by
    default); the gradient passes where the input was finite, as PyTorch's."""
    from .compare import where
    if input.dtype.kind == "c":  # each part on its own, as PyTorch's
        from .complex_numbers import complex_from_parts
        return complex_from_parts(*(nan_to_num(part, nan, posinf, neginf) for part in (input.real, input.imag)))
    if not _is_floating(input.dtype):
        return input.clone()
    info = np.finfo(input.dtype)
    out = where(input.isnan(), nan, input)
    out = where(input == np.inf, float(info.max) if posinf is None else posinf, out)
    return where(input == -np.inf, float(info.min) if neginf is None else neginf, out)


class Reciprocal(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.div(self.B.scalar(1, a.dtype), a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        out = self.saved[0]
        return self.B.mul(g, self.B.neg(self.B.mul(out, out)))


def reciprocal(input):  # noqa: A002
    """``torch.reciprocal``: 1 / x (inf at 0); its gradient -g / x^2 is taken from the output, as PyTorch's."""
    return Reciprocal.apply(floating(input))


class Rsqrt(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.div(self.B.scalar(1, a.dtype), self.B.sqrt(a))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        B, out = self.B, self.saved[0]
        return B.mul(B.mul(g, B.scalar(-0.5, g.dtype)), B.mul(out, B.mul(out, out)))


def rsqrt(input):  # noqa: A002
    """``torch.rsqrt``: 1 / sqrt(x); gradient -g/2 * rsqrt(x)^3, from the output."""
    return Rsqrt.apply(floating(input))


def square(input):  # noqa: A002
    """``torch.square``: x * x, in x's dtype (an integer stays an integer, a bool becomes int64 as PyTorch's
    pow(x, 2))."""
    if input.dtype == np.bool_:
        input = input.long()
    return input * input


METHODS = {"floor": floor, "ceil": ceil, "round": round, "trunc": trunc, "fix": fix, "frac": frac, "sgn": sgn,
           "heaviside": heaviside, "sin": sin, "cos": cos,
           "erf": erf, "erfc": erfc, "expm1": expm1, "log2": log2, "log10": log10, "exp2": exp2,
           "reciprocal": reciprocal,
           "rsqrt": rsqrt, "square": square, "nan_to_num": nan_to_num}

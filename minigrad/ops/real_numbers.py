"""Ops on the parts of real numbers, as PyTorch's: copysign, ldexp, frexp, nextafter, angle; and the complex-number
names (conj, resolve_conj, resolve_neg, real, imag), which send complex tensors to complex_numbers.py.

copysign, ldexp and angle are compositions of differentiable ops, so their gradients are PyTorch's (copysign's
input gets ±1 where it is non-zero and 0 at zero; angle's is zero); frexp and nextafter are not differentiable, as
in PyTorch.
"""
import math

import numpy as np

from .. import return_types
from ..autograd import Function
from ..creation import tensor
from ..tensor import _is_floating, int32
from . import complex_numbers
from .elementwise import _operands
from .elementwise import float_operands, floating

__all__ = ["copysign", "ldexp", "frexp", "nextafter", "angle", "conj", "conj_physical", "resolve_conj",
           "resolve_neg", "real", "imag"]


FrexpResult = return_types.frexp


class CopySign(Function):
    """|a| with the sign bit of b; the gradient for a is g * result / a (0 where a is 0), PyTorch's formula (so
    NaN at an infinite a), and zero for b."""

    def forward(self, a, b):
        B = self.B
        magnitude = B.abs(a)
        out = B.where(B.signbit(b), B.neg(magnitude), magnitude)
        self.save_for_backward(a, out)
        self.shape, self.b_shape = a.shape, b.shape
        return out

    def backward(self, g):
        B = self.B
        a, out = self.saved
        zero = B.scalar(0, a.dtype)
        ratio = B.where(B.equal(a, zero), zero, B.div(out, B.where(B.equal(a, zero), B.scalar(1, a.dtype), a)))
        zeros = B.zeros(self.b_shape, g.dtype) if self.needs_input_grad[1] else None  # PyTorch's: zeros for b
        return B.sum_to_shape(B.mul(g, ratio), self.shape), zeros


def copysign(input, other):  # noqa: A002
    """``torch.copysign``: |input| with the sign of ``other`` (a -0.0 counts as negative); integers give floats."""
    return CopySign.apply(*float_operands(input, other))


def ldexp(input, other):  # noqa: A002
    """``torch.ldexp``: input * 2**other, in floating point. (The gradient for input is 2**other; PyTorch 2.13's
    is 0 where an integer exponent is negative, from computing 2**other in integers: a divergence in README.)"""
    a, b = _operands(input, other)
    return floating(a) * (2.0 ** floating(b))


def frexp(input):  # noqa: A002
    """``torch.frexp``: (mantissa, exponent) with input = mantissa * 2**exponent, 0.5 <= |mantissa| < 1; the
    exponent is int32."""
    if not _is_floating(input.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(input.detach().cpu().numpy())
    return FrexpResult(tensor(mantissa, device=input.device), tensor(exponent.astype(int32), device=input.device))


def nextafter(input, other):  # noqa: A002
    """``torch.nextafter``: the next floating-point value after input towards other."""
    a, b = _operands(input, other)
    result = np.nextafter(a.detach().cpu().numpy(), b.detach().cpu().numpy().astype(a.dtype))
    return tensor(result, device=a.device)


class Angle(Function):
    """The argument of a real number: 0 for x >= 0, pi for x < 0, NaN for NaN; its gradient is zero, as
    PyTorch's for real tensors."""

    def forward(self, a):
        B = self.B
        zero, pi = B.scalar(0, a.dtype), B.scalar(math.pi, a.dtype)
        self.shape = a.shape
        return B.where(B.less(a, zero), pi, B.where(B.not_equal(a, a), a, zero))

    def backward(self, g):
        return self.B.zeros(self.shape, g.dtype)


def angle(input):  # noqa: A002
    """``torch.angle``: of a complex tensor, arg z (real); of a real one, 0 where it is >= 0, pi where negative,
    NaN kept, gradient zero."""
    if input.dtype.kind == "c":
        return complex_numbers.argument(input)
    return Angle.apply(floating(input))


def conj(input):  # noqa: A002
    """``torch.conj``: a complex tensor's conjugate; a real tensor itself, as PyTorch returns it."""
    return complex_numbers.conjugate(input) if input.dtype.kind == "c" else input


def resolve(input):  # noqa: A002
    """``torch.resolve_conj``/``resolve_neg``: the tensor itself (minigrad's conjugates are never lazy)."""
    return input


def real(input):  # noqa: A002
    """``torch.real``: a view of a complex tensor's real parts; a real tensor itself."""
    return complex_numbers.real_part(input) if input.dtype.kind == "c" else input


def imag(input):  # noqa: A002
    """``torch.imag``: a view of a complex tensor's imaginary parts; PyTorch's error for a real tensor."""
    if input.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return complex_numbers.imag_part(input)


conj_physical = conj
resolve_conj = resolve_neg = resolve


METHODS = {"copysign": copysign, "ldexp": ldexp, "frexp": frexp, "nextafter": nextafter,
           "angle": angle, "conj": conj, "conj_physical": conj, "resolve_conj": resolve, "resolve_neg": resolve,
           "real": property(real), "imag": property(imag)}

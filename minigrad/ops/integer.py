"""Integer and logical ops: ``//``, ``%``, ``~ & | ^``, ``logical_and/or/not/xor``, ``isnan``, ``isinf``, as PyTorch's."""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor, _is_floating, bool_
from .elementwise import _number_as_tensor, _operands, _check_broadcast, _Binary, _reflected, ne, eq, logical_not_array, where

__all__ = ["floor_divide", "remainder", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
           "bitwise_right_shift",
           "bitwise_not", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "sign",
           "is_tensor", "is_floating_point"]


def _check_zero_divisor(name, b):
    """PyTorch raises for an integer division by zero; numpy would warn and give 0."""
    if not _is_floating(b.dtype) and b.dtype != np.dtype(bool) and bool((eq(b, 0)).any()):
        raise RuntimeError("ZeroDivisionError")


class FloorDivide(_Binary):
    def forward(self, a, b):
        return self.B.floor_divide(a, b)

    def backward(self, g):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


def floor_divide(a, b):
    """``torch.floor_divide`` / ``a // b``: the quotient rounded towards minus infinity (not differentiable)."""
    a, b = _operands(_number_as_tensor(a, b), b)
    _check_broadcast(a, b)
    _check_zero_divisor("floor_divide", b)
    return FloorDivide.apply(a, b)


class Remainder(_Binary):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        if self.needs_input_grad[1]:
            self.save_for_backward(a, b)
        return self.B.remainder(a, b)

    def backward(self, g):
        B = self.B
        gb = None
        if self.needs_input_grad[1]:
            a, b = self.saved
            gb = B.neg(B.mul(g, B.floor_divide(a, b)))
        return self._reduce((g if self.needs_input_grad[0] else None, gb), self.shapes)


def remainder(a, b):
    """``torch.remainder`` / ``a % b``: the remainder with the divisor's sign (Python's %); d/da = 1,
    d/db = -floor(a / b), as PyTorch."""
    a, b = _operands(a, b)
    _check_broadcast(a, b)
    _check_zero_divisor("remainder", b)
    return Remainder.apply(a, b)



def _integral_operands(name, a, b, bool_allowed=True):
    a, b = _operands(a, b)
    if not bool_allowed and a.dtype == bool_:
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')
    for t in (a, b):
        if _is_floating(t.dtype):
            raise NotImplementedError(f'"{name}" not implemented for \'{t.dtype}\': expected integer or bool '
                                      f'tensors')
    _check_broadcast(a, b)
    return a, b


def _bitwise(name):
    def op(a, b):
        a, b = _integral_operands(name, a, b)
        return Tensor._wrap(getattr(a.backend, name)(a.array, b.array), a.device)
    op.__name__ = name
    op.__doc__ = f"``torch.{name}``, elementwise on integer or bool tensors with broadcasting."
    return op


bitwise_and, bitwise_or, bitwise_xor = _bitwise("bitwise_and"), _bitwise("bitwise_or"), _bitwise("bitwise_xor")


def bitwise_left_shift(a, b):
    """``torch.bitwise_left_shift`` / ``a << b`` on integer tensors: a times 2^b, wrapping as the dtype does; a
    count below 0 or from the dtype's width on gives 0, as PyTorch's."""
    a, b = _integral_operands("lshift_cpu", a, b, bool_allowed=False)
    width = 8 * a.dtype.itemsize
    return where((b >= 0) & (b < width), a * 2 ** b.clamp(0, width - 1), 0)


def bitwise_right_shift(a, b):
    """``torch.bitwise_right_shift`` / ``a >> b`` on integer tensors: the arithmetic shift, a floor-divided by 2^b
    (negative values stay negative); a count below 0 or from the dtype's width on shifts by the width minus one,
    as PyTorch's."""
    a, b = _integral_operands("rshift_cpu", a, b, bool_allowed=False)
    width = 8 * a.dtype.itemsize
    count = where((b >= 0) & (b < width), b, width - 1)
    if a.dtype.kind == "u":  # (counts from the width on give 0)
        return where(b < width, floor_divide(a, 2 ** count), 0)
    shifted = floor_divide(a, 2 ** count.clamp(max=width - 2))  # (2^(width-1) does not fit a signed dtype)
    return where(count < width - 1, shifted, where(a < 0, -1, 0).to(a.dtype))


def bitwise_not(a):
    """``torch.bitwise_not`` / ``~a``: logical not of a bool tensor, two's complement not of an integer one."""
    if _is_floating(a.dtype):
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    if a.dtype == bool_:
        return Tensor._wrap(logical_not_array(a), a.device)
    B = a.backend
    return Tensor._wrap(B.sub(B.neg(a.array), B.scalar(1, a.dtype)), a.device)


def _as_bool(x):
    if not isinstance(x, Tensor):
        x = Tensor._inferred(x)
    return x if x.dtype == bool_ else ne(x, 0)


def logical_and(a, b):
    """``torch.logical_and``: elementwise, any dtype (nonzero is true); a bool tensor."""
    return bitwise_and(_as_bool(a), _as_bool(b))


def logical_or(a, b):
    """``torch.logical_or``: elementwise, any dtype (nonzero is true); a bool tensor."""
    return bitwise_or(_as_bool(a), _as_bool(b))


def logical_xor(a, b):
    """``torch.logical_xor``: elementwise, any dtype (nonzero is true); a bool tensor."""
    return bitwise_xor(_as_bool(a), _as_bool(b))


def logical_not(a):
    """``torch.logical_not``: a bool tensor, true where a is zero."""
    return Tensor._wrap(logical_not_array(_as_bool(a)), a.device)


def isnan(a):
    """``torch.isnan``: a bool tensor (all false for integer tensors)."""
    return ne(a, a) if _is_floating(a.dtype) else Tensor._wrap(a.backend.full(a.shape, False, bool_), a.device)


def isinf(a):
    """``torch.isinf``: a bool tensor, true at +inf and -inf (for complex tensors, where either part is)."""
    if a.dtype.kind == "c":
        return isinf(a.real) | isinf(a.imag)
    if not _is_floating(a.dtype):
        return Tensor._wrap(a.backend.full(a.shape, False, bool_), a.device)
    B = a.backend
    return Tensor._wrap(B.bitwise_and(B.logical_not(B.isfinite(a.array)), B.equal(a.array, a.array)), a.device)


class Sign(Function):
    def forward(self, a):
        B = self.B
        if a.dtype.kind != "f":
            return B.sign(a)
        # (a > 0) - (a < 0), as PyTorch's kernel: NaN and -0.0 give +0.0
        return B.sub(B.astype(B.greater(a, B.scalar(0, a.dtype)), a.dtype), B.astype(B.less(a, B.scalar(0, a.dtype)),
                                                                                      a.dtype))

    def backward(self, g):
        return self.B.mul(g, self.B.scalar(0, g.dtype))


def sign(a):
    """``torch.sign``: -1, 0 or 1 (0 for NaN and for -0.0, as PyTorch's); its gradient is zero. A bool tensor is
    its own sign."""
    return a.clone() if a.dtype == bool_ else Sign.apply(a)


def is_floating_point(input):  # noqa: A002
    """``torch.is_floating_point``: whether the tensor's dtype is a float."""
    return input.is_floating_point()


def is_tensor(obj):
    """``torch.is_tensor``: whether obj is a minigrad Tensor."""
    return isinstance(obj, Tensor)


METHODS = {
    "__floordiv__": floor_divide, "__rfloordiv__": _reflected(floor_divide), "__mod__": remainder,
    "__rmod__": _reflected(remainder), "__and__": bitwise_and, "__rand__": _reflected(bitwise_and),
    "__or__": bitwise_or, "__ror__": _reflected(bitwise_or), "__xor__": bitwise_xor,
    "__rxor__": _reflected(bitwise_xor), "__invert__": bitwise_not, "__lshift__": bitwise_left_shift,
    "__rlshift__": _reflected(bitwise_left_shift), "__rshift__": bitwise_right_shift,
    "__rrshift__": _reflected(bitwise_right_shift), "bitwise_left_shift": bitwise_left_shift,
    "bitwise_right_shift": bitwise_right_shift,
    "floor_divide": floor_divide, "remainder": remainder, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not, "logical_and": logical_and, "logical_or": logical_or,
    "logical_xor": logical_xor, "logical_not": logical_not, "isnan": isnan, "isinf": isinf, "sign": sign,
}

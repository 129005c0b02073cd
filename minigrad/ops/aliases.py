"""PyTorch's other names for ops defined elsewhere (``torch.divide`` for ``div``, ``Tensor.greater`` for ``gt``,
``arccos`` for ``acos``...), and the small ops that are one call of another (``positive``, ``Tensor.where``,
``isposinf``, ``signbit``...). Kept in one table so that each op has one definition."""
import numpy as np

from . import compare, elementwise as ew, integer, trigonometric as trig
from .compare import where

__all__ = ["divide", "true_divide", "subtract", "multiply", "negative", "absolute", "clip", "positive",
           "greater", "greater_equal", "less", "less_equal", "not_equal", "arcsin", "arccos", "arctan", "arctan2",
           "arcsinh", "arccosh", "arctanh", "isposinf", "isneginf", "isreal", "signbit", "clamp_min", "clamp_max"]


def divide(input, other, *, rounding_mode=None):  # noqa: A002
    """``torch.divide``: ``div``."""
    return ew.div(input, other, rounding_mode=rounding_mode)


def true_divide(input, other):  # noqa: A002
    """``torch.true_divide``: ``div`` without rounding."""
    return ew.div(input, other)


def subtract(input, other, *, alpha=1):  # noqa: A002
    """``torch.subtract``: ``sub``."""
    return ew.sub(input, other, alpha=alpha)


def multiply(input, other):  # noqa: A002
    """``torch.multiply``: ``mul``."""
    return ew.mul(input, other)


def negative(input):  # noqa: A002
    """``torch.negative``: ``neg``."""
    return ew.neg(input)


def absolute(input):  # noqa: A002
    """``torch.absolute``: ``abs``."""
    return ew.abs(input)


def clip(input, min=None, max=None):  # noqa: A002
    """``torch.clip``: ``clamp``."""
    return ew.clamp(input, min, max)


def clamp_min(input, min):  # noqa: A002
    """``torch.clamp_min``: ``clamp(input, min=min)``."""
    return ew.clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    """``torch.clamp_max``: ``clamp(input, max=max)``."""
    return ew.clamp(input, max=max)


def positive(input):  # noqa: A002
    """``torch.positive`` (and unary ``+x``): the input itself (refused for bool, as PyTorch)."""
    if input.dtype == np.dtype(bool):
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


greater, greater_equal, less, less_equal, not_equal = compare.gt, compare.ge, compare.lt, compare.le, compare.ne
arcsin, arccos, arctan, arctan2 = trig.asin, trig.acos, trig.atan, trig.atan2
arcsinh, arccosh, arctanh = trig.asinh, trig.acosh, trig.atanh


def isposinf(input):  # noqa: A002
    """``torch.isposinf``: a bool tensor, true at +inf."""
    return compare.eq(input, np.inf) if input.is_floating_point() else compare.ne(input, input)


def isneginf(input):  # noqa: A002
    """``torch.isneginf``: a bool tensor, true at -inf."""
    return compare.eq(input, -np.inf) if input.is_floating_point() else compare.ne(input, input)


def isreal(input):  # noqa: A002
    """``torch.isreal``: where the imaginary part is 0 (everywhere for a real tensor)."""
    if input.dtype.kind == "c":
        return compare.eq(input.imag, 0)
    return compare.eq(input, input) | ~compare.eq(input, input)


def signbit(input):  # noqa: A002
    """``torch.signbit``: true where the sign bit is set (-0.0 and NaNs with it included)."""
    from ..tensor import Tensor
    return Tensor._wrap(input.backend.signbit(input.array), input.device)


def _where_method(self, condition, other):
    """``Tensor.where(condition, y)``: ``torch.where(condition, self, y)``."""
    return where(condition, self, other)


METHODS = {"divide": divide, "true_divide": true_divide, "subtract": subtract, "multiply": multiply,
           "negative": negative, "absolute": absolute, "positive": positive, "__pos__": positive, "greater": greater,
           "greater_equal": greater_equal, "less": less, "less_equal": less_equal, "not_equal": not_equal,
           "arcsin": arcsin, "arccos": arccos, "arctan": arctan, "arctan2": arctan2, "arcsinh": arcsinh,
           "arccosh": arccosh, "arctanh": arctanh, "isposinf": isposinf, "isneginf": isneginf, "isreal": isreal,
           "signbit": signbit, "where": _where_method}

# the in-place forms that ops/inplace.py writes back, beyond those it lists itself
INPLACE = {"divide_": divide, "true_divide_": true_divide, "subtract_": subtract, "multiply_": multiply,
           "negative_": negative, "absolute_": absolute, "arcsin_": arcsin, "arccos_": arccos, "arctan_": arctan,
           "arctan2_": arctan2, "arcsinh_": arcsinh, "arccosh_": arccosh, "arctanh_": arctanh,
           "eq_": compare.eq, "ne_": compare.ne, "lt_": compare.lt, "le_": compare.le, "gt_": compare.gt,
           "ge_": compare.ge, "greater_": greater, "greater_equal_": greater_equal, "less_": less,
           "less_equal_": less_equal, "not_equal_": not_equal, "logical_and_": integer.logical_and,
           "logical_or_": integer.logical_or, "logical_xor_": integer.logical_xor}

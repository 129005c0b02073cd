"""CPU kernels: elementwise arithmetic with numpy broadcasting.

numpy's ufuncs are already vectorised loops in C; they are the CPU kernels here.
"""
import numpy as np

from . import reduce
from ..scalars import host_scalar

__all__ = ["add", "sub", "mul", "div", "neg", "power", "exp", "log", "log1p", "sqrt", "abs", "sign",
           "clip", "where", "maximum", "minimum", "less", "less_equal", "greater",
           "greater_equal", "equal", "not_equal", "logical_not", "sum_to_shape",
           "scalar", "isfinite", "add_", "floor_divide", "remainder", "bitwise_and", "bitwise_or", "bitwise_xor"]



def _silent(ufunc, arity):
    """``ufunc`` without numpy's floating-point warnings: log(0) is -inf, 0/0 NaN and exp(1000) inf silently, as
    in PyTorch (a script's output is not filled with RuntimeWarnings); the parameters are the CUDA twin's."""
    if arity == 1:
        def fn(a, out=None):
            with np.errstate(all="ignore"):
                return ufunc(a, out=out)
    else:
        def fn(a, b, out=None):
            with np.errstate(all="ignore"):
                return ufunc(a, b, out=out)
    fn.__name__ = fn.__qualname__ = ufunc.__name__
    fn.__doc__ = f"``np.{ufunc.__name__}`` with IEEE results and no warnings (``out`` as numpy's)."
    return fn


def rounded_once(ufunc):
    """``ufunc`` of a float32 array computed in float64 and rounded once to float32 (otherwise as ``_silent``):
    the correctly rounded value but for rare double roundings. PyTorch's vectorised functions are within an ulp
    and mostly correctly rounded, numpy's float32 loops less often, so this takes minigrad's last bits to
    PyTorch's: on a million inputs (benchmarks/elementwise_ulps.py) the share of values that differ went from 39%
    to 1.0% for exp, 38% to 0.1% for tanh, 12% to 0.1% for expm1, 4.8% to 1.9% for log, 4.7% to 0.3% for log1p,
    at 3-4 times the time of
    numpy's float32 loop. (Not sin and cos: 15% to 5%, at 30 times the time.)"""
    def fn(a, out=None):
        with np.errstate(all="ignore"):
            if getattr(a, "dtype", None) != np.float32:
                return ufunc(a, out=out)
            if out is None:
                out = np.empty(a.shape, np.float32)
            return ufunc(a, out=out, dtype=np.float64, casting="same_kind")
    fn.__name__ = fn.__qualname__ = ufunc.__name__
    fn.__doc__ = f"``np.{ufunc.__name__}``, float32 computed in float64 and rounded once, without warnings."
    return fn


add, sub, mul, power = (_silent(u, 2) for u in (np.add, np.subtract, np.multiply, np.power))
exp, log, log1p = rounded_once(np.exp), rounded_once(np.log), rounded_once(np.log1p)
sqrt = _silent(np.sqrt, 1)
neg, abs, sign = np.negative, np.abs, np.sign
maximum, minimum, where, isfinite = np.maximum, np.minimum, np.where, np.isfinite
less, less_equal, greater, greater_equal = np.less, np.less_equal, np.greater, np.greater_equal
equal, not_equal, logical_not = np.equal, np.not_equal, np.logical_not
# Python's // and % (numpy's floor_divide and remainder follow them, as PyTorch's floor_divide and remainder do)


def floor_divide(a, b, out=None):
    """a // b; a float division by zero gives ±inf or NaN silently, as PyTorch's."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.floor_divide(a, b, out=out)


def remainder(a, b, out=None):
    """a % b with the divisor's sign. Floats by PyTorch's formula: fmod, moved by b when the signs differ, so a zero
    keeps the dividend's sign (numpy gives it the divisor's: 0 % -5 was -0.0)."""
    if np.result_type(a, b).kind not in "fc":
        return np.remainder(a, b, out=out)
    with np.errstate(invalid="ignore"):
        rest = np.fmod(a, b)
        result = np.where((rest != 0) & ((b < 0) != (rest < 0)), rest + b, rest)
    if out is None:
        return result
    out[...] = result
    return out
bitwise_and, bitwise_or, bitwise_xor = np.bitwise_and, np.bitwise_or, np.bitwise_xor


def div(a, b):
    """True division, 1/0 = inf and 0/0 = NaN without a warning, as PyTorch's."""
    with np.errstate(all="ignore"):
        return np.true_divide(a, b)


def clip(a, low, high):
    """Clamp to [low, high]; either bound may be None. NaN stays NaN, as in PyTorch."""
    out = a
    if low is not None:
        out = np.where(out < low, np.asarray(low, a.dtype), out)
    if high is not None:
        out = np.where(out > high, np.asarray(high, a.dtype), out)
    return out if out is not a else a.copy()


def scalar(value, dtype):
    """A 0-d array holding a Python number, so arithmetic keeps the tensor's dtype (an int outside an integer
    dtype wraps around, as PyTorch's)."""
    return host_scalar(value, dtype)


def sum_to_shape(a, shape):
    """Sum a broadcast gradient back down to ``shape`` (the inverse of broadcasting), as PyTorch's sum_to: one sum
    over the leading dims and the dims broadcast from 1, in PyTorch's order where ``reduce.sum`` takes it."""
    shape = tuple(shape)
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    out = reduce.sum(a, axis=axes, keepdims=True) if axes else a
    return out.reshape(shape)


def add_(a, b):
    """In place: ``a += b``."""
    a += b
    return a

"""CUDA kernels: elementwise arithmetic with numpy broadcasting, mirroring ``backends/cpu/elementwise.py``.

One kernel serves every binary op (an op code picks it, uniformly across a
warp), in three shapes: same-shape operands (flat), an operand and a host
scalar (passed by value: ``scalar()`` returns a host 0-d array, so a Python
number costs no transfer), and general broadcasting, where each operand is
read through stride-0 dims of the output's shape (``_runtime.collapse`` first
merges contiguous dims).
"""
import functools
import math

import numpy as np
from numba import cuda, float32, types

from ..scalars import host_scalar
from ._runtime import (BOOL, DIMS, F32, I64, MAX_DIMS, b1, i64, collapse, contiguous_strides, device_function,
                       empty, flat, grid, is_host_scalar, kernel, on_device, pad_dims)

__all__ = ["add", "sub", "mul", "div", "neg", "power", "exp", "log", "log1p", "sqrt", "abs", "sign",
           "clip", "where", "maximum", "minimum", "less", "less_equal", "greater",
           "greater_equal", "equal", "not_equal", "logical_not", "sum_to_shape",
           "scalar", "isfinite", "add_", "floor_divide", "remainder", "bitwise_and", "bitwise_or", "bitwise_xor"]

ADD, SUB, MUL, DIV, POW, MAX, MIN, FLOORDIV, REM = range(9)
AND, OR, XOR = range(3)
LT, LE, GT, GE, EQ, NE = range(6)
NEG, EXP, LOG, SQRT, ABS, SIGN, LOG1P = range(7)


def _arith_of(divide, floor_divide, remainder):
    """The binary arithmetic ops; ``divide`` keeps the integer version free of float division, ``floor_divide``
    and ``remainder`` are Python's // and % for the operands' kind."""
    @device_function
    def arith(op, x, y):
        if op == FLOORDIV:
            return floor_divide(x, y)
        if op == REM:
            return remainder(x, y)
        if op == ADD:
            return x + y
        if op == SUB:
            return x - y
        if op == MUL:
            return x * y
        if op == DIV:
            return divide(x, y)
        if op == POW:
            return x ** y
        if op == MAX:  # NaN wins, as np.maximum
            return x if (x >= y or x != x) else y
        return x if (x <= y or x != x) else y
    return arith


@device_function
def _true_divide(x, y):
    return x / y


@device_function
def _floor_divide(x, y):
    return x // y


@device_function
def _int_remainder(x, y):
    return x % y


@device_function
def _float_floor_divide(x, y):
    """PyTorch's (and numpy's) floor division of floats, from fmod, so that it agrees with ``remainder``."""
    if y == 0:
        return x / y
    mod = math.fmod(x, y)
    quotient = (x - mod) / y
    one = float32(1)
    if mod != 0 and (y < 0) != (mod < 0):
        quotient -= one
    if quotient == 0:  # a zero with the sign of x / y
        return quotient * quotient if x / y >= 0 else -(quotient * quotient)
    floored = math.floor(quotient)
    if quotient - floored > float32(0.5):
        floored += one
    return floored


@device_function
def _float_remainder(x, y):
    """The remainder with the divisor's sign: fmod, moved by y when the signs differ (PyTorch's formula)."""
    mod = math.fmod(x, y)
    if mod != 0 and (y < 0) != (mod < 0):
        mod += y
    return mod


@device_function
def _bitwise(op, x, y):
    if op == AND:
        return x & y
    if op == OR:
        return x | y
    return x ^ y


@device_function
def _compare(op, x, y):
    if op == LT:
        return x < y
    if op == LE:
        return x <= y
    if op == GT:
        return x > y
    if op == GE:
        return x >= y
    if op == EQ:
        return x == y
    return x != y


@device_function
def _unary_op(op, x):
    if op == NEG:
        return -x
    if op == EXP:
        return math.exp(x)
    # log and sqrt outside their domain: NaN and -inf written out, as numpy (and as the GPU's
    # own functions) give, because the simulator's math.log raises instead
    if op == LOG:
        if x <= 0:
            return float32(-math.inf) if x == 0 else float32(math.nan)
        return math.log(x)
    if op == SQRT:
        return float32(math.nan) if x < 0 else math.sqrt(x)
    if op == LOG1P:
        if x <= -1:
            return float32(-math.inf) if x == -1 else float32(math.nan)
        return math.log1p(x)
    if op == ABS:
        return x if x > 0 else -x  # (the builtin abs is shadowed by this module's own)
    # SIGN: x / x is 1 of x's own type; 0 and NaN pass through, as np.sign
    if x > 0:
        return x / x
    if x < 0:
        return -(x / x)
    return x


@device_function
def _bcast_offsets(i, shape, a_strides, b_strides):
    """Offsets into two operands of the output's flat index ``i`` (shapes padded to MAX_DIMS)."""
    ia = 0
    ib = 0
    for d in range(MAX_DIMS - 1, -1, -1):
        c = i % shape[d]
        i //= shape[d]
        ia += c * a_strides[d]
        ib += c * b_strides[d]
    return ia, ib


def _binary_kernels(apply, name, out_type, arrays):
    """The three launch shapes of a binary op family (same shape, with a scalar, broadcast)."""
    def same(op, out, a, b):
        i = cuda.grid(1)
        while i < out.size:
            out[i] = apply(op, a[i], b[i])
            i += cuda.gridsize(1)

    def with_scalar(op, out, a, s, scalar_first):
        i = cuda.grid(1)
        while i < out.size:
            out[i] = apply(op, s, a[i]) if scalar_first else apply(op, a[i], s)
            i += cuda.gridsize(1)

    def broadcast(op, out, a, b, shape, a_strides, b_strides):
        i = cuda.grid(1)
        while i < out.size:
            ia, ib = _bcast_offsets(i, shape, a_strides, b_strides)
            out[i] = apply(op, a[ia], b[ib])
            i += cuda.gridsize(1)

    kernels = []
    for fn, sigs in ((same, [(i64, out_type(t), t, t) for t in arrays]),
                     (with_scalar, [(i64, out_type(t), t, t.dtype, types.boolean) for t in arrays]),
                     (broadcast, [(i64, out_type(t), t, t, DIMS, DIMS, DIMS) for t in arrays])):
        fn.__name__ = fn.__qualname__ = f"_{name}_{fn.__name__}"
        kernels.append(kernel(*sigs, cache=False)(fn))  # closures: numba's cache cannot key them
    return kernels


_ARITH_FLOAT = _binary_kernels(_arith_of(_true_divide, _float_floor_divide, _float_remainder), "arith",
                               lambda t: t, [F32])
_ARITH_INT = _binary_kernels(_arith_of(_floor_divide, _floor_divide, _int_remainder), "arith_int", lambda t: t,
                             [I64])
_BITWISE = _binary_kernels(_bitwise, "bitwise", lambda t: t, [I64])
_COMPARE = _binary_kernels(_compare, "compare", lambda t: BOOL, [F32, I64])


@kernel((i64, F32, F32))
def _unary(op, out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = _unary_op(op, a[i])
        i += cuda.gridsize(1)


@kernel((F32, F32, types.float32, types.float32, types.boolean, types.boolean))
def _clip(out, a, low, high, has_low, has_high):
    i = cuda.grid(1)
    while i < out.size:
        x = a[i]
        if has_low and x < low:
            x = low
        if has_high and x > high:
            x = high
        out[i] = x
        i += cuda.gridsize(1)


@kernel((BOOL, F32))
def _isfinite(out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = math.isfinite(a[i])
        i += cuda.gridsize(1)


@kernel((BOOL, BOOL))
def _logical_not(out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = not a[i]
        i += cuda.gridsize(1)


@kernel(*((t, BOOL, t, t, t.dtype, t.dtype, b1, b1, DIMS, DIMS, DIMS, DIMS) for t in (F32, I64)))
def _where(out, cond, a, b, a_value, b_value, a_is_value, b_is_value, shape, c_strides, a_strides, b_strides):
    """out = a if cond else b, broadcast; a host scalar operand comes by value (its array is a stand-in)."""
    i = cuda.grid(1)
    while i < out.size:
        j = i
        ic = 0
        ia = 0
        ib = 0
        for d in range(MAX_DIMS - 1, -1, -1):
            c = j % shape[d]
            j //= shape[d]
            ic += c * c_strides[d]
            ia += c * a_strides[d]
            ib += c * b_strides[d]
        if cond[ic]:
            out[i] = a_value if a_is_value else a[ia]
        else:
            out[i] = b_value if b_is_value else b[ib]
        i += cuda.gridsize(1)


# ---------------------------------------------------------------------------- dispatch
@functools.lru_cache(maxsize=None)
def _ufunc_dtype(ufunc, *dtypes):
    """The output dtype numpy gives ``ufunc`` on these input dtypes (so both backends agree)."""
    return ufunc(*(np.ones(1, d) for d in dtypes)).dtype


def _dtype(x):
    return np.asarray(x).dtype if is_host_scalar(x) else x.dtype


def broadcast_strides(shape, out_shape):
    """Element strides reading a contiguous array of ``shape`` at every index of ``out_shape`` (0 = repeat)."""
    strides = contiguous_strides(shape)
    lead = len(out_shape) - len(shape)
    return (0,) * lead + tuple(0 if s == 1 and o != 1 else st
                               for s, st, o in zip(shape, strides, out_shape[lead:]))


def _launch_binary(kernels, op, a, b, out_dtype, compute_dtype, out=None):
    same, with_scalar, bcast = kernels
    if is_host_scalar(a) and is_host_scalar(b):
        return None
    if is_host_scalar(a) or is_host_scalar(b):
        arr, s = (b, a) if is_host_scalar(a) else (a, b)
        arr = on_device(arr, compute_dtype)
        out = empty(arr.shape, out_dtype) if out is None else out
        if out.size:
            with_scalar[grid(out.size)](op, flat(out), flat(arr), compute_dtype.type(np.asarray(s)),
                                        is_host_scalar(a))
        return out
    a, b = on_device(a, compute_dtype), on_device(b, compute_dtype)
    if tuple(a.shape) == tuple(b.shape):
        out = empty(a.shape, out_dtype) if out is None else out
        if out.size:
            same[grid(out.size)](op, flat(out), flat(a), flat(b))
        return out
    out_shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    out = empty(out_shape, out_dtype) if out is None else out
    if out.size:
        shape, (sa, sb) = collapse(out_shape, broadcast_strides(a.shape, out_shape),
                                   broadcast_strides(b.shape, out_shape))
        bcast[grid(out.size)](op, flat(out), flat(a), flat(b), pad_dims(shape, 1), pad_dims(sa, 0),
                              pad_dims(sb, 0))
    return out


def _binary_arith(ufunc, op, float_kernels=None, int_kernels=None):
    float_kernels, int_kernels = float_kernels or _ARITH_FLOAT, int_kernels or _ARITH_INT

    def fn(a, b, out=None):
        da, db = _dtype(a), _dtype(b)
        if is_host_scalar(a) and is_host_scalar(b):
            result = ufunc(np.asarray(a), np.asarray(b))
            return result if out is None else _into(out, result)
        out_dtype = _ufunc_dtype(ufunc, da, db)
        if out_dtype == np.bool_:  # bool masks: compute in int32, then back to bool, as numpy's and/or
            from .creation import astype
            result = not_equal(fn(astype(a, np.int32), astype(b, np.int32)), scalar(0, np.int32))
            return result if out is None else _into(out, result)
        kernels = float_kernels if out_dtype.kind == "f" else int_kernels
        if out is not None and out.dtype != out_dtype:
            return _into(out, _launch_binary(kernels, op, a, b, out_dtype, out_dtype))
        return _launch_binary(kernels, op, a, b, out_dtype, out_dtype, out=out)
    fn.__name__ = ufunc.__name__
    fn.__doc__ = f"``np.{ufunc.__name__}`` on device arrays, with broadcasting (``out`` as numpy's)."
    return fn


def _into(out, result):
    """Write ``result`` into ``out`` (numpy's ``out=``), cast and broadcast to it."""
    from .shape import copy_
    return copy_(out, result)


def _binary_compare(ufunc, op):
    def fn(a, b):
        if is_host_scalar(a) and is_host_scalar(b):
            return ufunc(np.asarray(a), np.asarray(b))
        compute = np.result_type(_dtype(a), _dtype(b))
        return _launch_binary(_COMPARE, op, a, b, np.dtype(bool), compute)
    fn.__name__ = ufunc.__name__
    fn.__doc__ = f"``np.{ufunc.__name__}`` on device arrays, with broadcasting; returns a bool array."
    return fn


add, sub, mul = _binary_arith(np.add, ADD), _binary_arith(np.subtract, SUB), _binary_arith(np.multiply, MUL)
power = _binary_arith(np.power, POW)


def div(a, b):
    """``np.true_divide`` on device arrays, with broadcasting (as the CPU's ``div``, no ``out``)."""
    return _divide(a, b)


_divide = _binary_arith(np.true_divide, DIV)
floor_divide, remainder = _binary_arith(np.floor_divide, FLOORDIV), _binary_arith(np.remainder, REM)
bitwise_and = _binary_arith(np.bitwise_and, AND, _BITWISE, _BITWISE)
bitwise_or = _binary_arith(np.bitwise_or, OR, _BITWISE, _BITWISE)
bitwise_xor = _binary_arith(np.bitwise_xor, XOR, _BITWISE, _BITWISE)
maximum, minimum = _binary_arith(np.maximum, MAX), _binary_arith(np.minimum, MIN)
less, less_equal = _binary_compare(np.less, LT), _binary_compare(np.less_equal, LE)
greater, greater_equal = _binary_compare(np.greater, GT), _binary_compare(np.greater_equal, GE)
equal, not_equal = _binary_compare(np.equal, EQ), _binary_compare(np.not_equal, NE)


def _unary_fn(ufunc, op, kernel=None):
    kernel = kernel or _unary

    def fn(a, out=None):
        if is_host_scalar(a) and out is None:
            return ufunc(np.asarray(a))
        dtype = _ufunc_dtype(ufunc, _dtype(a))
        result = empty(np.shape(a) if is_host_scalar(a) else a.shape, dtype) if out is None or out.dtype != dtype \
            else out
        if result.size:
            kernel[grid(result.size)](op, flat(result), flat(on_device(a, dtype)))
        return result if out is None or result is out else _into(out, result)
    fn.__name__ = ufunc.__name__
    fn.__doc__ = f"``np.{ufunc.__name__}`` on a device array (``out`` as numpy's)."
    return fn


neg, exp, log = _unary_fn(np.negative, NEG), _unary_fn(np.exp, EXP), _unary_fn(np.log, LOG)
sqrt, abs, sign = _unary_fn(np.sqrt, SQRT), _unary_fn(np.abs, ABS), _unary_fn(np.sign, SIGN)  # noqa: A001
log1p = _unary_fn(np.log1p, LOG1P)


def clip(a, low, high):
    """Clamp to [low, high]; either bound may be None. NaN stays NaN, as in PyTorch."""
    a = on_device(a)
    out = empty(a.shape, a.dtype)
    if out.size:
        _clip[grid(out.size)](flat(out), flat(a), a.dtype.type(0 if low is None else low),
                              a.dtype.type(0 if high is None else high), low is not None, high is not None)
    return out


def isfinite(a):
    """``np.isfinite``: a bool array."""
    a = on_device(a)
    out = empty(a.shape, bool)
    if out.size:
        _isfinite[grid(out.size)](flat(out), flat(a))
    return out


def logical_not(a):
    """``np.logical_not``: a bool array."""
    a = on_device(a, bool)
    out = empty(a.shape, bool)
    if out.size:
        _logical_not[grid(out.size)](flat(out), flat(a))
    return out


def where(condition, a, b):
    """``np.where(condition, a, b)`` with broadcasting of all three; a host scalar goes in by value."""
    dtype = np.result_type(_dtype(a), _dtype(b))
    condition = on_device(condition, bool)
    operands = [x if is_host_scalar(x) else on_device(x, dtype) for x in (a, b)]
    shapes = [() if is_host_scalar(x) else tuple(x.shape) for x in operands]
    out_shape = np.broadcast_shapes(tuple(condition.shape), *shapes)
    out = empty(out_shape, dtype)
    if out.size:
        shape, strides = collapse(out_shape, broadcast_strides(condition.shape, out_shape),
                                  *(broadcast_strides(s, out_shape) for s in shapes))
        arrays = [flat(out) if is_host_scalar(x) else flat(x) for x in operands]
        values = [dtype.type(np.asarray(x)) if is_host_scalar(x) else dtype.type(0) for x in operands]
        _where[grid(out.size)](flat(out), flat(condition), *arrays, *values, *(is_host_scalar(x) for x in operands),
                               pad_dims(shape, 1), *(pad_dims(s, 0) for s in strides))
    return out


def scalar(value, dtype):
    """A host 0-d array holding a Python number: kernels take it by value, no transfer (an int outside an integer
    dtype wraps around, as PyTorch's)."""
    return host_scalar(value, dtype)


def sum_to_shape(a, shape):
    """Sum a broadcast gradient back down to ``shape`` (the inverse of broadcasting)."""
    from .reduce import sum as _sum
    shape = tuple(shape)
    if tuple(a.shape) == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    out = _sum(a, axis=axes, keepdims=True) if axes else a
    return out.reshape(shape)


def add_(a, b):
    """In place: ``a += b`` (b broadcast to a's shape)."""
    _launch_binary(_ARITH_FLOAT if a.dtype.kind == "f" else _ARITH_INT, ADD, a, b, a.dtype, a.dtype, out=a)
    return a

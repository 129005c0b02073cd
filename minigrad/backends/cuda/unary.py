"""CUDA kernels: unary math beyond the elementwise basics, mirroring ``backends/cpu/unary.py``: rounding
(floor, ceil, rint, trunc), trigonometric and hyperbolic functions and their inverses, expm1, erf, erfc, log2,
log10, exp2, signbit; arctan2, hypot and fmod; lgamma, digamma, trigamma and erfinv (the shared rules of
``backends/elements/special.py``); and the fused multiply-add."""
import math

import numpy as np
from numba import cuda, float32

from .. import checks
from ..elements import special as elements
from ._runtime import BOOL, F32, device_function, empty, flat, grid, i64, kernel, on_device, to_device
from .elementwise import _binary_arith, _binary_kernels, _unary_fn

__all__ = ["floor", "ceil", "rint", "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
           "arcsinh", "arccosh", "arctanh", "expm1", "erf", "erfc", "log2", "log10", "exp2", "signbit", "arctan2",
           "hypot", "fmod", "lgamma", "digamma", "trigamma", "erfinv", "fma"]

(FLOOR, CEIL, RINT, TRUNC, SIN, COS, TAN, EXPM1, ERF, ERFC, LOG2, LOG10, EXP2, ASIN, ACOS, ATAN, SINH, COSH, ASINH,
 ACOSH, ATANH) = range(21)
ATAN2, HYPOT, FMOD = range(3)


@device_function
def _rounded(op, x):
    """floor, ceil, rint (half to even) or trunc of a float32, from fmod, which is exact: no conversion to an
    integer, which would overflow past 2^63. The result has x's sign (-0.3 gives -0.0, as numpy and PyTorch);
    inf and NaN pass through."""
    if not math.isfinite(x):
        return x
    one = float32(1)
    t = math.copysign(x - math.fmod(x, one), x)
    if op == FLOOR:
        return t - one if t > x else t
    if op == CEIL:
        return t + one if t < x else t
    if op == RINT:
        rest = x - t
        step = math.copysign(one, x)
        if math.fabs(rest) > float32(0.5) or (math.fabs(rest) == float32(0.5) and math.fmod(t, float32(2)) != 0):
            return t + step
    return t


@device_function
def _math_op(op, x):
    if op <= TRUNC:
        return _rounded(op, x)
    # results past float32's range and outside the domain written out, as the GPU gives them: the simulator's
    # math raises there
    if op == EXPM1:
        return float32(math.inf) if x > float32(88.8) else math.expm1(x)
    if op == ERF:
        return math.erf(x)
    if op == ERFC:
        return math.erfc(x)
    if op >= ASIN:
        return _inverse_or_hyperbolic(op, x)
    if op == LOG2 or op == LOG10:
        if x <= 0:
            return float32(-math.inf) if x == 0 else float32(math.nan)
        return math.log2(x) if op == LOG2 else math.log10(x)
    return float32(math.inf) if x > float32(128) else math.pow(float32(2), x)  # EXP2


@device_function
def _inverse_or_hyperbolic(op, x):
    one, nan, inf = float32(1), float32(math.nan), float32(math.inf)
    # outside the domain and past float32's range written out, as the GPU gives them: the simulator's math raises
    if op == ASIN or op == ACOS:
        if not math.fabs(x) <= one:
            return nan
        return math.asin(x) if op == ASIN else math.acos(x)
    if op == ATAN:
        return math.atan(x)
    if op == SINH or op == COSH:
        if math.fabs(x) > float32(89.5):
            return math.copysign(inf, x) if op == SINH else inf
        return math.sinh(x) if op == SINH else math.cosh(x)
    if op == ASINH:
        return math.asinh(x)
    if op == ACOSH:
        return math.acosh(x) if x >= one else nan
    if math.fabs(x) == one:  # ATANH
        return math.copysign(inf, x)
    return math.atanh(x) if math.fabs(x) < one else nan


@kernel((i64, F32, F32))
def _math(op, out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = _math_op(op, a[i])
        i += cuda.gridsize(1)


@kernel((i64, F32, F32))
def _trig(op, out, a):
    """sin, cos or tan, a kernel of their own: libdevice's sinf, cosf and tanf reduce an argument past 105615 in
    float64 (Payne-Hanek), the only float64 that tests/test_cuda_ptx.py admits in a float32 kernel."""
    i = cuda.grid(1)
    while i < out.size:
        x = a[i]
        if not math.isfinite(x):  # (NaN, as the GPU gives; the simulator's math raises on inf)
            out[i] = float32(math.nan)
        else:
            out[i] = math.sin(x) if op == SIN else (math.cos(x) if op == COS else math.tan(x))
        i += cuda.gridsize(1)


floor, ceil, rint, trunc = (_unary_fn(np.floor, FLOOR, _math), _unary_fn(np.ceil, CEIL, _math),
                            _unary_fn(np.rint, RINT, _math), _unary_fn(np.trunc, TRUNC, _math))
sin, cos, tan = _unary_fn(np.sin, SIN, _trig), _unary_fn(np.cos, COS, _trig), _unary_fn(np.tan, TAN, _trig)
arcsin, arccos, arctan = (_unary_fn(np.arcsin, ASIN, _math), _unary_fn(np.arccos, ACOS, _math),
                          _unary_fn(np.arctan, ATAN, _math))
sinh, cosh = _unary_fn(np.sinh, SINH, _math), _unary_fn(np.cosh, COSH, _math)
arcsinh, arccosh, arctanh = (_unary_fn(np.arcsinh, ASINH, _math), _unary_fn(np.arccosh, ACOSH, _math),
                             _unary_fn(np.arctanh, ATANH, _math))
expm1, log2, log10, exp2 = (_unary_fn(np.expm1, EXPM1, _math), _unary_fn(np.log2, LOG2, _math),
                            _unary_fn(np.log10, LOG10, _math), _unary_fn(np.exp2, EXP2, _math))
_erf = _unary_fn(np.exp, ERF, _math)  # (numpy has no erf: np.exp stands in for the output dtype)


_erfc = _unary_fn(np.exp, ERFC, _math)


def erf(a):
    """The error function elementwise, as ``torch.erf`` (as the CPU's ``erf``, no ``out``)."""
    return _erf(a)


def erfc(a):
    """1 - erf(x) without the cancellation, as ``torch.erfc``."""
    return _erfc(a)


@kernel((BOOL, F32))
def _signbit(out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = math.copysign(float32(1), a[i]) < 0
        i += cuda.gridsize(1)


def signbit(a):
    """Whether each element's sign bit is set (-0.0 included), as ``np.signbit``: a bool array."""
    a = on_device(a)
    out = empty(a.shape, np.dtype(bool))
    if out.size:
        _signbit[grid(out.size)](flat(out), flat(a))
    return out


@device_function
def _two_argument(op, y, x):
    if op == ATAN2:
        return math.atan2(y, x)
    if op == FMOD:  # (C's fmod: exact, the dividend's sign; NaN for a zero divisor or an infinite dividend)
        if x == 0 or math.isinf(y) or math.isnan(x) or math.isnan(y):
            return float32(math.nan)
        return math.fmod(y, x)
    if math.isinf(y) or math.isinf(x):  # (hypot(inf, NaN) is inf, as C's; the simulator's math would say so too)
        return float32(math.inf)
    return math.hypot(y, x)


_TWO_ARGUMENT = _binary_kernels(_two_argument, "two_argument", lambda t: t, [F32])
arctan2 = _binary_arith(np.arctan2, ATAN2, _TWO_ARGUMENT, _TWO_ARGUMENT)
hypot = _binary_arith(np.hypot, HYPOT, _TWO_ARGUMENT, _TWO_ARGUMENT)
fmod = _binary_arith(np.fmod, FMOD, _TWO_ARGUMENT, _TWO_ARGUMENT)


_digamma = device_function(elements.digamma)
_trigamma = device_function(elements.trigamma)
_erfinv = device_function(elements.erfinv)
LGAMMA, DIGAMMA, TRIGAMMA, ERFINV = range(4)


@kernel((i64, F32, F32, F32))
def _special(op, out, a, c):
    """lgamma, and backends/elements/special.py's rules on float32 constants ``c``. digamma's and trigamma's
    reflections call tanf and sinf, whose reduction of huge arguments holds float64 (as ``_trig``'s)."""
    i = cuda.grid(1)
    while i < out.size:
        x = a[i]
        if op == LGAMMA:
            # (the poles written out: the simulator's math raises there)
            out[i] = c[elements.INF] if x <= c[elements.ZERO] and x % c[elements.ONE] == c[elements.ZERO] \
                else math.lgamma(x)
        elif op == DIGAMMA:
            out[i] = _digamma(x, c)
        elif op == TRIGAMMA:
            out[i] = _trigamma(x, c)
        else:
            out[i] = _erfinv(x, c)
        i += cuda.gridsize(1)


_CONSTANTS = None


def _special_fn(op):
    def fn(a):
        global _CONSTANTS
        if _CONSTANTS is None:
            _CONSTANTS = to_device(elements.constants(np.float32))
        a = on_device(a)
        out = empty(a.shape, a.dtype)
        if out.size:
            _special[grid(out.size)](op, flat(out), flat(a), _CONSTANTS)
        return out
    return fn


lgamma, digamma, trigamma, erfinv = (_special_fn(LGAMMA), _special_fn(DIGAMMA), _special_fn(TRIGAMMA),
                                     _special_fn(ERFINV))
lgamma.__doc__ = "log |Gamma(x)| elementwise, as ``torch.lgamma``."
digamma.__doc__ = "The digamma function, as ``torch.digamma``."
trigamma.__doc__ = "digamma's derivative, as ``torch.polygamma(1, x)``."
erfinv.__doc__ = "The inverse error function, as ``torch.erfinv``."


@kernel((F32, F32, F32, F32))
def _fma(out, a, b, c):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = cuda.fma(a[i], b[i], c[i])
        i += cuda.gridsize(1)


def fma(a, b, c):
    """a * b + c rounded once (a fused multiply-add), for three arrays of one shape."""
    a, b, c = on_device(a), on_device(b), on_device(c)
    checks.same_shape("fma", "a", a, b=b, c=c)
    out = empty(a.shape, a.dtype)
    if out.size:
        _fma[grid(out.size)](flat(out), flat(a), flat(b), flat(c))
    return out

"""CUDA kernels: unary math beyond the elementwise basics, mirroring ``backends/cpu/unary.py``: rounding
(floor, ceil, rint, trunc), sin, cos, expm1, erf, log2, log10, exp2, and the fused multiply-add."""
import math

import numpy as np
from numba import cuda, float32

from .. import checks
from ._runtime import F32, device_function, empty, flat, grid, i64, kernel, on_device
from .elementwise import _unary_fn

__all__ = ["floor", "ceil", "rint", "trunc", "sin", "cos", "expm1", "erf", "log2", "log10", "exp2", "fma"]

FLOOR, CEIL, RINT, TRUNC, SIN, COS, EXPM1, ERF, LOG2, LOG10, EXP2 = range(11)


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
    if op == LOG2 or op == LOG10:
        if x <= 0:
            return float32(-math.inf) if x == 0 else float32(math.nan)
        return math.log2(x) if op == LOG2 else math.log10(x)
    return float32(math.inf) if x > float32(128) else math.pow(float32(2), x)  # EXP2


@kernel((i64, F32, F32))
def _math(op, out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = _math_op(op, a[i])
        i += cuda.gridsize(1)


@kernel((i64, F32, F32))
def _trig(op, out, a):
    """sin or cos, a kernel of their own: libdevice's sinf and cosf reduce an argument past 105615 in float64
    (Payne-Hanek), the only float64 that tests/test_cuda_ptx.py admits in a float32 kernel."""
    i = cuda.grid(1)
    while i < out.size:
        x = a[i]
        if not math.isfinite(x):  # (NaN, as the GPU gives; the simulator's math raises on inf)
            out[i] = float32(math.nan)
        else:
            out[i] = math.sin(x) if op == SIN else math.cos(x)
        i += cuda.gridsize(1)


floor, ceil, rint, trunc = (_unary_fn(np.floor, FLOOR, _math), _unary_fn(np.ceil, CEIL, _math),
                            _unary_fn(np.rint, RINT, _math), _unary_fn(np.trunc, TRUNC, _math))
sin, cos = _unary_fn(np.sin, SIN, _trig), _unary_fn(np.cos, COS, _trig)
expm1, log2, log10, exp2 = (_unary_fn(np.expm1, EXPM1, _math), _unary_fn(np.log2, LOG2, _math),
                            _unary_fn(np.log10, LOG10, _math), _unary_fn(np.exp2, EXP2, _math))
_erf = _unary_fn(np.exp, ERF, _math)  # (numpy has no erf: np.exp stands in for the output dtype)


def erf(a):
    """The error function elementwise, as ``torch.erf`` (as the CPU's ``erf``, no ``out``)."""
    return _erf(a)


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

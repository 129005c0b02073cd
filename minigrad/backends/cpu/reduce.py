"""CPU kernels: reductions (numpy's, which sum pairwise in the input's float dtype). Sums that meet inf - inf or
overflow give NaN or inf silently, as PyTorch's."""
import warnings

import numpy as np

__all__ = ["sum", "broadcast_to", "mean", "var", "amax", "amin", "argmax", "argmin",
           "take_along_axis", "scatter_along_axis", "cumsum", "cumprod", "prod"]


def sum(a, axis=None, keepdims=False):  # noqa: A001
    with np.errstate(over="ignore", invalid="ignore"):
        # integers and bools sum in int64, as PyTorch's (numpy would take uint64 for unsigned ones)
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=a.dtype if a.dtype.kind in "fc" else np.int64)


def broadcast_to(a, shape):
    """A read-only broadcast view: copy it before writing into it."""
    return np.broadcast_to(a, tuple(shape))


def mean(a, axis=None, keepdims=False):
    """The mean; NaN over no elements, silently (numpy's "Mean of empty slice" warning is not PyTorch's)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if a.size == 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return np.mean(a, axis=axis, keepdims=keepdims, dtype=a.dtype)
        return np.mean(a, axis=axis, keepdims=keepdims, dtype=a.dtype)


def var(a, axis=None, correction=1, keepdims=False):
    """Variance with ``correction`` subtracted from the count (Bessel's correction when 1); NaN or inf without
    degrees of freedom, without numpy's warnings (the op warns as PyTorch). float32 and float16 accumulate in
    float64 and round once, as PyTorch's CPU Welford kernel accumulates in double: their last bits then agree
    (numpy's float32 two-pass variance differed from PyTorch's in about half the values)."""
    work = np.float64 if a.dtype in (np.float32, np.float16) else a.dtype
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.var(a, axis=axis, ddof=correction, keepdims=keepdims, dtype=work)
    return np.asarray(out).astype(a.dtype, copy=False)


def amax(a, axis=None, keepdims=False):
    return np.max(a, axis=axis, keepdims=keepdims)


def amin(a, axis=None, keepdims=False):
    return np.min(a, axis=axis, keepdims=keepdims)


def argmax(a, axis=None, keepdims=False):
    """First position of the maximum (NaN counts as the maximum), as int64."""
    return np.argmax(a, axis=axis, keepdims=keepdims).astype(np.int64, copy=False)


def argmin(a, axis=None, keepdims=False):
    return np.argmin(a, axis=axis, keepdims=keepdims).astype(np.int64, copy=False)


def take_along_axis(a, indices, axis):
    return np.take_along_axis(a, indices, axis=axis)


def scatter_along_axis(values, indices, axis, shape):
    """Zeros of ``shape`` with ``values`` put at ``indices`` along ``axis`` (one index per slice: no collisions)."""
    out = np.zeros(tuple(shape), dtype=values.dtype)
    np.put_along_axis(out, indices, values, axis=axis)
    return out


def _running(scan, a, axis, reverse):
    """``scan`` (np.cumsum or np.cumprod) along ``axis``, from the end with ``reverse``: floats accumulate in
    float64 and round to their dtype at each element, as PyTorch's CPU kernel accumulates in its acc_type
    (double); integers and bools in int64."""
    work = {"f": np.float64, "c": np.complex128}.get(a.dtype.kind, np.int64)
    with np.errstate(all="ignore"):
        if reverse:
            out = np.flip(scan(np.flip(a, axis), axis=axis, dtype=work), axis)
        else:
            out = scan(a, axis=axis, dtype=work)
        return np.ascontiguousarray(out.astype(a.dtype if a.dtype.kind in "fc" else work, copy=False))


def cumsum(a, axis, reverse=False):
    """Running sums along ``axis`` (from the end with ``reverse``), a float's dtype (summed in float64), else
    int64."""
    return _running(np.cumsum, a, axis, reverse)


def cumprod(a, axis, reverse=False):
    """Running products along ``axis`` (from the end with ``reverse``), a float's dtype (multiplied in float64),
    else int64."""
    return _running(np.cumprod, a, axis, reverse)


def prod(a, axis=None, keepdims=False):
    """``np.prod``: float arrays keep their dtype, bool and int arrays multiply in int64."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.prod(a, axis=axis, keepdims=keepdims, dtype=a.dtype if a.dtype.kind in "fc" else np.int64)

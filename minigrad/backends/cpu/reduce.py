"""CPU kernels: reductions: float sums and means of contiguous arrays in PyTorch's order (cascade_sum.py), the
rest numpy's, which sums pairwise in the input's float dtype. Sums that meet inf - inf or overflow give NaN or inf
silently, as PyTorch's."""
import warnings

import numpy as np

from . import cascade_sum

__all__ = ["sum", "broadcast_to", "mean", "var", "amax", "amin", "argmax", "argmin",
           "take_along_axis", "scatter_along_axis", "cumsum", "cumprod", "prod"]


def sum(a, axis=None, keepdims=False):  # noqa: A001
    """The sum over ``axis``: float32 and float64 in PyTorch's order where ``_in_torch_order`` can (cascade_sum),
    numpy's pairwise sum elsewhere."""
    with np.errstate(over="ignore", invalid="ignore"):
        ordered = _in_torch_order(a, axis, keepdims)
        if ordered is not None:
            return ordered
        # integers and bools sum in int64, as PyTorch's (numpy would take uint64 for unsigned ones)
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=a.dtype if a.dtype.kind in "fc" else np.int64)


def _in_torch_order(a, axis, keepdims):
    """The sum in PyTorch's order (``cascade_sum``) of a contiguous float32 or float64 array over every dim, its
    leading dims, its trailing ones, its middle ones or its leading and trailing ones, as PyTorch's kernel sees
    them (dims of size 1 dropped); None otherwise."""
    if a.dtype not in (np.float32, np.float64) or a.size == 0:
        return None
    axes = tuple(range(a.ndim)) if axis is None else \
        tuple(sorted({d % a.ndim for d in ((axis,) if isinstance(axis, (int, np.integer)) else axis)}))
    kept_shape = tuple(1 if d in axes else n for d, n in enumerate(a.shape))
    out_shape = kept_shape if keepdims else tuple(n for d, n in enumerate(a.shape) if d not in axes)
    # runs of neighbouring reduced or kept dims, each one dim to PyTorch's kernel (which drops dims of size 1)
    runs = []  # [reduced?, size]
    for d in range(a.ndim):
        if a.shape[d] == 1:
            continue
        if runs and runs[-1][0] == (d in axes):
            runs[-1][1] *= a.shape[d]
        else:
            runs.append([d in axes, a.shape[d]])
    pattern, sizes = tuple(r for r, _ in runs), [n for _, n in runs]
    if pattern == (True,):  # (every dim reduced: memory order, whichever the layout)
        if not (a.flags.c_contiguous or a.flags.f_contiguous):
            return None
        return cascade_sum.full_sum(a).reshape(out_shape)
    if True not in pattern or not a.flags.c_contiguous:
        return None  # (no true reduction: numpy's copy; or a layout this order does not cover)
    if pattern == (False, True):  # (trailing dims reduced: each row's sum)
        ordered = cascade_sum.row_sums(a, sizes[0])
    elif pattern == (True, False):  # (leading dims reduced: each column's sum)
        ordered = cascade_sum.column_sums(a, sizes[0])
    elif pattern == (False, True, False):  # (middle dims reduced: each slab's columns)
        ordered = cascade_sum.column_sums(a, sizes[1], slabs=sizes[0])
    elif pattern == (True, False, True):  # (leading and trailing dims reduced, as a bias's gradient over N, H, W)
        ordered = cascade_sum.outer_and_row_sums(a, sizes[0], sizes[1])
    else:
        return None
    return ordered.reshape(out_shape)


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
        ordered = _in_torch_order(a, axis, keepdims)
        if ordered is not None:  # (PyTorch's mean: its sum, divided by the count)
            count = a.size // max(ordered.size, 1)
            return ordered / a.dtype.type(count)
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

"""Reductions: sum, mean, var, std, max, min, amax, amin, argmax, argmin, any, all, var_mean, std_mean, logsumexp,
nansum, nanmean.

``dim`` is an int or a tuple of ints (negatives count from the end) and
``keepdim`` keeps the reduced dims as size 1, everywhere, as in PyTorch.
"""
import warnings

import numpy as np

from .. import return_types
from ..autograd import Function, named_as, named_node
from ..tensor import Tensor, _is_floating, torch_type_name
from .complex_numbers import refuse_complex
from .shape import normalize_dim

__all__ = ["sum", "mean", "var", "std", "max", "min", "amax", "amin", "argmax", "argmin", "any", "all", "var_mean",
           "std_mean", "logsumexp", "nansum", "nanmean"]

# The (values, indices) pair of ``max(dim=...)``, as ``torch.return_types.max``.
max_result = return_types.max
min_result = return_types.min


def _axes(dim, ndim):
    """``dim`` (None, int or tuple; None or () meaning every dim) as a sorted tuple of distinct axes."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = []
    for d in dims:
        axis = normalize_dim(d, ndim)
        if axis in axes:
            raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        axes.append(axis)
    axes.sort()
    return tuple(axes) if ndim else ()


def _keepdim_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _check_floating(x, op, given=False):
    """PyTorch's refusal of an integer tensor (or, ``given``, an integer ``dtype=``) by a floating reduction."""
    if _is_floating(x.dtype) or x.dtype.kind == "c":
        return
    if op in ("var", "std", "var_mean", "std_mean"):
        raise RuntimeError(f"{'std and var' if op in ('var', 'std') else op} only support floating point and "
                           f"complex dtypes")
    if op == "nanmean":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{torch_type_name(x.dtype)}")
    raise RuntimeError(f"{op}(): could not infer output dtype. {'Optional' if given else 'Input'} dtype must be "
                       f"either a floating point or complex dtype. Got: {torch_type_name(x.dtype)}")


class Sum(Function):
    supports_complex = True

    def forward(self, a, axes, keepdim):
        self.in_shape, self.axes = a.shape, axes
        return self.B.sum(a, axis=axes, keepdims=keepdim)

    def backward(self, g):
        B = self.B
        g = B.reshape(g, _keepdim_shape(self.in_shape, self.axes))
        return B.copy(B.broadcast_to(g, self.in_shape))


def sum(x, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    """``torch.sum`` over all elements or over ``dim`` (int or tuple), in ``dtype`` when given."""
    if dtype is not None:
        x = x.to(dtype)
    out = Sum.apply(x, axes=_axes(dim, x.ndim), keepdim=keepdim)
    if dim is not None:  # (PyTorch's sum over dims is its second overload)
        named_node(out, "SumBackward1", x)
    return in_requested_dtype(out, dtype)


def in_requested_dtype(out, dtype):
    """The result in ``dtype`` when one was asked for: the backends sum and multiply small integers in int64, as
    PyTorch does without ``dtype=``; with it PyTorch's result keeps that dtype (wrapping as the narrow type
    would)."""
    return out if dtype is None or out.dtype == dtype else out.to(dtype)


class Mean(Function):
    supports_complex = True

    def forward(self, a, axes, keepdim):
        self.in_shape, self.axes = a.shape, axes
        return self.B.mean(a, axis=axes, keepdims=keepdim)

    def backward(self, g):
        B = self.B
        g = B.reshape(g, _keepdim_shape(self.in_shape, self.axes))
        return B.div(B.broadcast_to(g, self.in_shape), B.scalar(_count(self.in_shape, self.axes), g.dtype))


def mean(x, dim=None, keepdim=False, *, dtype=None):
    """``torch.mean`` of a floating tensor (or of any tensor cast to ``dtype``) over all elements or over ``dim``."""
    if dtype is not None:
        x = x.to(dtype)
    _check_floating(x, "mean", given=dtype is not None)
    out = Mean.apply(x, axes=_axes(dim, x.ndim), keepdim=keepdim)
    return out if dim is None else named_node(out, "MeanBackward1", x)


class Var(Function):
    def forward(self, a, axes, correction, keepdim):
        self.in_shape, self.axes, self.correction = a.shape, axes, correction
        self.save_for_backward(a)
        return self.B.var(a, axis=axes, correction=correction, keepdims=keepdim)

    def backward(self, g):
        B, a = self.B, self.saved[0]
        centred = B.sub(a, B.mean(a, axis=self.axes, keepdims=True))
        dof = _count(self.in_shape, self.axes) - self.correction
        scale = B.scalar(2.0 / dof if dof > 0 else float("inf"), g.dtype)  # no degrees of freedom: NaN, as torch
        return B.mul(centred, B.mul(B.reshape(g, _keepdim_shape(self.in_shape, self.axes)), scale))


def _correction(unbiased, correction):
    if correction is not None and unbiased is not None:
        raise RuntimeError("var/std: pass only one of 'unbiased' and 'correction'")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.var``: unbiased (correction=1) by default; ``unbiased=False`` or ``correction=0`` divide by N.

    ``x.var(False)`` is read as ``unbiased=False``, as PyTorch's legacy overload.
    """
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    _check_floating(x, "var")
    if x.dtype.kind == "c":  # E|z - Ez|^2: the real parts' variance plus the imaginary parts'
        return var(x.real, dim, unbiased, keepdim, correction=correction) + var(x.imag, dim, unbiased, keepdim,
                                                                                correction=correction)
    return _var(x, dim, unbiased, keepdim, correction, "var")


def _var(x, dim, unbiased, keepdim, correction, name):
    axes, correction = _axes(dim, x.ndim), _correction(unbiased, correction)
    if _count(tuple(x.shape), axes) - correction <= 0:  # NaN (or inf), with PyTorch's warning
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      f"reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return Var.apply(x, axes=axes, correction=correction, keepdim=keepdim)


class _StdFromVar(Function):
    """sqrt of a variance whose gradient is 0 where the deviation is 0 (a constant input), as PyTorch's
    std_backward, instead of g / (2·0)."""

    def forward(self, v):
        out = self.B.sqrt(v)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        B, out = self.B, self.saved[0]
        zero = B.scalar(0, g.dtype)
        is_zero = B.equal(out, zero)
        safe = B.where(is_zero, B.scalar(1, g.dtype), out)
        return B.where(is_zero, zero, B.div(g, B.mul(safe, B.scalar(2, g.dtype))))


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.std``: the square root of ``var`` with the same arguments (gradient 0 for a constant input). On the
    CPU float32 and float16 take the root in float64 and round once, as PyTorch's Welford kernel (double) does."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    _check_floating(x, "std")
    if x.dtype.kind == "c":
        return var(x, dim, unbiased, keepdim, correction=correction).sqrt()
    if x.device.type == "cpu" and x.dtype in (np.float32, np.float16):
        out = _StdFromVar.apply(_var(x.double(), dim, unbiased, keepdim, correction, "std")).to(x.dtype)
    else:
        out = _StdFromVar.apply(_var(x, dim, unbiased, keepdim, correction, "std"))
    return named_node(out, "StdBackward0", x)


def var_mean(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.var_mean``: (var, mean) with var's arguments."""
    _check_floating(x, "var_mean")
    return var(x, dim, unbiased, keepdim, correction=correction), mean(x, dim if not isinstance(dim, bool) else None,
                                                                       keepdim)


def std_mean(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``torch.std_mean``: (std, mean) with std's arguments."""
    _check_floating(x, "std_mean")
    return std(x, dim, unbiased, keepdim, correction=correction), mean(x, dim if not isinstance(dim, bool) else None,
                                                                       keepdim)


@named_as("LogsumexpBackward0")
def logsumexp(x, dim, keepdim=False):
    """``torch.logsumexp``: log(sum(exp(x))) over ``dim``, computed after subtracting the maximum (0 where that is
    infinite, as PyTorch), so that large inputs do not overflow; the gradient is softmax(x) times g."""
    from .compare import where
    if x.dtype.kind not in "fc":
        x = x.float()
    top = amax(x.real if x.dtype.kind == "c" else x, dim, keepdim=True).detach()  # (complex: by the real parts)
    top = where(top.abs() == float("inf"), 0.0, top)
    out = (x - top).exp().sum(dim, keepdim=True).log() + top
    return out if keepdim else out.squeeze(_axes(dim, x.ndim))


def nansum(x, dim=None, keepdim=False, *, dtype=None):
    """``torch.nansum``: the sum with NaN counted as zero (its gradient zero there)."""
    from .compare import where
    return sum(where(x.isnan(), 0.0, x) if _is_floating(x.dtype) else x, dim, keepdim, dtype=dtype)


def nanmean(x, dim=None, keepdim=False, *, dtype=None):
    """``torch.nanmean``: the mean of the values that are not NaN (NaN where all are)."""
    if dtype is not None:
        x = x.to(dtype)
    _check_floating(x, "nanmean")
    return nansum(x, dim, keepdim) / (~x.isnan()).sum(dim, keepdim=keepdim).to(x.dtype)


class Extreme(Function):
    """max/min over several dims; ties share the gradient evenly, as PyTorch's amax/amin and full max/min. A NaN
    result's gradient goes to the NaN entries with ``nan_ties`` (full max/min), else it is NaN (amax/amin)."""

    def forward(self, a, axes, keepdim, largest, nan_ties=False):
        B = self.B
        self.axes, self.nan_ties = axes, nan_ties
        out = (B.amax if largest else B.amin)(a, axis=axes, keepdims=True)
        self.save_for_backward(a, out)
        return out if keepdim else B.reshape(out, tuple(s for i, s in enumerate(a.shape) if i not in axes))

    def backward(self, g):
        a, out = self.saved
        return shared_by_ties(self.B, g, a, out, self.axes, self.nan_ties)


def shared_by_ties(B, g, a, value, axes, nan_ties=True):
    """The gradient ``g`` of a value picked from ``a`` (over ``axes``, kept as size-1 dims in ``value``), shared
    evenly by the entries equal to it, or with ``nan_ties`` by the NaN entries when it is NaN: PyTorch's
    evenly_distribute_backward (without ``nan_ties``: its scale_grad_by_count, NaN for a NaN value)."""
    same = B.equal(a, value)
    if nan_ties:
        same = B.bitwise_or(same, B.bitwise_and(B.not_equal(a, a), B.not_equal(value, value)))
    winners = B.astype(same, g.dtype)
    share = B.div(B.reshape(g, value.shape), B.sum(winners, axis=axes, keepdims=True))
    return B.mul(winners, share)


class SharedByTies(Function):
    """``value``, one of a's entries chosen by the caller (a median), whose gradient the entries equal to it
    share (``shared_by_ties``), as PyTorch's median and nanmedian over all elements give it."""

    def forward(self, a, value):
        self.save_for_backward(a, value)
        return value  # (an array of its own, made for this result by the caller)

    def backward(self, g):
        a, value = self.saved
        return shared_by_ties(self.B, g, a, value, None)


class TakeAlongDim(Function):
    """The values at ``indices`` along one axis; the gradient goes back to those positions only."""

    def forward(self, a, indices, axis, keepdim):
        self.in_shape, self.indices, self.axis = a.shape, indices, axis
        out = self.B.take_along_axis(a, indices, axis)
        return out if keepdim else self.B.reshape(out, a.shape[:axis] + a.shape[axis + 1:])

    def backward(self, g):
        B = self.B
        g = B.reshape(g, self.indices.shape)
        return B.scatter_along_axis(g, self.indices, self.axis, self.in_shape)

    def composite(self, a, indices, axis, keepdim):
        """The same output as differentiable ops, for second derivatives (autograd_graph): a indexed by
        ``indices`` along ``axis`` and by each position along the other dims."""
        places = Tensor._wrap(indices, a.device)
        index = tuple(places if d == axis else
                      Tensor(np.arange(n).reshape([-1 if k == d else 1 for k in range(a.ndim)]), dtype=np.int64,
                             device=a.device) for d, n in enumerate(places.shape))
        out = a[index]
        return out if keepdim else out.reshape(tuple(a.shape[:axis]) + tuple(a.shape[axis + 1:]))


def _check_nonempty(name, x, axes):
    """PyTorch's errors for a max/min over no elements: no dim given (``axes`` None), or an empty dim."""
    if x.numel():
        return
    if axes is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           f"reduction dim with the 'dim' argument.")
    for axis in axes:
        if x.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


def _extreme(x, dim, keepdim, largest, name):
    if dim is None:
        _check_nonempty(name, x, None)
        out = Extreme.apply(x, axes=tuple(range(x.ndim)), keepdim=False, largest=largest, nan_ties=True)
        return named_node(out, "MaxBackward1" if largest else "MinBackward1", x)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{name}(): dim must be an int, got {dim!r} (use amax/amin to reduce several dims)")
    axis = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        values, indices = x, Tensor._wrap(x.backend.argmax(x.array), x.device)
        return (max_result if largest else min_result)(values, indices)
    B = x.backend
    _check_nonempty(name, x, (axis,))
    indices = (B.argmax if largest else B.argmin)(x.array, axis=axis, keepdims=True)
    values = named_node(TakeAlongDim.apply(x, indices=indices, axis=axis, keepdim=keepdim),
                        "MaxBackward0" if largest else "MinBackward0", x)
    if not keepdim:
        indices = B.reshape(indices, tuple(values.shape))
    return (max_result if largest else min_result)(values, Tensor._wrap(indices, x.device))


def max(x, dim=None, keepdim=False):  # noqa: A001
    """``torch.max``: the largest element; with ``dim``, a (values, indices) namedtuple.

    The gradient of the full reduction is shared among tied maxima; with
    ``dim`` it goes to the returned index, as in PyTorch. ``max(x, other)``
    is ``maximum``.
    """
    if isinstance(dim, Tensor):
        from .elementwise import maximum
        return maximum(x, dim)
    refuse_complex(x, '"max_all" not implemented for {!r}' if dim is None else "max(): does not support complex input")
    return _extreme(x, dim, keepdim, True, "max")


def min(x, dim=None, keepdim=False):  # noqa: A001
    """``torch.min``: the smallest element; with ``dim``, a (values, indices) namedtuple."""
    if isinstance(dim, Tensor):
        from .elementwise import minimum
        return minimum(x, dim)
    refuse_complex(x, '"min_all" not implemented for {!r}' if dim is None else "min(): does not support complex input")
    return _extreme(x, dim, keepdim, False, "min")


def _amax_amin(x, dim, keepdim, largest, name):
    refuse_complex(x, f'"{name[1:]}_values_cpu" not implemented for {{!r}}')
    every = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
    _check_nonempty(name, x, None if every else _axes(dim, x.ndim))
    return named_node(Extreme.apply(x, axes=_axes(dim, x.ndim), keepdim=keepdim, largest=largest),
                      "AmaxBackward0" if largest else "AminBackward0", x)


def amax(x, dim=(), keepdim=False):
    """``torch.amax``: max over ``dim`` (int or tuple; () means all); ties share the gradient evenly."""
    return _amax_amin(x, dim, keepdim, True, "amax")


def amin(x, dim=(), keepdim=False):
    """``torch.amin``: min over ``dim`` (int or tuple; () means all); ties share the gradient evenly."""
    return _amax_amin(x, dim, keepdim, False, "amin")


def _arg(x, dim, keepdim, largest):
    refuse_complex(x, f"arg{'max' if largest else 'min'}(): does not support complex input")
    B = x.backend
    find = B.argmax if largest else B.argmin
    if dim is None:
        index = find(B.reshape(x.array, (-1,)))
        if keepdim:
            index = B.reshape(index, (1,) * x.ndim)
        return Tensor._wrap(index, x.device)
    axis = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return Tensor._wrap(find(x.array), x.device)
    return Tensor._wrap(find(x.array, axis=axis, keepdims=keepdim), x.device)


def argmax(x, dim=None, keepdim=False):
    """``torch.argmax``: int64 index of the first maximum (of the flattened tensor when ``dim`` is None)."""
    return _arg(x, dim, keepdim, True)


def argmin(x, dim=None, keepdim=False):
    """``torch.argmin``: int64 index of the first minimum (of the flattened tensor when ``dim`` is None)."""
    return _arg(x, dim, keepdim, False)


def _count_true(x, dim, keepdim, negate):
    import numpy as np
    B = x.backend
    truth = B.not_equal(x.array, B.scalar(0, x.dtype))
    if negate:
        truth = B.logical_not(truth)
    counts = B.sum(B.astype(truth, np.dtype("int64")), axis=_axes(dim, x.ndim), keepdims=keepdim)
    return Tensor._wrap(B.greater(counts, B.scalar(0, np.dtype("int64"))), x.device)


def any(x, dim=None, keepdim=False):  # noqa: A001
    """``torch.any``: whether any element (over ``dim``) is nonzero; a bool tensor (False when empty), uint8 for
    a uint8 input as PyTorch's."""
    return _as_uint8_like(x, _count_true(x, dim, keepdim, negate=False))


def all(x, dim=None, keepdim=False):  # noqa: A001
    """``torch.all``: whether every element (over ``dim``) is nonzero; a bool tensor (True when empty), uint8 for
    a uint8 input as PyTorch's."""
    out = _count_true(x, dim, keepdim, negate=True)
    return _as_uint8_like(x, Tensor._wrap(out.backend.logical_not(out.array), out.device))


def _as_uint8_like(x, answer):
    """PyTorch keeps uint8 for any/all of a uint8 tensor (its byte masks of old)."""
    return answer.to(x.dtype) if x.dtype == np.uint8 else answer


METHODS = {"sum": sum, "mean": mean, "var": var, "std": std, "max": max, "min": min,
           "amax": amax, "amin": amin, "argmax": argmax, "argmin": argmin, "any": any, "all": all,
           "logsumexp": logsumexp, "nansum": nansum, "nanmean": nanmean}

"""Sorting, as PyTorch's: sort, argsort, topk, msort, median, kthvalue. The order is found by numpy's stable sort on the host (a
GPU tensor's values make the round trip), with PyTorch's NaN rule: NaN counts as larger than every number. The
values are taken at the found indices on the tensor's device, so the gradient goes back to those positions."""

import numpy as np

from .. import return_types
from .complex_numbers import refuse_complex
from ..tensor import Tensor, int64
from .reduce import TakeAlongDim
from .shape import normalize_dim

__all__ = ["sort", "argsort", "topk", "msort", "median", "kthvalue"]

SortResult = return_types.sort
TopkResult = return_types.topk
MedianResult = return_types.median
KthvalueResult = return_types.kthvalue


def _order(values, axis, descending):
    """Indices that sort ``values`` (a numpy array) along ``axis``, ties in their original order; NaN last
    ascending, first descending."""
    if values.dtype == np.bool_:
        values = values.astype(np.int8)
    if not descending:
        return np.argsort(values, axis=axis, kind="stable")
    moved = np.moveaxis(values, axis, -1)
    if moved.dtype.kind == "f":
        keys = (np.where(np.isnan(moved), 0, -moved), ~np.isnan(moved))  # (lexsort: the last key first)
    else:
        keys = (-moved.astype(np.int64) if moved.dtype.kind == "u" else ~moved,)
    return np.moveaxis(np.lexsort(keys, axis=-1), -1, axis)


def _sorted(input, dim, descending, count=None):  # noqa: A002
    refuse_complex(input, f" {'Sort' if count is None else 'topk'} does not support complex dtypes on CPU")
    if input.ndim == 0:
        return input.clone(), Tensor(0, dtype=int64, device=input.device)
    axis = normalize_dim(dim, input.ndim)
    order = _order(input.backend.to_numpy(input.array), axis, descending)
    if count is not None:
        order = np.take(order, np.arange(count), axis=axis)
    indices = Tensor(np.ascontiguousarray(order), dtype=int64, device=input.device)
    return TakeAlongDim.apply(input, indices=indices.array, axis=axis, keepdim=True), indices


def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``torch.sort``: (values, indices) along ``dim``; ties keep their order (what ``stable=True`` asks for)."""
    return SortResult(*_sorted(input, dim, descending))


def argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``torch.argsort``: the indices of ``sort``."""
    return _sorted(input, dim, descending)[1]


def msort(input):  # noqa: A002
    """``torch.msort``: sorted along dim 0."""
    return _sorted(input, 0, False)[0]


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """``torch.topk``: the k largest (or with largest=False smallest) entries along ``dim`` and their indices, in
    sorted order (which ``sorted=False`` allows PyTorch to skip; here they are always sorted)."""
    if input.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    size = input.shape[normalize_dim(dim, input.ndim)] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    return TopkResult(*_sorted(input, dim, largest, count=k))


def _kth(input, k, dim, keepdim, nan_wins):  # noqa: A002
    """The k-th smallest entry (1-based) along ``dim`` and its index, picked from the stable sort; with
    ``nan_wins`` a slice holding NaN gives NaN at its first NaN (median's rule)."""
    axis = normalize_dim(dim, input.ndim) if input.ndim else 0
    values = input.backend.to_numpy(input.array).reshape(input.shape if input.ndim else (1,))
    order = _order(values, axis, False)
    chosen = np.take(order, [k - 1], axis=axis)
    if nan_wins and values.dtype.kind == "f":
        nan = np.isnan(values)
        first_nan = np.argmax(nan, axis=axis, keepdims=True)
        chosen = np.where(nan.any(axis=axis, keepdims=True), first_nan, chosen)
    indices = Tensor(np.ascontiguousarray(chosen), dtype=int64, device=input.device)
    source = input if input.ndim else input.reshape(1)
    picked = TakeAlongDim.apply(source, indices=indices.array, axis=axis, keepdim=keepdim and input.ndim > 0)
    indices = indices if keepdim and input.ndim else indices.reshape(tuple(picked.shape))
    return picked, indices


def median(input, dim=None, keepdim=False):  # noqa: A002
    """``torch.median``: the lower of the two middle values (not their mean), NaN where a NaN is present; with
    ``dim``, (values, indices) along it. The index of a value that occurs more than once is that of the stable
    sort's pick (PyTorch's own choice among equal values is not specified)."""
    if dim is None:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            return Tensor(np.nan, dtype=input.dtype, device=input.device)
        from .reduce import SharedByTies
        value = _kth(flat.detach(), (flat.shape[0] + 1) // 2, 0, False, True)[0]
        return SharedByTies.apply(input, value=value.array)
    size = input.shape[normalize_dim(dim, input.ndim)] if input.ndim else 1
    return MedianResult(*_kth(input, (size + 1) // 2, dim, keepdim, True))


def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """``torch.kthvalue``: the k-th smallest entry along ``dim`` (k from 1) and its index."""
    size = input.shape[normalize_dim(dim, input.ndim)] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return KthvalueResult(*_kth(input, k, dim, keepdim, False))


METHODS = {"sort": sort, "argsort": argsort, "topk": topk, "msort": msort, "median": median, "kthvalue": kthvalue}

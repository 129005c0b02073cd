"""Ops whose output size depends on the values, as PyTorch's: nonzero, where(condition), masked_select, unique,
bincount and count_nonzero. The values decide the shape, so they are read on the host (numpy), as PyTorch's CUDA
versions synchronise with the GPU to learn the size; masked_select takes its values on the tensor's device and
passes its gradient back to the selected places."""
import numpy as np

from ..tensor import Tensor, int64, _is_floating

__all__ = ["nonzero", "nonzero_static", "argwhere", "masked_select", "unique", "bincount", "count_nonzero"]


def _host(x):
    return x.backend.to_numpy(x.array)


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """``torch.nonzero``: the indices of the non-zero elements, one row each (n, ndim), in row-major order; with
    ``as_tuple`` one index tensor per dim (what ``torch.where(condition)`` gives)."""
    places = np.nonzero(_host(input)) if input.ndim else np.nonzero(np.atleast_1d(_host(input)))
    if as_tuple:
        return tuple(Tensor(p, dtype=int64, device=input.device) for p in places)
    rows = np.stack(places, 1) if input.ndim else np.zeros((len(places[0]), 0), np.int64)
    return Tensor(rows, dtype=int64, device=input.device)


def nonzero_static(input, *, size, fill_value=-1):  # noqa: A002
    """``torch.nonzero_static``: ``nonzero``'s rows cut or padded (with ``fill_value``) to exactly ``size``."""
    rows = _host(nonzero(input).detach())
    padded = np.full((size, rows.shape[1]), fill_value, np.int64)
    padded[:min(size, len(rows))] = rows[:size]
    return Tensor(padded, dtype=int64, device=input.device)


def argwhere(input):  # noqa: A002
    """``torch.argwhere``: ``nonzero(input)``."""
    return nonzero(input)


def masked_select(input, mask):  # noqa: A002
    """``torch.masked_select``: the elements where the (broadcast) bool ``mask`` is True, as a 1-D tensor."""
    if mask.dtype != np.dtype(bool):
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype}")
    shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    return input.expand(shape)[mask.expand(shape)]


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """``torch.unique``: the distinct values in ascending order (the distinct slices along ``dim``), with the
    index of each element's value (``return_inverse``) and how often each occurs (``return_counts``)."""
    from .complex_numbers import refuse_complex
    refuse_complex(input, '"unique" not implemented for {!r}')
    values = _host(input)
    if dim is None:
        found, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(values.shape)
    else:
        found, inverse, counts = np.unique(values, return_inverse=True, return_counts=True, axis=dim)
        inverse = inverse.reshape(-1)
    out = [Tensor(found, dtype=input.dtype, device=input.device)]
    if return_inverse:
        out.append(Tensor(inverse, dtype=int64, device=input.device))
    if return_counts:
        out.append(Tensor(counts, dtype=int64, device=input.device))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """``torch.bincount``: how often each value 0, 1, ... occurs in a 1-D tensor of non-negative integers (or the
    sum of ``weights`` at its places), at least ``minlength`` bins."""
    values = _host(input)
    if input.ndim != 1 or _is_floating(input.dtype) or input.dtype == np.dtype(bool):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if values.size and values.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return Tensor(np.bincount(values, minlength=minlength), dtype=int64, device=input.device)
    if tuple(weights.shape) != tuple(input.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dtype = weights.dtype if _is_floating(weights.dtype) else np.dtype("float64")
    counted = np.bincount(values, weights=_host(weights).astype(np.float64), minlength=minlength)
    return Tensor(counted, dtype=dtype, device=input.device)


def count_nonzero(input, dim=None):  # noqa: A002
    """``torch.count_nonzero``: the number of non-zero elements, over ``dim`` (all by default)."""
    return (input != 0).sum(dim)


METHODS = {"nonzero": nonzero, "nonzero_static": nonzero_static, "argwhere": argwhere, "masked_select": masked_select, "unique": unique,
           "bincount": bincount, "count_nonzero": count_nonzero}

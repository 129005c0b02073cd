"""Order statistics and friends, as PyTorch's: quantile, nanquantile, nanmedian, mode, cummax, cummin, cov,
corrcoef, histc, searchsorted, bucketize. Positions are found on the host with numpy; values are gathered from
the input on its device, so gradients go back to the chosen elements."""

import numpy as np

from .. import return_types
from ..creation import tensor
from ..tensor import Tensor, _is_floating
from .rearrange import gather
from .shape import normalize_dim
from .sort import sort

__all__ = ["quantile", "nanquantile", "nanmedian", "mode", "cummax", "cummin", "cov", "corrcoef", "histc",
           "histogram", "histogramdd", "searchsorted", "bucketize"]

ModeResult = return_types.mode
HistogramResult = return_types.histogram
CummaxResult = return_types.cummax
CumminResult = return_types.cummin
NanmedianResult = return_types.nanmedian


def _host(x):
    return x.detach().cpu().numpy()


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, name):  # noqa: A002
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Found "
                         f"{interpolation}")
    if not _is_floating(input.dtype):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor) or q.ndim == 0
    q_values = np.atleast_1d(_host(q) if isinstance(q, Tensor) else np.asarray(q, dtype=np.float64))
    if q_values.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if ((q_values < 0) | (q_values > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        values, reduced = input.reshape(-1), ((1,) * input.ndim if keepdim else ())
        dim = 0
    else:
        dim = normalize_dim(dim, max(input.ndim, 1))
        values = input if input.ndim else input.reshape(1)
        reduced = tuple(1 if d == dim else n for d, n in enumerate(values.shape)) if keepdim else \
            tuple(n for d, n in enumerate(values.shape) if d != dim)
    ordered = sort(values.movedim(dim, -1), -1).values  # NaN last
    size = ordered.shape[-1]
    if size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    host = _host(ordered)
    dtype = host.dtype.type
    q_values = q_values.astype(host.dtype)
    if ignore_nan:  # ranks among the numbers; a slice of NaNs only gets rank 0 (its value NaN)
        counts = (~np.isnan(host)).sum(-1, keepdims=True).astype(host.dtype)
        ranks = np.maximum(q_values * (counts - 1), dtype(0))
    else:  # a slice holding a NaN takes the last rank, whose value is NaN
        has_nan = np.isnan(host).any(-1, keepdims=True)
        ranks = np.where(has_nan, dtype(size - 1), q_values * dtype(size - 1))
    ranks = ranks.astype(host.dtype)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.rint(ranks)
    below = ranks.astype(np.int64)
    lower = gather(ordered, -1, tensor(below, device=input.device))
    if interpolation in ("linear", "midpoint"):
        above = gather(ordered, -1, tensor(np.ceil(ranks).astype(np.int64), device=input.device))
        weight = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below.astype(host.dtype)
        lower = lower.lerp(above, tensor(weight, device=input.device))
    # lower: (*others, len(q)) -> (len(q), *reduced)
    out = lower.movedim(-1, 0).reshape((len(q_values),) + reduced)
    return out[0] if scalar_q else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """``torch.quantile``: the q-th quantiles along ``dim`` (all elements when None), interpolated between the
    two nearest ranks as ``interpolation`` says; NaN where the slice holds a NaN. A 1-D q adds a leading dim."""
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """``torch.nanquantile``: ``quantile`` of the numbers, ignoring NaNs (NaN only for a slice of NaNs)."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """``torch.nanmedian``: the lower median of the numbers, NaNs ignored (NaN for a slice of NaNs); with ``dim``,
    (values, indices)."""
    flat = dim is None
    x = input.reshape(-1) if flat else (input if input.ndim else input.reshape(1))
    axis = 0 if flat else normalize_dim(dim, x.ndim)
    ordered, order = sort(x, axis)
    host = _host(ordered)
    counts = (~np.isnan(host)).sum(axis, keepdims=True) if host.dtype.kind == "f" else \
        np.full(host.shape[:axis] + (1,) + host.shape[axis + 1:], host.shape[axis])
    rank = tensor(np.maximum(counts - 1, 0) // 2, device=input.device)
    values, indices = gather(ordered, axis, rank), gather(order, axis, rank)
    if flat:  # (its gradient shared by the entries equal to it, as PyTorch's)
        from .reduce import SharedByTies
        return SharedByTies.apply(input, value=values.detach().reshape(()).array)
    if not keepdim or input.ndim == 0:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return NanmedianResult(values, indices)


def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """``torch.mode``: the most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence, as PyTorch's CPU kernel gives."""
    x = input if input.ndim else input.reshape(1)
    axis = normalize_dim(dim, x.ndim)
    host = np.moveaxis(_host(x), axis, -1)
    flat = host.reshape(-1, host.shape[-1])
    chosen = np.empty(flat.shape[0], dtype=np.int64)
    for row, line in enumerate(flat):
        values, counts = np.unique(line, return_counts=True)  # (sorted: the first most frequent is the smallest)
        best = values[np.argmax(counts)]
        chosen[row] = np.flatnonzero((line == best) | (np.isnan(line) & np.isnan(best)))[-1]
    index = tensor(np.moveaxis(chosen.reshape(host.shape[:-1] + (1,)), -1, axis), device=input.device)
    values = gather(x, axis, index)
    if not keepdim or input.ndim == 0:
        values, index = values.squeeze(axis), index.squeeze(axis)
    return ModeResult(values, index)


def _running_extreme(input, dim, larger, result):  # noqa: A002
    x = input if input.ndim else input.reshape(1)
    axis = normalize_dim(dim, x.ndim)
    host = np.moveaxis(_host(x), axis, 0)
    best_index = np.zeros(host.shape, dtype=np.int64)
    best = host[0].copy()
    for i in range(1, host.shape[0]):
        value = host[i]
        better = value >= best if larger else value <= best  # (ties take the later index, as PyTorch)
        if host.dtype.kind == "f":  # a NaN wins, and stays the extreme
            better = np.isnan(value) | (~np.isnan(best) & better)
        best = np.where(better, value, best)
        best_index[i] = np.where(better, i, best_index[i - 1])
    index = tensor(np.ascontiguousarray(np.moveaxis(best_index, 0, axis)), device=input.device)
    values = gather(x, axis, index)
    if input.ndim == 0:
        values, index = values.reshape(()), index.reshape(())
    return result(values, index)


def cummax(input, dim):  # noqa: A002
    """``torch.cummax``: the running maximum along ``dim`` and the index where it was (the latest among ties;
    NaN propagates)."""
    from .complex_numbers import refuse_complex
    refuse_complex(input, '"cummax_cpu" not implemented for {!r}')
    return _running_extreme(input, dim, True, CummaxResult)


def cummin(input, dim):  # noqa: A002
    """``torch.cummin``: the running minimum along ``dim`` and the index where it was."""
    from .complex_numbers import refuse_complex
    refuse_complex(input, '"cummin_cpu" not implemented for {!r}')
    return _running_extreme(input, dim, False, CumminResult)


def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """``torch.cov``: the covariance matrix of the variables in the rows (observations in the columns), with
    optional integer frequency weights and observation weights, divided by (weights' sum - correction)."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    from .complex_numbers import refuse_complex
    refuse_complex(x, "cov(): complex inputs are not supported by minigrad yet ({})")
    if not _is_floating(x.dtype):
        x = x.float()
    weights = None
    for given in (fweights, aweights):
        if given is not None:
            weights = given.to(x.dtype) if weights is None else weights * given.to(x.dtype)
    observations = x.shape[1]
    total = weights.sum() if weights is not None else float(observations)
    mean = (x * weights).sum(1, keepdim=True) / total if weights is not None else x.mean(1, keepdim=True)
    if aweights is None:
        norm = total - correction
    else:
        norm = total - correction * (weights * aweights.to(x.dtype)).sum() / total
    if not isinstance(norm, Tensor):
        norm = max(norm, 0.0)
    else:
        norm = norm.clamp(min=0)
    centred = x - mean
    out = (centred * weights if weights is not None else centred) @ centred.transpose(0, 1) / norm
    return out.squeeze()  # (one variable: a 0-d result, as PyTorch's)


def corrcoef(input):  # noqa: A002
    """``torch.corrcoef``: Pearson's correlation coefficients of the rows' variables, clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    stddev = c.diagonal().sqrt()
    return (c / stddev.unsqueeze(1) / stddev.unsqueeze(0)).clamp(-1, 1)


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """``torch.histc``: counts in ``bins`` equal bins between min and max (the data's range when both are 0),
    elements outside ignored, in the input's dtype."""
    values = _host(input).reshape(-1)
    low, high = float(min), float(max)
    if low == high and values.size:
        low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histogram: min should not exceed max")
    inside = values[(values >= low) & (values <= high)]
    place = ((inside - low) * bins / (high - low)).astype(np.int64)
    counts = np.bincount(np.minimum(place, bins - 1), minlength=bins).astype(values.dtype)
    return tensor(counts, device=input.device)


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """``torch.histogram``: (hist, bin_edges) for ``bins`` equal bins over ``range`` (the data's when None) or
    over the given edges; the last bin holds its right edge; ``weight`` per element, ``density`` normalises."""
    values = _host(input).reshape(-1)
    if isinstance(bins, Tensor):
        edges = _host(bins)
    else:
        low, high = range if range is not None else ((values.min(), values.max()) if values.size else (0.0, 0.0))
        if low == high:
            low, high = low - 0.5, high + 0.5  # (numpy's and PyTorch's widening of an empty range)
        edges = np.linspace(low, high, int(bins) + 1).astype(values.dtype)
    weights = None if weight is None else _host(weight).reshape(-1)
    hist, _ = np.histogram(values, bins=edges, weights=weights, density=density)
    return HistogramResult(tensor(hist.astype(values.dtype), device=input.device),
                           tensor(edges.astype(values.dtype), device=input.device))


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """``torch.histogramdd``: the histogram of the rows of ``input`` (N, D) in D dims, ``bins`` an int, one int
    per dim or one edge tensor per dim, ``range`` [low0, high0, low1, high1, ...]; (hist, one edge tensor per
    dim)."""
    values = _host(input)
    points = values.reshape(-1, values.shape[-1])
    dims = points.shape[1]
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        edges = [_host(b) for b in bins]
    else:
        counts = [int(bins)] * dims if isinstance(bins, (int, np.integer)) else [int(b) for b in bins]
        edges = []
        for d, count in enumerate(counts):
            column = points[:, d]
            low, high = (range[2 * d], range[2 * d + 1]) if range is not None else (
                (column.min(), column.max()) if column.size else (0.0, 0.0))
            if low == high:
                low, high = low - 0.5, high + 0.5
            edges.append(np.linspace(low, high, count + 1).astype(values.dtype))
    weights = None if weight is None else _host(weight).reshape(-1)
    hist, _ = np.histogramdd(points, bins=edges, weights=weights, density=density)
    return HistogramResult(tensor(hist.astype(values.dtype), device=input.device),
                           tuple(tensor(e.astype(values.dtype), device=input.device) for e in edges))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):  # noqa: A002
    """``torch.searchsorted``: for each value, the index where it would be inserted to keep each row of
    ``sorted_sequence`` sorted (after the equal ones with right=True or side='right')."""
    if side is not None:
        right = side == "right"
    boundaries = _host(sorted_sequence)
    if sorter is not None:
        boundaries = np.take_along_axis(boundaries, _host(sorter), -1)
    values = _host(input) if isinstance(input, Tensor) else np.asarray(input)
    how = "right" if right else "left"
    if boundaries.ndim == 1:
        places = np.searchsorted(boundaries, values, side=how)
    else:
        if boundaries.shape[:-1] != values.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries and input should have the same leading dimensions")
        rows = boundaries.reshape(-1, boundaries.shape[-1])
        wanted = values.reshape(-1, values.shape[-1])
        places = np.stack([np.searchsorted(r, w, side=how) for r, w in zip(rows, wanted)]).reshape(values.shape)
    device = input.device if isinstance(input, Tensor) else sorted_sequence.device
    return tensor(np.asarray(places, dtype=np.int32 if out_int32 else np.int64), device=device)


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """``torch.bucketize``: the index of each value's bucket among 1-D ``boundaries``."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


METHODS = {"quantile": quantile, "nanquantile": nanquantile, "nanmedian": nanmedian, "mode": mode,
           "cummax": cummax, "cummin": cummin, "cov": cov, "corrcoef": corrcoef, "histc": histc,
           "histogram": histogram}

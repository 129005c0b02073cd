"""Joining, tiling and splitting tensors, as PyTorch's: broadcast_to, broadcast_tensors, atleast_1d/2d/3d,
hstack, vstack, dstack, column_stack, meshgrid, tile, repeat_interleave, tensor_split, hsplit, vsplit, dsplit,
unflatten, ravel, swapaxes, take, take_along_dim, rot90, block_diag, cartesian_prod, combinations, diag_embed,
diagflat, unique_consecutive, unravel_index, trapezoid.

Each is written with the differentiable shape ops (expand, cat, reshape, index_select, gather, pad), so its
gradient is theirs."""
import itertools

import numpy as np

from ..creation import tensor
from ..tensor import Size, Tensor
from .shape import cat, expand, normalize_dim, reshape, stack, tensor_list, transpose
from .compare import where
from .rearrange import first_out_of_range, flip, gather, index_select, movedim, narrow

__all__ = ["broadcast_to", "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d",
           "hstack", "vstack", "row_stack", "dstack", "column_stack", "meshgrid", "tile", "repeat_interleave",
           "tensor_split", "hsplit", "vsplit", "dsplit", "unflatten", "ravel", "swapaxes", "swapdims", "take",
           "take_along_dim", "rot90", "block_diag", "cartesian_prod", "combinations", "diag_embed", "diagflat",
           "unique_consecutive", "unravel_index", "trapezoid", "concatenate", "concat"]


concatenate = concat = cat  # torch.concatenate and torch.concat: torch.cat


def broadcast_shapes(*shapes):
    """``torch.broadcast_shapes``: the shape the given shapes broadcast to, built one shape at a time from the
    last dim as PyTorch's, with its messages."""
    shapes = [(s,) if isinstance(s, (int, np.integer)) else s for s in shapes]
    result = [1] * max((len(s) for s in shapes), default=0)
    for index, shape in enumerate(shapes):
        for dim in range(-1, -1 - len(shape), -1):
            size = shape[dim]
            if size < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            if size == 1 or size == result[dim]:
                continue
            if result[dim] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {size} at {dim}! Mismatching "
                                   f"argument at index {index} had {shape}; but expected shape should be "
                                   f"broadcastable to {result}")
            result[dim] = size
    return Size(result)


def broadcast_to(input, size):  # noqa: A002
    """``torch.broadcast_to``: ``input.expand(size)``."""
    return expand(input, *size)


def broadcast_tensors(*tensors):
    """``torch.broadcast_tensors``: each tensor expanded to the shapes' common broadcast shape."""
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, *shape) for t in tensors)


def _at_least(tensors, ndim, place):
    """Each tensor given at least ``ndim`` dims, ``place`` giving the new shape of a smaller one."""
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = tensors if not (len(tensors) == 1 and not isinstance(tensors[0], Tensor)) else tuple(tensors[0])
    out = tuple(t if t.ndim >= ndim else reshape(t, place(tuple(t.shape))) for t in items)
    return out[0] if single else out


def atleast_1d(*tensors):
    """``torch.atleast_1d``: a 0-d tensor as shape (1,); a sequence of tensors gives a tuple."""
    return _at_least(tensors, 1, lambda s: (1,))


def atleast_2d(*tensors):
    """``torch.atleast_2d``: 0-d as (1, 1), 1-d (n,) as (1, n)."""
    return _at_least(tensors, 2, lambda s: (1,) + (s or (1,)))


def atleast_3d(*tensors):
    """``torch.atleast_3d``: 0-d as (1, 1, 1), (n,) as (1, n, 1), (m, n) as (m, n, 1)."""
    return _at_least(tensors, 3, lambda s: {0: (1, 1, 1), 1: (1,) + s + (1,)}.get(len(s), s + (1,)))


def hstack(tensors):
    """``torch.hstack``: concatenated along dim 1, or dim 0 for 1-d tensors."""
    tensors = atleast_1d(*tensor_list(tensors))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """``torch.vstack`` (alias ``row_stack``): 1-d tensors as rows, concatenated along dim 0."""
    return cat(atleast_2d(*tensor_list(tensors)), 0)


row_stack = vstack


def dstack(tensors):
    """``torch.dstack``: concatenated along dim 2, after ``atleast_3d``."""
    return cat(atleast_3d(*tensor_list(tensors)), 2)


def column_stack(tensors):
    """``torch.column_stack``: 0-d and 1-d tensors as columns, then ``hstack``."""
    return hstack([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensor_list(tensors)])


_MESHGRID_WARNED = []


def meshgrid(*tensors, indexing=None):
    """``torch.meshgrid``: coordinate grids from 1-d tensors, ``indexing`` "ij" (matrix) or "xy" (the first two
    dims swapped)."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing is None and not _MESHGRID_WARNED:  # (once per process, as PyTorch's warn-once)
        _MESHGRID_WARNED.append(True)
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
    indexing = indexing or "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if any(t.ndim > 1 for t in tensors):
        raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list")
    tensors = [reshape(t, (-1,)) for t in tensors]
    swap = indexing == "xy" and len(tensors) >= 2  # "xy": the "ij" grids of (y, x, ...), given back as (x, y, ...)
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.shape[0] for t in tensors)
    grids = [expand(reshape(t, tuple(-1 if j == i else 1 for j in range(len(shape)))), *shape)
             for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def tile(input, dims):  # noqa: A002
    """``torch.tile``: ``repeat`` with ``dims`` padded by leading ones to the tensor's rank (or the tensor given
    leading dims of one to the length of ``dims``)."""
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return input.repeat(*dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """``torch.repeat_interleave``: each element (or slice along ``dim``) repeated ``repeats`` times in place;
    the input is flattened when ``dim`` is None. ``repeat_interleave(counts)`` alone gives the indices
    0, 0, ..., 1, ... each repeated as counted."""
    if repeats is None:
        counts = input.cpu().numpy().astype(np.int64)
        return tensor(np.repeat(np.arange(counts.size), counts), device=input.device)
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    dim = normalize_dim(dim, input.ndim)
    size = input.shape[dim]
    counts = repeats.cpu().numpy().astype(np.int64).reshape(-1) if isinstance(repeats, Tensor) else \
        np.array([repeats])
    if counts.size == 1:
        counts = np.repeat(counts, size)
    if counts.size != size:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.size} and input.size({dim}) = {size}")
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    index = np.repeat(np.arange(size), counts)
    if output_size is not None and output_size != index.size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the repeats' sum "
                           f"{index.size}")
    return index_select(input, dim, tensor(index, device=input.device))


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """``torch.tensor_split``: into n parts whose sizes differ by at most one (the first ones larger), or at the
    given indices; parts are views, possibly empty."""
    dim = normalize_dim(dim, input.ndim)
    size = input.shape[dim]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        base, extra = divmod(size, sections)
        bounds = np.cumsum([0] + [base + (i < extra) for i in range(sections)]).tolist()
    else:
        bounds = [0] + [min(max(int(i) + size * (int(i) < 0), 0), size) for i in indices_or_sections] + [size]
    return tuple(narrow(input, dim, start, max(end - start, 0))
                 for start, end in zip(bounds[:-1], [max(e, s) for s, e in zip(bounds[:-1], bounds[1:])]))


def _split_along(input, sections, dim, name, min_dims):  # noqa: A002
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, int) and input.shape[dim] % sections:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


def hsplit(input, sections):  # noqa: A002
    """``torch.hsplit``: ``tensor_split`` along dim 1 (dim 0 for 1-d); a count must divide the size."""
    return _split_along(input, sections, 0 if input.ndim == 1 else 1, "hsplit", 1)


def vsplit(input, sections):  # noqa: A002
    """``torch.vsplit``: ``tensor_split`` along dim 0 of a tensor of 2 dims or more."""
    return _split_along(input, sections, 0, "vsplit", 2)


def dsplit(input, sections):  # noqa: A002
    """``torch.dsplit``: ``tensor_split`` along dim 2 of a tensor of 3 dims or more."""
    return _split_along(input, sections, 2, "dsplit", 3)


def unflatten(input, dim, sizes):  # noqa: A002
    """``torch.unflatten``: dim ``dim`` expanded into ``sizes`` (one of them may be -1)."""
    dim = normalize_dim(dim, input.ndim)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    known = int(np.prod([s for s in sizes if s != -1]))
    fits = input.shape[dim] == known if -1 not in sizes else known and input.shape[dim] % known == 0
    if not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({input.shape[dim]}) in the input tensor")
    return reshape(input, tuple(input.shape[:dim]) + sizes + tuple(input.shape[dim + 1:]))


def ravel(input):  # noqa: A002
    """``torch.ravel``: the tensor as 1-d."""
    return reshape(input, (-1,))


def swapaxes(input, axis0, axis1):  # noqa: A002
    """``torch.swapaxes`` (alias ``swapdims``): ``transpose``."""
    return transpose(input, axis0, axis1)


swapdims = swapaxes


def take(input, index):  # noqa: A002
    """``torch.take``: the input read as 1-d at ``index``; the result has the index's shape."""
    count = input.numel()
    bad = first_out_of_range(index, count, negatives=True)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {count} elements.")
    flat_index = reshape(index, (-1,))
    flat_index = where(flat_index < 0, flat_index + count, flat_index)  # (take counts a negative from the end)
    return reshape(index_select(reshape(input, (-1,)), 0, flat_index), tuple(index.shape))


def take_along_dim(input, indices, dim=None):  # noqa: A002
    """``torch.take_along_dim``: ``gather`` along ``dim`` after broadcasting input and indices in the other
    dims (both flattened when ``dim`` is None)."""
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    dim = normalize_dim(dim, input.ndim)
    if indices.ndim != input.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    other_dims = [tuple(1 if d == dim else n for d, n in enumerate(t.shape)) for t in (input, indices)]
    shape = list(broadcast_shapes(*other_dims))
    input_shape, index_shape = list(shape), list(shape)
    input_shape[dim], index_shape[dim] = input.shape[dim], indices.shape[dim]
    return gather(expand(input, *input_shape), dim, expand(indices, *index_shape))


def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """``torch.rot90``: rotated by 90 degrees k times, from the first of ``dims`` toward the second."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    first, second = normalize_dim(dims[0], input.ndim), normalize_dim(dims[1], input.ndim)
    if first == second:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {first} and dim1 = {second}")
    k %= 4
    if k == 1:
        return transpose(flip(input, [second]), first, second)
    if k == 2:
        return flip(input, [first, second])
    if k == 3:
        return transpose(flip(input, [first]), first, second)
    return input.clone()


def block_diag(*tensors):
    """``torch.block_diag``: the tensors (0-, 1- or 2-d) as blocks along the diagonal of a zero matrix."""
    from .indexing import pad
    from .dtypes import common_dtype
    blocks = [reshape(t, (1, -1)) if t.ndim < 2 else t for t in tensors]
    if any(b.ndim != 2 for b in blocks):
        raise RuntimeError("torch.block_diag: Input tensors must have 2 or fewer dimensions.")
    dtype = common_dtype(blocks)
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b.to(dtype), (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors):
    """``torch.cartesian_prod``: every combination of the 1-d tensors' elements, one per row (a single tensor is
    returned as it is)."""
    if len(tensors) == 1:
        return tensors[0]
    return stack([reshape(g, (-1,)) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """``torch.combinations``: the r-element combinations of a 1-d tensor's elements, as ``itertools``' order."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    places = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    index = tensor(places.reshape(-1), device=input.device)
    return reshape(index_select(input, 0, index), places.shape)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """``torch.diag_embed``: the last dim's values on the diagonal (``offset`` above it) of new square
    matrices in dims ``dim1`` and ``dim2`` of the result, zeros elsewhere."""
    from .indexing import pad
    ndim = input.ndim + 1
    d1, d2 = normalize_dim(dim1, ndim), normalize_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    eye = tensor(np.eye(input.shape[-1]), dtype=input.dtype, device=input.device)
    square = input.unsqueeze(-1) * eye  # (..., n, n): the values on the main diagonal
    shift = abs(offset)
    # above the diagonal: columns shifted right and a row of zeros below; below it: rows shifted down
    square = pad(square, (shift, 0, 0, shift) if offset >= 0 else (0, shift, shift, 0))
    return movedim(square, (-2, -1), (d1, d2))


def diagflat(input, offset=0):  # noqa: A002
    """``torch.diagflat``: the flattened input on the diagonal (``offset`` above it) of a square matrix."""
    from .linalg import diag
    return diag(reshape(input, (-1,)), offset)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """``torch.unique_consecutive``: each run of equal consecutive elements (or slices along ``dim``) kept once;
    optionally the run each element belongs to and the runs' lengths."""
    values = input.detach().cpu().numpy()
    axis = 0 if dim is None else normalize_dim(dim, input.ndim)
    if dim is None:
        values = values.reshape(-1)
    moved = np.moveaxis(values, axis, 0).reshape(values.shape[axis], -1) if values.ndim else values.reshape(1, 1)
    starts = np.ones(moved.shape[0], dtype=bool)
    starts[1:] = np.any(moved[1:] != moved[:-1], axis=1)
    first = np.flatnonzero(starts)
    source = input.reshape(-1) if dim is None else input
    out = index_select(source, axis, tensor(first, device=input.device)) if input.ndim else input.clone()
    extras = []
    if return_inverse:
        inverse = np.cumsum(starts) - 1
        extras.append(tensor(inverse.reshape(input.shape) if dim is None else inverse, device=input.device))
    if return_counts:
        extras.append(tensor(np.diff(np.append(first, moved.shape[0])), device=input.device))
    return (out, *extras) if extras else out


def unravel_index(indices, shape):
    """``torch.unravel_index``: the coordinates in ``shape`` of flat indices, one int64 tensor per dim."""
    flat = indices.cpu().numpy() if isinstance(indices, Tensor) else np.asarray(indices)
    size = int(np.prod(shape))
    if ((flat < -size) | (flat >= size)).any():
        raise RuntimeError("index out of bounds for the given shape")
    device = indices.device if isinstance(indices, Tensor) else "cpu"
    return tuple(tensor(c.astype(np.int64), device=device) for c in np.unravel_index(flat % size, tuple(shape)))


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.trapezoid``: the trapezoid rule along ``dim``, with sample points ``x`` or a spacing ``dx``
    (1 by default)."""
    dim = normalize_dim(dim, y.ndim)
    length = y.shape[dim]
    if length == 0:
        return y.sum(dim)
    if x is None:
        spacing = 1.0 if dx is None else dx
        return (y.sum(dim) - (narrow(y, dim, 0, 1) + narrow(y, dim, length - 1, 1)).squeeze(dim) * 0.5) * spacing
    steps = x.diff(dim=-1 if x.ndim == 1 else dim)
    if x.ndim == 1:
        steps = steps.reshape(tuple(length - 1 if d == dim else 1 for d in range(y.ndim)))
    return (steps * (narrow(y, dim, 1, length - 1) + narrow(y, dim, 0, length - 1))).sum(dim) / 2


METHODS = {"broadcast_to": broadcast_to, "tile": tile, "repeat_interleave": repeat_interleave,
           "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
           "unflatten": unflatten, "ravel": ravel, "swapaxes": swapaxes, "swapdims": swapdims, "take": take,
           "take_along_dim": take_along_dim, "rot90": rot90, "diag_embed": diag_embed, "diagflat": diagflat,
           "unique_consecutive": unique_consecutive}

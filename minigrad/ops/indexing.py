"""Indexing (``Tensor.__getitem__``) and padding (``nn.functional.pad``), which reuses the index gather."""
import numpy as np

from ..autograd import Function, named_as, named_node
from ..tensor import Tensor, int64, bool_


class Index(Function):
    supports_complex = True

    def forward(self, a, index):
        self.in_shape, self.index = a.shape, index
        return self.B.getitem(a, index)

    def backward(self, g):
        return self.B.index_backward(g, self.in_shape, self.index)


class IndexBackward(Function):
    """Index's gradient (g added into zeros at the indexed places) as an op, for second derivatives: linear in
    g, so its own gradient is the upstream indexed the same way."""

    supports_complex = True

    def forward(self, g, in_shape, index):
        self.index = index
        return self.B.index_backward(g, in_shape, index)

    def backward(self, upstream):
        return self.B.getitem(upstream, self.index)


def _index_part(part, x):
    """One element of an index, with tensors, lists and numpy arrays turned into backend arrays."""
    if isinstance(part, Tensor):
        if part.dtype == np.dtype("uint8"):  # a byte tensor is a mask, as in PyTorch
            return part.backend.astype(part.array, bool_)
        if part.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if part.ndim == 0 and part.dtype.kind in "iu":  # a 0-d integer tensor indexes as its integer, as PyTorch's
            return int(part.item())
        if part.device != x.device:
            part = part.to(x.device)
        return part.array
    if isinstance(part, (list, range, np.ndarray)):  # (x[range(n), target]: PyTorch takes a range as a list)
        probe = np.asarray(part)
        if probe.dtype.kind not in "iub":
            if probe.size:
                raise IndexError(f"index arrays must hold integers or booleans, got {probe.dtype}")
            probe = probe.astype(int64)
        return x.backend.asarray(probe, probe.dtype if probe.dtype.kind == "b" else int64)
    if part is None or part is Ellipsis or isinstance(part, (slice, int, np.integer)):
        return part
    raise IndexError(f"only integers, slices, None, Ellipsis and integer or boolean tensors are valid indices, "
                     f"got {type(part).__name__}")


def getitem(x, index):
    """``Tensor.__getitem__`` with ints, slices (steps too), None, Ellipsis and integer or boolean index tensors.

    Basic indexing returns a view; repeated integer indices accumulate their
    gradients, as in PyTorch.
    """
    parts = index_parts(x, index)
    check_masks(tuple(x.shape), parts)
    split = integers_first(parts)
    try:
        if split is None:
            out = Index.apply(x, index=parts)
        else:
            out = Index.apply(Index.apply(x, index=split[0]), index=split[1])
    except IndexError as error:
        raise in_torch_words(error) from None
    if out._ctx is not None and all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
                                    for p in parts):  # (basic indexing: named by the view op PyTorch applies last)
        # (a lone slice, even a whole one, is a Slice: PyTorch takes that path before the tuple one)
        last = "Slice" if isinstance(index, slice) else last_view_op(x.shape, parts) or "Alias"
        named_node(out, f"{last}Backward0", x)
    return out


def in_torch_words(error):
    """numpy's out-of-bounds IndexError in PyTorch's words ("dimension" where numpy says "axis")."""
    text = str(error)
    if " is out of bounds for axis " in text:
        return IndexError(text.replace(" for axis ", " for dimension "))
    return error


def _dims_indexed(parts):
    """How many of the tensor's dims an index's parts consume (a mask its own dims; None and Ellipsis none)."""
    return sum(p.ndim if getattr(p, "dtype", None) == bool else 1 for p in parts if p is not None and p is not Ellipsis)


def last_view_op(shape, parts):
    """The view op PyTorch's indexing applies last for an index's basic parts ("Select" for an integer,
    "Unsqueeze" for None, "Slice"), or None when they select the tensor itself: like PyTorch's, a slice that
    starts at 0 with step 1 and reaches the end of its dim is skipped."""
    covered = _dims_indexed(parts)
    position, last = 0, None
    for p in parts:
        if p is None:
            last = "Unsqueeze"
        elif isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)):
            last = "Select"
        elif isinstance(p, slice) and (p.start not in (None, 0) or p.step not in (None, 1) or (
                p.stop is not None and position < len(shape) and p.stop < shape[position])):
            last = "Slice"
        if p is Ellipsis:
            position += len(shape) - covered
        elif p is not None:
            position += p.ndim if getattr(p, "dtype", None) == bool and hasattr(p, "ndim") else 1
    return last


def check_masks(shape, parts):
    """Each boolean mask in an index against the dims it covers, with PyTorch's message."""
    covered = _dims_indexed(parts)
    position = 0
    for p in parts:
        if p is Ellipsis:
            position += len(shape) - covered
        elif getattr(p, "dtype", None) == bool and hasattr(p, "ndim"):
            for k, size in enumerate(p.shape):
                if position + k < len(shape) and size != shape[position + k]:
                    raise IndexError(f"The shape of the mask {list(p.shape)} at index {k} does not match the shape "
                                     f"of the indexed tensor {list(shape)} at index {position + k}")
            position += p.ndim
        elif p is not None:
            position += 1


def _is_integer(part):
    return isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_))


def integers_first(parts):
    """PyTorch applies an index's integers before its index arrays (``x[0, :, [1, 3]]`` is ``x[0][:, [1, 3]]``, of
    shape (3, 2) for x of shape (2, 3, 4)), where numpy counts them among the arrays (shape (2, 3)). None when
    the index has no integer and array together (both agree); else (the integers with every other dim kept,
    the rest)."""
    if not any(_is_integer(p) for p in parts) or not any(hasattr(p, "ndim") for p in parts):
        return None
    selects, rest = [], []
    for p in parts:
        if _is_integer(p):
            selects.append(p)
        elif p is None:
            rest.append(p)
        elif p is Ellipsis:
            selects.append(p)
            rest.append(p)
        else:
            selects.extend([slice(None)] * (p.ndim if hasattr(p, "ndim") and p.dtype == bool else 1))
            rest.append(p)
    return tuple(selects), tuple(rest)


def numpy_order_of(x_shape, parts, value):
    """``value`` (a Tensor) for ``numpy_array[parts] = value`` where PyTorch's ``x[parts] = value`` lays the region
    out as ``integers_first`` does: broadcast to PyTorch's region, its index-array block moved to where numpy
    puts it (first)."""
    split = integers_first(parts)
    if split is None:
        return value
    advanced = [i for i, p in enumerate(parts) if _is_integer(p) or hasattr(p, "ndim")]
    if advanced == list(range(advanced[0], advanced[-1] + 1)):
        return value  # numpy keeps an adjacent block in place, where PyTorch's is too
    probe = np.broadcast_to(np.zeros((), np.int8), tuple(x_shape))[split[0]]
    moved = _block_moves(split[1], probe.ndim)
    if moved is None:
        return value
    start, block = moved
    theirs = probe[split[1]].shape
    region = value.expand(*theirs) if tuple(value.shape) != tuple(theirs) else value
    order = list(range(start, start + block)) + [d for d in range(len(theirs)) if not start <= d < start + block]
    return region.permute(*order)


def _block_moves(rest, ndim):
    """(where PyTorch's index-array block starts, its ndim) when it is not at the front: the arrays of ``rest``
    (integers removed) adjacent, after other dims; else None."""
    arrays = [i for i, p in enumerate(rest) if hasattr(p, "ndim")]
    if arrays != list(range(arrays[0], arrays[-1] + 1)) or arrays[0] == 0:
        return None
    consumed = _dims_indexed(rest)
    start = 0
    for p in rest[:arrays[0]]:
        start += (ndim - consumed) if p is Ellipsis else 1
    block = np.broadcast_shapes(*[(int(p.sum()),) if p.dtype == bool else tuple(p.shape)
                                  for p in rest if hasattr(p, "ndim")])
    return (start, len(block)) if start > 0 else None


def index_parts(x, index):
    """The index as a tuple the backend understands (shared by ``__getitem__`` and ``__setitem__``)."""
    parts = index if isinstance(index, tuple) else (index,)
    parts = tuple(_index_part(p, x) for p in parts)
    for p in parts:
        if isinstance(p, slice) and p.step is not None and p.step <= 0:
            raise ValueError("step must be greater than zero")
    return parts


class PadConstant(Function):
    supports_complex = True

    def forward(self, a, pads, value):
        self.in_shape, self.pads = a.shape, pads
        return self.B.pad_constant(a, pads, value)

    def backward(self, g):
        return self.B.pad_constant_backward(g, self.pads, self.in_shape)

    def composite(self, a, pads, value):
        """The same output as differentiable ops, for second derivatives (autograd_graph): the kept part of a
        placed into the padded shape, the value around it."""
        kept, placed = [], []
        for n, (before, after) in zip(a.shape, pads):
            kept.append(slice(max(-before, 0), n - max(-after, 0)))
            placed.append(slice(max(before, 0), n + before + after - max(after, 0)))
        out_shape = tuple(n + b + e for n, (b, e) in zip(a.shape, pads))
        out = IndexBackward.apply(Index.apply(a, index=tuple(kept)), in_shape=out_shape, index=tuple(placed))
        if value == 0:
            return out
        border = np.full(out_shape, value, a.dtype)
        border[tuple(placed)] = 0
        return out + Tensor(border, dtype=a.dtype, device=a.device)


def _source_positions(n, before, after, mode):
    """For one dim, the input position each padded output position copies (reflect, replicate, circular)."""
    if mode == "reflect" and (before >= n or after >= n):
        raise RuntimeError(f"pad: padding ({before}, {after}) should be less than the dimension size {n} "
                           f"in reflect mode")
    if mode == "circular" and (before > n or after > n):
        raise RuntimeError(f"pad: padding ({before}, {after}) should be at most the dimension size {n} "
                           f"in circular mode")
    positions = range(-before, n + after)
    if mode == "reflect":
        return [-i if i < 0 else (2 * (n - 1) - i if i >= n else i) for i in positions]
    if mode == "replicate":
        return [min(max(i, 0), n - 1) for i in positions]
    return [i % n for i in positions]


def pad(input, pad, mode="constant", value=0.0):  # noqa: A002
    """``torch.nn.functional.pad``: ``pad = (left, right, top, bottom, ...)`` starts from the last dim.

    mode 'constant' (negative pads crop), 'reflect', 'replicate' or 'circular'.
    """
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"pad: padding length {len(pad)} is too large for an input of shape {tuple(input.shape)}")
    pads = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        pads[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        for n, (b, e) in zip(input.shape, pads):
            if n + min(b, 0) + min(e, 0) < 0:
                raise RuntimeError(f"pad: negative padding {(b, e)} crops more than the size {n} of input shape "
                                   f"{tuple(input.shape)}")
        return PadConstant.apply(input, pads=tuple(pads), value=value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: mode '{mode}' is not supported (constant, reflect, replicate, circular)")
    padded = len(pad) // 2
    if padded not in (1, 2, 3) or input.ndim not in (padded + 1, padded + 2):
        raise NotImplementedError(f"pad: padding size {len(pad)} is not supported for {input.ndim}D input in {mode} "
                                  f"mode: it pads the last 1, 2 or 3 dims of a 2D-3D, 3D-4D or 4D-5D input")
    for k in range(padded):  # PyTorch's checks, from the last dim (its argument #4) back
        d = input.ndim - 1 - k
        (b, e), n = pads[d], input.shape[d]
        if mode == "reflect" and (b >= n or e >= n):
            raise RuntimeError(f"Argument #{4 + 2 * k}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({b}, {e}) at dimension {d} of input "
                               f"{list(input.shape)}")
        if mode == "circular" and (b > n or e > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
    out = input
    for d, (b, e) in enumerate(pads):
        if b or e:
            if b < 0 or e < 0:
                raise RuntimeError(f"pad: negative padding is only supported in constant mode, got {pad}")
            positions = _source_positions(input.shape[d], b, e, mode)
            index = input.backend.asarray(np.asarray(positions, dtype=int64))
            out = Index.apply(out, index=(slice(None),) * d + (index,))
    return out




def _renormalized_rows(input, weight, max_norm, norm_type):  # noqa: A002
    """PyTorch's ``max_norm``: the rows ``input`` reads whose norm passes max_norm are scaled down to it, in
    place and outside the graph, before the lookup."""
    from ..autograd import no_grad
    from .elementwise import where
    with no_grad():
        rows = Tensor._inferred(np.unique(input.cpu().numpy()), weight.device)
        picked = weight[rows]
        norms = picked.norm(norm_type, 1, keepdim=True)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).to(weight.dtype)
        weight[rows] = picked * scale


@named_as("EmbeddingBackward0")
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,  # noqa: A002
              sparse=False):
    """``torch.nn.functional.embedding``: the rows of ``weight`` at the integer ``input``; repeated indices add
    their gradients, and the row ``padding_idx`` gets none, as PyTorch's. ``max_norm`` renormalizes the rows
    read (in place); ``scale_grad_by_freq`` divides each row's gradient by its count in ``input``."""
    from .elementwise import where
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported by minigrad")
    if not isinstance(input, Tensor) or input.dtype not in (np.dtype("int64"), np.dtype("int32")):
        got = input.type() if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {got} instead (while checking arguments for embedding)")
    if input.numel() and (int(input.min()) < 0 or int(input.max()) >= weight.shape[0]):
        raise IndexError("index out of range in self")  # (a negative index would wrap around in weight[input])
    if max_norm is not None:
        _renormalized_rows(input, weight, max_norm, norm_type)
    rows = weight[input]
    if scale_grad_by_freq:
        values, inverse, counts = np.unique(input.cpu().numpy(), return_inverse=True, return_counts=True)
        share = Tensor._inferred((1.0 / counts[inverse]).reshape(tuple(input.shape) + (1,)).astype(weight.dtype),
                                 weight.device)
        rows = rows.detach() + (rows - rows.detach()) * share  # the value unchanged, the gradient scaled
    if padding_idx is None:
        return rows
    padding_idx = padding_idx % weight.shape[0]
    return where((input == padding_idx).unsqueeze(-1), rows.detach(), rows)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``torch.nn.functional.embedding_bag``: the sum, mean or max of the embeddings of each bag (the rows of a
    2-D input, or the runs of a 1-D input starting at ``offsets``); ``per_sample_weights`` scale each embedding
    (mode 'sum'); entries equal to ``padding_idx`` are left out; an empty bag gives zeros."""
    from ..creation import tensor
    from .scatter import index_add
    from .shape import stack
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"the Pytorch GitHub.")
    indices = input.cpu().numpy()
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences.")
        bags, length = indices.shape
        starts = np.arange(bags) * length
        flat_input = input.reshape(-1)
        flat_weights = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        starts = offsets.cpu().numpy().astype(np.int64)
        if include_last_offset:
            starts = starts[:-1]
        flat_input, flat_weights = input, per_sample_weights
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    total = flat_input.shape[0]
    ends = np.append(starts[1:], total)
    bag_of = np.repeat(np.arange(len(starts)), ends - starts)
    keep = np.ones(total, dtype=bool) if padding_idx is None else flat_input.cpu().numpy() != padding_idx % \
        weight.shape[0]
    rows = embedding(flat_input, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if flat_weights is not None:
        rows = rows * flat_weights.unsqueeze(1).to(rows.dtype)
    kept = tensor(np.flatnonzero(keep), device=weight.device)
    rows, bag_of = rows[kept], bag_of[keep]
    bags = len(starts)
    if mode == "max":
        parts = []
        for b in range(bags):
            members = np.flatnonzero(bag_of == b)
            parts.append(rows[tensor(members, device=weight.device)].max(0).values if members.size else
                         weight.new_zeros((weight.shape[1],)))
        return stack(parts, 0) if parts else weight.new_zeros((0, weight.shape[1]))
    out = index_add(weight.new_zeros((bags, weight.shape[1])), 0, tensor(bag_of, device=weight.device), rows)
    if mode == "mean":
        counts = np.maximum(np.bincount(bag_of, minlength=bags), 1).astype(np.dtype(weight.dtype))
        out = out / tensor(counts, device=weight.device).unsqueeze(1)
    return out

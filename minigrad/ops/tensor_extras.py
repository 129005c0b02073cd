"""More of ``torch.Tensor``'s methods, as PyTorch's: writing by index or mask (``index_put``, ``masked_scatter``,
``put``, ``scatter_reduce``, the ``*_scatter`` ops), shape changes in place (``squeeze_``, ``unsqueeze_``,
``t_``, ``transpose_``, ``resize_``), queries (``is_nonzero``, ``is_same_size``, ``layout``...), and small
helpers (``aminmax``, ``renorm``, ``sum_to_size``, ``split_with_sizes``, ``apply_``, ``map_``)."""

import numpy as np

from .. import return_types
from ..autograd import is_grad_enabled, next_sequence, take_history
from ..creation import tensor
from ..memory_format import strided
from ..tensor import Tensor, torch_type_name
from .compare import where
from .inplace import _check_inplace, apply_inplace
from .scatter import index_add, scatter_add
from .shape import normalize_dim

__all__ = ["index_put", "masked_scatter", "put", "scatter_reduce", "index_reduce", "diagonal_scatter", "select_scatter",
           "slice_scatter", "aminmax", "renorm"]

AminmaxResult = return_types.aminmax


def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """``Tensor.index_put``: ``input[indices] = values`` out of place; with ``accumulate`` the values are added,
    repeated places adding up. As PyTorch's, ``values`` must have the input's dtype."""
    indices = tuple(indices)
    if isinstance(values, Tensor) and values.dtype != input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{torch_type_name(input.dtype)} for the destination and {torch_type_name(values.dtype)} "
                           f"for the source.")
    if not accumulate:
        out = input.clone()
        out[indices] = values
        return out
    count = len(indices)
    lead = tuple(input.shape[:count])
    places = [i.cpu().numpy().astype(np.int64) for i in indices]
    places = [np.where(p < 0, p + n, p) for p, n in zip(places, lead)]
    flat_places = np.ravel_multi_index(np.broadcast_arrays(*places), lead).reshape(-1)
    rest = tuple(input.shape[count:])
    source = values if isinstance(values, Tensor) else tensor(values, dtype=input.dtype, device=input.device)
    source = source.to(input.dtype).broadcast_to((flat_places.size,) + rest) if source.numel() != 0 else source
    flat = input.reshape((int(np.prod(lead)),) + rest)
    out = index_add(flat, 0, tensor(flat_places, device=input.device), source.reshape((flat_places.size,) + rest))
    return out.reshape(tuple(input.shape))


def masked_scatter(input, mask, source):  # noqa: A002
    """``Tensor.masked_scatter``: where ``mask`` (broadcast to input) is true, source's elements in order."""
    mask = mask.expand(*input.shape) if tuple(mask.shape) != tuple(input.shape) else mask
    count = int(mask.sum())
    if source.numel() < count:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
    out = input.clone()
    out[mask] = source.reshape(-1)[:count].to(input.dtype)
    return out


def put(input, index, source, accumulate=False):  # noqa: A002
    """``Tensor.put``: ``source`` written (or added) at the flat places ``index`` of the input."""
    flat = input.reshape(-1)
    return index_put(flat, (index.reshape(-1),), source.reshape(-1), accumulate).reshape(tuple(input.shape))


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """``Tensor.scatter_reduce``: src reduced ('sum', 'prod', 'mean', 'amax', 'amin') into input's places
    along ``dim`` (with input's own value unless ``include_self`` is False; places nothing reaches keep it).
    The gradient of amax/amin goes to every element equal to the result, shared evenly, as PyTorch's."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    src = src.to(input.dtype)
    index = index.long()
    reached = scatter_add(input.new_zeros(tuple(input.shape)), dim, index, src.new_ones(tuple(index.shape))) > 0
    if reduce in ("sum", "mean"):
        base = input if include_self else where(reached, input.new_zeros(()), input)  # (in input's dtype)
        total = scatter_add(base, dim, index, src[tuple(slice(0, n) for n in index.shape)])
        if reduce == "sum":
            return total
        counts = scatter_add(input.new_ones(tuple(input.shape)) if include_self else
                             where(reached, input.new_zeros(()), input.new_ones(tuple(input.shape))), dim, index,
                             src.new_ones(tuple(index.shape)))
        out = total / counts.clamp(min=1)
        return out if input.dtype.kind == "f" else out.to(input.dtype)
    return _ScatterExtreme(input, dim, index, src, reduce, include_self, reached).result()


def index_reduce(input, dim, index, source, reduce, *, include_self=True):  # noqa: A002
    """``torch.index_reduce``: source's slices along ``dim`` reduced ('prod', 'mean', 'amax', 'amin') into the
    input's slices at ``index``: a ``scatter_reduce`` whose index repeats ``index`` across the other dims, so the
    values and gradients are scatter_reduce's (PyTorch's rules for ties and zeros)."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    dim = normalize_dim(dim, input.ndim)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index")
    if index.numel() != (source.shape[dim] if source.ndim else 1):
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({source.shape[dim] if source.ndim else 1}), for dim: {dim}")
    if source.ndim != input.ndim or any(s != n for d, (s, n) in enumerate(zip(source.shape, input.shape)) if d != dim):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    places = index.long().reshape([-1 if d == dim else 1 for d in range(input.ndim)]).expand(*source.shape)
    return scatter_reduce(input, dim, places.contiguous(), source, reduce, include_self=include_self)


class _ScatterExtreme:
    """scatter_reduce's prod, amax and amin: the values by numpy's ufunc.at on the host, the gradient by
    re-reading the places."""

    def __init__(self, input, dim, index, src, reduce, include_self, reached):  # noqa: A002
        self.input, self.dim, self.index, self.src, self.reduce = input, dim, index, src, reduce
        self.include_self, self.reached = include_self, reached

    def result(self):
        input, dim, index, src = self.input, normalize_dim(self.dim, self.input.ndim), self.index, self.src
        src = src[tuple(slice(0, n) for n in index.shape)]
        ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[self.reduce]
        values = input.detach().cpu().numpy().copy()
        reached = self.reached.cpu().numpy()
        if not self.include_self:
            values[reached] = {"prod": 1, "amax": -np.inf, "amin": np.inf}[self.reduce] if values.dtype.kind == "f" \
                else {"prod": 1, "amax": np.iinfo(values.dtype).min, "amin": np.iinfo(values.dtype).max}[self.reduce]
        places = list(np.indices(index.shape))
        places[dim] = index.cpu().numpy()
        start = values.copy()
        ufunc.at(values, tuple(places), src.detach().cpu().numpy())
        result = tensor(values, device=input.device)
        if not (is_grad_enabled() and (input.requires_grad or src.requires_grad)):
            return result
        # the value as a differentiable function of input and src, equal to ``result``: a sum of scatters whose
        # derivatives are PyTorch's (prod: result / x; amax, amin: 1 / ties for every element equal to the result)
        from .rearrange import gather
        at_places = gather(result, dim, index)
        if self.reduce == "prod":  # (the slopes are constants of the derivative)
            own_slope, src_slope = _product_slopes(start, tuple(places), src.detach().cpu().numpy(), values)
            contribution = src * tensor(src_slope, device=input.device)
            own = input * tensor(own_slope, device=input.device)
        else:
            ties_src = (src == at_places).to(input.dtype)
            ties_self = (input == result).to(input.dtype) if self.include_self else input.new_zeros(tuple(input.shape))
            count = scatter_add(ties_self, dim, index, ties_src)
            contribution = src * ties_src / gather(count, dim, index)
            own = input * ties_self / count.clamp(min=1)
        own = where(self.reached, own if self.include_self else 0.0, input)
        moved = scatter_add(own, dim, index, contribution)
        return moved + (result - moved).detach()


def _product_slopes(start, places, src, result):
    """The derivatives of a scatter product, PyTorch's: of each starting value, the product of the factors that
    joined it (exact where it is 0); of each source element, the product of the other factors at its place
    (exact where it is the place's only 0)."""
    masked_start = np.where(start == 0, 1, start)
    masked_start_result = masked_start.copy()
    np.multiply.at(masked_start_result, places, src)
    src_zero = src == 0
    zeros = np.zeros(start.shape)
    np.add.at(zeros, places, src_zero)
    single_zero = src_zero & (zeros[places] == 1)
    masked_src_result = start.copy()
    np.multiply.at(masked_src_result, places, np.where(single_zero, 1, src))
    src_slope = np.where(single_zero, masked_src_result[places], result[places] / np.where(src_zero, 1, src))
    return masked_start_result / masked_start, src_slope


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):  # noqa: A002
    """``torch.diagonal_scatter``: input with its diagonal (``offset``, in dims dim1 and dim2) replaced by
    src."""
    first, second = normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim)
    out = input.movedim((first, second), (-2, -1)).clone()
    rows = np.arange(out.shape[-2])
    columns = rows + offset
    keep = (columns >= 0) & (columns < out.shape[-1])
    out[..., tensor(rows[keep], device=input.device), tensor(columns[keep], device=input.device)] = src
    return out.movedim((-2, -1), (first, second))


def select_scatter(input, src, dim, index):  # noqa: A002
    """``torch.select_scatter``: input with its slice ``index`` along ``dim`` replaced by src."""
    out = input.clone()
    place = [slice(None)] * input.ndim
    place[normalize_dim(dim, input.ndim)] = index
    out[tuple(place)] = src
    return out


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):  # noqa: A002
    """``torch.slice_scatter``: input with ``input[start:end:step]`` along ``dim`` replaced by src."""
    out = input.clone()
    place = [slice(None)] * input.ndim
    place[normalize_dim(dim, input.ndim)] = slice(start, end, step)
    out[tuple(place)] = src
    return out


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """``torch.aminmax``: (amin, amax) over ``dim`` (all elements by default)."""
    if dim is None:
        return AminmaxResult(input.amin(), input.amax()) if not keepdim else \
            AminmaxResult(input.amin(tuple(range(input.ndim)), keepdim=True),
                          input.amax(tuple(range(input.ndim)), keepdim=True))
    return AminmaxResult(input.amin(dim, keepdim=keepdim), input.amax(dim, keepdim=keepdim))


def renorm(input, p, dim, maxnorm):  # noqa: A002
    """``torch.renorm``: each sub-tensor along ``dim`` whose p-norm passes ``maxnorm`` scaled down to it."""
    dims = tuple(d for d in range(input.ndim) if d != normalize_dim(dim, input.ndim))
    norms = input.norm(p, dims, keepdim=True)
    return input * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0).to(input.dtype)


# ---------------------------------------------------------------------------- in-place shape changes
def _reshaped_in_place(x, op, fn):
    """x takes the shape ``fn`` gives it (a view of its own storage); recorded in the graph as PyTorch does."""
    _check_inplace(x)
    if is_grad_enabled() and x.requires_grad:
        source = Tensor._wrap(x.array, x.device, True)
        source._ctx = x._ctx
        first_node = next_sequence()
        out = fn(source)
        x.array = out.array
        take_history(x, out._ctx, source, first_node)
    else:
        x.array = fn(Tensor._wrap(x.array, x.device)).array
    return x


def _resize_(x, *sizes):
    """``Tensor.resize_``: the new shape, keeping the elements that fit in order (new ones are zeros here,
    where PyTorch leaves memory as it was)."""
    from .shape import _sizes
    shape = _sizes(sizes)
    count = int(np.prod(shape))
    flat = x.detach().reshape(-1)
    values = flat[:count] if flat.shape[0] >= count else \
        flat.new_zeros((count,)).index_add(0, tensor(np.arange(flat.shape[0]), device=x.device), flat)
    _check_inplace(x)
    x.array = values.reshape(shape).contiguous().array
    x._bump_version()
    return x


def _apply_(x, function):
    """``Tensor.apply_(callable)``: each element replaced by function(element) (CPU tensors, as PyTorch)."""
    if x.device.type != "cpu":
        raise TypeError("apply_ is only implemented on CPU tensors")
    values = x.numpy()
    return apply_inplace(x, "apply_", lambda t: tensor(np.vectorize(function, otypes=[values.dtype])(values)
                                                       .astype(values.dtype), device=x.device))


def _map_(x, other, function):
    """``Tensor.map_(other, callable)``: each element replaced by function(element, other's element)."""
    if x.device.type != "cpu":
        raise TypeError("map_ is only implemented on CPU tensors")
    values, others = x.numpy(), np.broadcast_to(other.numpy(), tuple(x.shape))
    return apply_inplace(x, "map_", lambda t: tensor(np.vectorize(function, otypes=[values.dtype])(values, others)
                                                     .astype(values.dtype), device=x.device))


def _split_with_sizes(x, split_sizes, dim=0):
    if sum(split_sizes) != x.shape[normalize_dim(dim, x.ndim)]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {x.shape[dim]} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={list(split_sizes)}")
    return x.split(list(split_sizes), dim)


def _sum_to_size(x, *size):
    from .shape import _sizes
    shape = _sizes(size)
    if len(shape) > x.ndim or any(s not in (1, n) for s, n in zip(shape[::-1], x.shape[::-1])):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(x.shape)}}}.")
    lead = x.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    out = x.sum(dims, keepdim=True) if dims else x
    return out.reshape(shape)


METHODS = {
    "index_put": index_put, "index_put_": lambda x, indices, values, accumulate=False: apply_inplace(
        x, "index_put_", lambda t: index_put(t, indices, values, accumulate), (values,)),
    "masked_scatter": masked_scatter, "masked_scatter_": lambda x, mask, source: apply_inplace(
        x, "masked_scatter_", lambda t: masked_scatter(t, mask, source), (source,)),
    "put": put, "put_": lambda x, index, source, accumulate=False: apply_inplace(
        x, "put_", lambda t: put(t, index, source, accumulate), (source,)),
    "scatter_reduce": scatter_reduce, "scatter_reduce_": lambda x, dim, index, src, reduce, *, include_self=True:
        apply_inplace(x, "scatter_reduce_", lambda t: scatter_reduce(t, dim, index, src, reduce,
                                                                     include_self=include_self), (src,)),
    "index_reduce": index_reduce, "index_reduce_": lambda x, dim, index, source, reduce, *, include_self=True:
        apply_inplace(x, "index_reduce_", lambda t: index_reduce(t, dim, index, source, reduce,
                                                                 include_self=include_self), (source,)),
    "diagonal_scatter": diagonal_scatter, "select_scatter": select_scatter, "slice_scatter": slice_scatter,
    "aminmax": aminmax, "renorm": renorm,
    "renorm_": lambda x, p, dim, maxnorm: apply_inplace(x, "renorm_", lambda t: renorm(t, p, dim, maxnorm)),
    "squeeze_": lambda x, *dim: _reshaped_in_place(x, "squeeze_", lambda t: t.squeeze(*dim)),
    "unsqueeze_": lambda x, dim: _reshaped_in_place(x, "unsqueeze_", lambda t: t.unsqueeze(dim)),
    "t_": lambda x: _reshaped_in_place(x, "t_", lambda t: t.t()),
    "transpose_": lambda x, dim0, dim1: _reshaped_in_place(x, "transpose_", lambda t: t.transpose(dim0, dim1)),
    "swapaxes_": lambda x, dim0, dim1: _reshaped_in_place(x, "swapaxes_", lambda t: t.transpose(dim0, dim1)),
    "swapdims_": lambda x, dim0, dim1: _reshaped_in_place(x, "swapdims_", lambda t: t.transpose(dim0, dim1)),
    "resize_": _resize_, "resize_as_": lambda x, other: _resize_(x, *other.shape),
    "apply_": _apply_, "map_": _map_, "split_with_sizes": _split_with_sizes, "sum_to_size": _sum_to_size,
    "narrow_copy": lambda x, dim, start, length: x.narrow(dim, start, length).clone(),
    "is_nonzero": lambda x: _is_nonzero(x), "is_same_size": lambda x, other: tuple(x.shape) == tuple(other.shape),
    "is_inference": lambda x: False, "is_conj": lambda x: False, "is_neg": lambda x: False,
    "is_sparse": property(lambda x: False), "is_quantized": property(lambda x: False),
    "is_meta": property(lambda x: False), "is_mkldnn": property(lambda x: False),
    "is_nested": property(lambda x: False), "layout": property(lambda x: strided),
    # the accelerators minigrad has no backend for: a tensor is never on them
    **{f"is_{device}": property(lambda x: False) for device in ("xpu", "mps", "ipu", "maia", "mtia", "vulkan", "xla")},
    "is_sparse_csr": property(lambda x: False),
    "short": lambda x: x.to(np.int16), "char": lambda x: x.to(np.int8),
    "i0": lambda x: _special().i0(x), "i0_": lambda x: apply_inplace(x, "i0_", lambda t: _special().i0(t)),
    "resize": lambda x, *sizes: _deprecated_resize(x, "resize", sizes),
    "resize_as": lambda x, other: _deprecated_resize(x, "resize_as", tuple(other.shape)),
    "prelu": lambda x, weight: _functional().prelu(x, weight),
    "matrix_exp": lambda x: _linalg().matrix_exp(x),
    "unsafe_chunk": lambda x, chunks, dim=0: x.chunk(chunks, dim),
    "unsafe_split": lambda x, split_size, dim=0: x.split(split_size, dim),
    "unsafe_split_with_sizes": lambda x, split_sizes, dim=0: x.split_with_sizes(split_sizes, dim),
    "new_empty_strided": lambda x, size, stride, dtype=None, device=None, requires_grad=False: x.new_empty(
        tuple(size), dtype=dtype, device=device, requires_grad=requires_grad),
}


def _deprecated_resize(x, name, sizes):
    """``Tensor.resize``/``resize_as`` (deprecated in PyTorch, with its warning): ``resize_`` of a detached copy."""
    import warnings
    warnings.warn(f"non-inplace {name} is deprecated", UserWarning, stacklevel=3)
    return _resize_(x.detach().clone(), *sizes)


def _special():
    from .. import special
    return special


def _functional():
    from ..nn import functional
    return functional


def _linalg():
    from .. import linalg
    return linalg


def _is_nonzero(x):
    if x.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if x.numel() else
                           "Boolean value of Tensor with no values is ambiguous")
    return bool(x.item() != 0)

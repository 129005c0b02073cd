"""Writing at indices, as PyTorch's: scatter, scatter_add, index_add, index_fill, index_copy (and their in-place
forms). A scatter writes (or adds) ``src`` at the places ``index`` names along ``dim``, as gather reads them; the
index_* ops take whole slices along ``dim``. The gradient of the input is the output's, zero at the written
places (added to, for the *_add ops); the source's is the output's gradient read back at its places."""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from .indexing import index_parts
from .inplace import SetItem
from .rearrange import check_in_range, places_along
from .shape import normalize_dim

__all__ = ["scatter", "scatter_add", "index_add", "index_fill", "index_copy"]


class AddAt(Function):
    """a with ``source`` added at ``index`` (repeated places add up, as PyTorch's scatter_add and index_add)."""

    supports_complex = True

    def forward(self, a, source, index):
        self.index = index
        return self.B.add_at(a, source, index)

    def backward(self, g):
        return g, (self.B.getitem(g, self.index) if self.needs_input_grad[1] else None)


def _scatter_places(input, dim, index, op):  # noqa: A002
    """The places ``index`` names along ``dim``, as the backend takes them (what gather reads)."""
    return index_parts(input, places_along(input, dim, index, op))


def _source(src, index, like, op):
    """The part of ``src`` (a tensor at least index's size, or a number) written at index's places."""
    if not isinstance(src, Tensor):
        return Tensor(np.full(tuple(index.shape), src), dtype=like.dtype, device=like.device)
    if src.dtype != like.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if src.ndim != index.ndim or any(s < i for s, i in zip(src.shape, index.shape)):
        raise RuntimeError(f"{op}(): Expected index {list(index.shape)} to be smaller than src {list(src.shape)}")
    return src[tuple(slice(0, n) for n in index.shape)].to(like.dtype)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """``torch.scatter``: a copy of input with out[index[i][j]][j] = src[i][j] for dim = 0 (and so on), src a
    tensor or a number (``value``); ``reduce='add'`` adds instead (as scatter_add), ``'multiply'`` multiplies."""
    src = value if src is None else src
    dim = normalize_dim(dim, input.ndim)
    if reduce == "add":
        return scatter_add(input, dim, index, src if isinstance(src, Tensor) else _source(src, index, input, "scatter"))
    if reduce == "multiply":
        from .tensor_extras import scatter_reduce
        return scatter_reduce(input, dim, index, src if isinstance(src, Tensor) else
                              _source(src, index, input, "scatter"), "prod")
    if reduce is not None:
        raise RuntimeError("reduce argument must be either add or multiply.")
    return SetItem.apply(input, _source(src, index, input, "scatter"), index=_scatter_places(input, dim, index,
                                                                                             "scatter"))


def scatter_add(input, dim, index, src):  # noqa: A002
    """``torch.scatter_add``: out[index[i][j]][j] += src[i][j] for dim = 0 (and so on); repeated places add up."""
    dim = normalize_dim(dim, input.ndim)
    return AddAt.apply(input, _source(src, index, input, "scatter_add"),
                       index=_scatter_places(input, dim, index, "scatter_add"))


def _slices(input, dim, index, op):  # noqa: A002
    dim = normalize_dim(dim, input.ndim)
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector of integers")
    # (PyTorch's bounds: index_fill counts a negative index from the end; index_add and index_copy refuse it)
    if op == "index_fill":
        check_in_range(index, input.shape[dim], dim, IndexError, negatives=True)
    elif op == "index_copy":
        check_in_range(index, input.shape[dim], dim, IndexError, prefix="index_copy_(): ")
    else:
        check_in_range(index, input.shape[dim], dim)
    return dim, index_parts(input, (slice(None),) * dim + (index.reshape(-1).to(input.device),))


def _on_scalars(op):
    """PyTorch's index_add/index_fill/index_copy of a 0-d input: its one value as a vector of length 1 (dim 0 or
    -1), the result 0-d again."""
    def scalar_or_tensor(input, dim, index, source, **options):  # noqa: A002
        if input.ndim:
            return op(input, dim, index, source, **options)
        normalize_dim(dim, 0)
        if isinstance(source, Tensor):
            source = source.reshape(-1)
        return op(input.reshape(1), 0, index.reshape(-1), source, **options).reshape(())
    scalar_or_tensor.__name__, scalar_or_tensor.__doc__ = op.__name__, op.__doc__
    return scalar_or_tensor


def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """``torch.index_add``: source's slices along ``dim`` added (times ``alpha``) to input's slices at index."""
    dim, places = _slices(input, dim, index, "index_add")
    return AddAt.apply(input, (source * alpha if alpha != 1 else source).to(input.dtype), index=places)


def index_fill(input, dim, index, value):  # noqa: A002
    """``torch.index_fill``: input's slices at index along ``dim`` set to ``value``."""
    _, places = _slices(input, dim, index, "index_fill")
    return SetItem.apply(input, value.item() if isinstance(value, Tensor) else value, index=places)


def index_copy(input, dim, index, source):  # noqa: A002
    """``torch.index_copy``: input's slices at index along ``dim`` replaced by source's."""
    _, places = _slices(input, dim, index, "index_copy")
    return SetItem.apply(input, source.to(input.dtype), index=places)


index_add, index_fill, index_copy = _on_scalars(index_add), _on_scalars(index_fill), _on_scalars(index_copy)

METHODS = {"scatter": scatter, "scatter_add": scatter_add, "index_add": index_add, "index_fill": index_fill,
           "index_copy": index_copy}

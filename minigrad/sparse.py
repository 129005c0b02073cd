"""PyTorch's COO sparse tensors for the scripts that build one (``torch.sparse_coo_tensor``, ``x.to_sparse()``)
and multiply by it (``torch.spmm``, ``torch.sparse.mm``): minigrad stores them dense.

The values are those of PyTorch's sparse tensor once made dense (duplicate indices summed, as ``coalesce``), every
product and gradient is the dense one, except that ``torch.sparse.mm`` keeps its sparse operand's gradient only
where that operand is non-zero, as PyTorch's; what is not kept is the memory saving, and ``is_sparse`` stays False. (A deliberate divergence, written in README.md: a graph network's adjacency matrix of a few thousand
nodes fits densely, and one storage keeps every kernel one kernel.)
"""
import numpy as np

from .autograd import Function
from .creation import tensor as _tensor, zeros
from .ops.linalg import mm as _mm
from .ops.products import addmm as _addmm
from .ops.reduce import sum as _sum
from .ops.tensor_extras import index_put
from .tensor import Tensor

__all__ = ["sparse_coo_tensor", "spmm", "mm", "addmm", "sum"]


def sparse_coo_tensor(indices, values, size=None, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None, pin_memory=False):
    """``torch.sparse_coo_tensor``: ``values[k]`` at ``indices[:, k]`` (sparse dims first, then each value's own
    dims), duplicates summed, zeros elsewhere; ``size`` defaults to the smallest that holds every index."""
    indices = indices if isinstance(indices, Tensor) else _tensor(indices)
    values = values if isinstance(values, Tensor) else _tensor(values)
    if indices.ndim != 2 or indices.is_floating_point():
        raise RuntimeError(f"indices must be an int64 tensor of shape (sparse_dims, nnz), got {indices.dtype} "
                           f"{tuple(indices.shape)}")
    places = indices.cpu().numpy().astype(np.int64)
    sparse_dims, count = places.shape
    if values.ndim < 1 or values.shape[0] != count:
        raise RuntimeError(f"indices and values must have the same number of entries (nnz), got {count} and "
                           f"{tuple(values.shape)}")
    if (places < 0).any():
        raise RuntimeError("found negative index in the indices of a sparse tensor")
    dense_dims = tuple(values.shape[1:])
    if size is None:
        size = tuple(int(places[d].max()) + 1 if count else 0 for d in range(sparse_dims)) + dense_dims
    size = tuple(int(s) for s in size)
    if len(size) != sparse_dims + len(dense_dims) or size[sparse_dims:] != dense_dims:
        raise RuntimeError(f"number of dimensions must be sparse_dim ({sparse_dims}) + dense_dim "
                           f"({len(dense_dims)}), and the dense sizes {dense_dims}, but got {size}")
    for d in range(sparse_dims):
        if count and places[d].max() >= size[d]:
            raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                               f"index {int(places[d].max())}")
    dtype = values.dtype if dtype is None else dtype
    out = zeros(size, dtype=dtype, device=device or values.device)
    if count:
        out = index_put(out, tuple(_tensor(p) for p in places), values.to(dtype), accumulate=True)
    return out.requires_grad_(True) if requires_grad and not out.requires_grad else out


def spmm(input, mat2):  # noqa: A002
    """``torch.spmm``: a (sparse) matrix times a dense one; dense here."""
    return _mm(input, mat2)


class SparsityPattern(Function):
    """The identity whose gradient is kept only where the input is non-zero: the entries a sparse tensor holds,
    which are all PyTorch's ``torch.sparse.mm`` gives a gradient for."""

    def forward(self, a):
        self.pattern = self.B.not_equal(a, self.B.scalar(0, a.dtype))
        return a

    def backward(self, g):
        return self.B.where(self.pattern, g, self.B.scalar(0, g.dtype))


def mm(mat1, mat2, reduce=None):
    """``torch.sparse.mm``: the product with ``mat1``'s gradient only at its non-zero entries, as PyTorch's
    (``reduce`` other than 'sum' is not provided)."""
    if reduce not in (None, "sum"):
        raise NotImplementedError(f"minigrad.sparse.mm: reduce={reduce!r} is not provided")
    return _mm(SparsityPattern.apply(mat1) if mat1.requires_grad else mat1, mat2)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``torch.sparse.addmm``: ``beta * mat + alpha * mat1 @ mat2``."""
    return _addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def sum(input, dim=None, dtype=None):  # noqa: A001 (torch.sparse.sum's name)
    """``torch.sparse.sum``: the sum over ``dim`` (every dim when None)."""
    out = _sum(input) if dim is None else _sum(input, dim)
    return out if dtype is None else out.to(dtype)


def to_sparse(x, *layout_arguments, **layout_keywords):
    """``Tensor.to_sparse``: a copy, in the graph (stored dense; layout arguments are accepted)."""
    return x.clone()


METHODS = {
    "to_sparse": to_sparse, "to_sparse_coo": to_sparse, "to_dense": lambda x, dtype=None: (
        x if dtype is None else x.to(dtype)), "coalesce": lambda x: x, "is_coalesced": lambda x: True,
}

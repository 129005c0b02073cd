"""Products built on matmul, as PyTorch's: addmm, addmv, addr, addbmm, baddbmm, mv, inner, vdot, tensordot, kron,
cross, chain_matmul (and ``linalg.multi_dot``). Their gradients are those of matmul, mul and sum."""
import functools

import numpy as np

from .compare import where
from .linalg import bmm, dot, matmul, mm, outer
from .shape import normalize_dim, permute, reshape

__all__ = ["addmm", "addmv", "addr", "addbmm", "baddbmm", "mv", "inner", "vdot", "tensordot", "kron", "cross",
           "chain_matmul"]


def _scaled_sum(input, product, beta, alpha):  # noqa: A002
    """beta * input + alpha * product, as PyTorch's add-products: with beta 0 the input is not read (its NaN and
    inf do not reach the result)."""
    if alpha != 1:
        product = product * alpha
    if beta == 0:  # the input still gets a (zero) gradient, as PyTorch's
        never = input.new_zeros((), dtype=np.dtype(bool))
        return where(never, input.to(product.dtype), product)
    return (input if beta == 1 else input * beta) + product


def mv(input, vec):  # noqa: A002
    """``torch.mv``: a matrix times a vector."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    return matmul(input, vec)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``torch.addmm``: beta * input + alpha * (mat1 @ mat2)."""
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    """``torch.addmv``: beta * input + alpha * (mat @ vec)."""
    return _scaled_sum(input, mv(mat, vec), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    """``torch.addr``: beta * input + alpha * outer(vec1, vec2)."""
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``torch.addbmm``: beta * input + alpha * (the sum over the batch of batch1[i] @ batch2[i])."""
    return _scaled_sum(input, bmm(batch1, batch2).sum(0), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``torch.baddbmm``: beta * input + alpha * bmm(batch1, batch2)."""
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


def tensordot(a, b, dims=2):
    """``torch.tensordot``: the sum over ``dims`` (a count of a's last and b's first dims, or two lists of dims)
    of a * b, as one matmul."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))
    else:
        given_a, given_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [normalize_dim(d, a.ndim) for d in given_a]
    dims_b = [normalize_dim(d, b.ndim) for d in given_b]
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    for da, db, shown_a, shown_b in zip(dims_a, dims_b, given_a, given_b):
        if b.shape[db] == 1 and a.shape[da] != 1:  # a broadcast dim: PyTorch sums the other side's first
            a = a.sum(da, keepdim=True)
        elif a.shape[da] == 1 and b.shape[db] != 1:
            b = b.sum(db, keepdim=True)
        elif a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                               f"{shown_a} and second has size {b.shape[db]} in dim {shown_b}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = 1
    for d in dims_a:
        size *= a.shape[d]
    left = reshape(permute(a, *free_a, *dims_a), (-1, size))
    right = reshape(permute(b, *dims_b, *free_b), (size, -1))
    return reshape(mm(left, right), tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def inner(input, other):  # noqa: A002
    """``torch.inner``: the sum over the last dims of input and other (a product when either is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


def vdot(input, other):  # noqa: A002
    """``torch.vdot``: ``dot`` of the first vector's conjugate with the second."""
    return dot(input.conj(), other)


def kron(input, other):  # noqa: A002
    """``torch.kron``: the Kronecker product, block (i, j...) being input[i, j...] * other."""
    ndim = max(input.ndim, other.ndim)
    a = reshape(input, (1,) * (ndim - input.ndim) + tuple(input.shape))
    b = reshape(other, (1,) * (ndim - other.ndim) + tuple(other.shape))
    spread_a = reshape(a, tuple(s for n in a.shape for s in (n, 1)))
    spread_b = reshape(b, tuple(s for n in b.shape for s in (1, n)))
    return reshape(spread_a * spread_b, tuple(m * n for m, n in zip(a.shape, b.shape)))


def cross(input, other, dim=None):  # noqa: A002
    """``torch.cross``: the cross product of 3-vectors along ``dim`` (None: the first dim of size 3, as PyTorch's
    deprecated default), broadcasting."""
    shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(other.shape)))
    if dim is None:
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    dim = normalize_dim(dim, len(shape))
    if shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    a, b = input.broadcast_to(shape), other.broadcast_to(shape)
    # component k: a[k+1] b[k+2] - a[k+2] b[k+1]
    return a.roll(-1, dim) * b.roll(-2, dim) - a.roll(-2, dim) * b.roll(-1, dim)


def chain_matmul(*matrices):
    """``torch.chain_matmul``: the product of the matrices, left to right."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    return functools.reduce(mm, matrices)


METHODS = {"addmm": addmm, "addmv": addmv, "addr": addr, "addbmm": addbmm, "baddbmm": baddbmm, "mv": mv,
           "inner": inner, "vdot": vdot, "kron": kron, "cross": cross}

"""``minigrad.linalg``: ``torch.linalg``'s functions. Norms, products and powers are written with the
differentiable ops; factorizations (inv, det, slogdet, solve, cholesky, eigh, svd, qr, pinv) are in
ops/matrix.py."""
import math
from . import return_types

import numpy as np

from .ops.matrix import (inv, det, slogdet, solve, cholesky, eigh, eigvalsh, svd, svdvals, qr, pinv,  # noqa: F401
                         matrix_power)
from .ops.products import chain_matmul, cross as _cross
from .ops.linalg import matmul, diagonal as _diagonal  # noqa: F401
from .ops.vector_norm import norm as _vector_p_norm
from .ops.matrix_exp import matrix_exp  # noqa: F401
from .ops.lu import lu_factor, lu_factor_ex, lu, lu_solve  # noqa: F401
from .ops.householder import householder_product  # noqa: F401
from .ops.linalg_errors import LinAlgError, failure_message, positive_definite_info, singular_info

__all__ = ["LinAlgError", "lu_factor", "lu_factor_ex", "lu", "lu_solve", "householder_product", "inv", "det", "slogdet", "solve", "cholesky", "eigh", "eigvalsh", "svd", "svdvals", "qr", "pinv",
           "matrix_power", "vector_norm", "matrix_norm", "norm", "multi_dot", "cross", "matmul", "vecdot",
           "diagonal", "inv_ex", "cholesky_ex", "matrix_exp", "matrix_rank", "lstsq", "solve_triangular", "solve_ex",
           "vander", "cond", "tensorinv", "tensorsolve"]


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.vector_norm``: the ord-norm of the elements over ``dim`` (all of them by default)."""
    return _vector_p_norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.matrix_norm``: 'fro', 'nuc', inf / -inf (largest / smallest row sum of magnitudes), 1 / -1
    (column sums), 2 / -2 (largest / smallest singular value) over the two dims ``dim``."""
    if dtype is not None:
        A = A.to(dtype)
    rows, columns = (d % A.ndim for d in dim)
    if ord == "fro":
        return _vector_p_norm(A, 2, (rows, columns), keepdim)
    moved = A.movedim((rows, columns), (-2, -1))
    if ord in ("nuc", 2, -2):
        values = svdvals(moved)
        out = values.sum(-1) if ord == "nuc" else (values.amax(-1) if ord == 2 else values.amin(-1))
    elif ord in (math.inf, -math.inf, 1, -1):
        sums = moved.abs().sum(-1 if abs(ord) == math.inf else -2)
        out = sums.amax(-1) if ord > 0 else sums.amin(-1)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        for d in sorted((rows, columns)):
            out = out.unsqueeze(d)
    return out


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.norm``: a vector norm over one dim (or all, flattened, when ord is None), a matrix norm
    over two dims or of a 2-D input given an ``ord``."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2 or (dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, dim or (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def multi_dot(tensors):
    """``torch.linalg.multi_dot``: the product of the matrices (a 1-D first or last one as a row or column)."""
    tensors = list(tensors)
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first:
        tensors[0] = tensors[0].unsqueeze(0)
    if last:
        tensors[-1] = tensors[-1].unsqueeze(1)
    out = chain_matmul(*tensors)
    if first:
        out = out.squeeze(0)
    if last:
        out = out.squeeze(-1)
    return out


def cross(input, other, *, dim=-1):  # noqa: A002
    """``torch.linalg.cross``: the cross product along ``dim`` (the last by default)."""
    return _cross(input, other, dim)


def vecdot(x, y, *, dim=-1):
    """``torch.linalg.vecdot``: the dot product of the vectors along ``dim``."""
    return (x * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``torch.linalg.diagonal``: the diagonals of the matrices in the last two dims."""
    return _diagonal(A, offset, dim1, dim2)


InvExResult = return_types.linalg_inv_ex
CholeskyExResult = return_types.linalg_cholesky_ex
SolveExResult = return_types.linalg_solve_ex


def _failed_as_nan(compute, A, info, regular):
    """``compute`` on A with each failed matrix (info > 0) replaced by ``regular``, whose results are then NaN:
    PyTorch leaves LAPACK's partial results there, which the documentation leaves unspecified."""
    from .creation import tensor
    from .ops.compare import where
    failed = tensor(info > 0, device=A.device).reshape(*info.shape, 1, 1)
    out = compute(where(failed, regular, A))
    return where(failed.reshape(*failed.shape[:-2], *([1] * (out.ndim - info.ndim))), float("nan"), out)


def _ex(name, compute, A, info, check_errors, regular):
    """The result and LAPACK's info of a ``*_ex`` function: PyTorch's LinAlgError with ``check_errors``, else NaN
    results for the failed matrices."""
    from .creation import tensor
    info_tensor = tensor(np.asarray(info, np.int32), dtype=np.dtype("int32"), device=A.device)
    if not np.any(info):
        return compute(A), info_tensor
    if check_errors:
        raise LinAlgError(failure_message(name, A, info, f"linalg.{name}"))
    return _failed_as_nan(compute, A, info, regular), info_tensor


def inv_ex(A, *, check_errors=False):
    """``torch.linalg.inv_ex``: (inverse, info), info the first zero pivot of each matrix's LU factorization
    (0 when regular); a singular matrix's inverse is NaN here, or PyTorch's error with ``check_errors``."""
    from .creation import eye
    info = singular_info(A.detach().cpu().numpy())
    return InvExResult(*_ex("inv_ex", inv, A, info, check_errors, eye(A.shape[-1], dtype=A.dtype, device=A.device)))


def cholesky_ex(A, *, upper=False, check_errors=False):
    """``torch.linalg.cholesky_ex``: (L, info), info 0 for a positive-definite matrix, else the order of its first
    leading minor that is not (that matrix's L is NaN here: PyTorch leaves a partial factor); ``check_errors=True``
    raises PyTorch's LinAlgError instead."""
    from .creation import eye
    info = positive_definite_info(A.detach().cpu().numpy())
    return CholeskyExResult(*_ex("cholesky_ex", lambda M: cholesky(M, upper=upper), A, info, check_errors,
                                 eye(A.shape[-1], dtype=A.dtype, device=A.device)))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """``torch.linalg.matrix_rank``: how many singular values exceed max(atol, rtol * the largest), rtol
    defaulting to max(m, n) * eps when atol is not given; an int64 tensor per matrix."""
    from .creation import tensor
    values = svdvals(A).detach().cpu().numpy()
    eps = float(np.finfo(values.dtype).eps)
    if rtol is None:
        rtol = max(A.shape[-2:]) * eps if atol is None else 0.0
    largest = values.max(-1, keepdims=True) if values.shape[-1] else np.zeros(values.shape[:-1] + (1,))
    cutoff = np.maximum(0.0 if atol is None else atol, rtol * largest)
    return tensor((values > cutoff).sum(-1).astype(np.int64), device=A.device)


def lstsq(A, B, rcond=None, *, driver=None):
    """``torch.linalg.lstsq``: the least-squares solution X of A X = B (min ||A X - B||), as pinv(A) @ B, with
    the rank; ``residuals`` and ``singular_values`` are empty, as from PyTorch's default CPU driver ('gelsy').
    Differentiable through the pseudo-inverse."""
    vector = B.ndim == A.ndim - 1
    solution = pinv(A) @ (B.unsqueeze(-1) if vector else B)
    empty = A.new_zeros(0)
    return return_types.linalg_lstsq(solution.squeeze(-1) if vector else solution, empty, matrix_rank(A), empty)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """``torch.linalg.solve_triangular``: X with A X = B (X A = B when not ``left``) reading only A's upper or
    lower triangle (a unit diagonal when ``unitriangular``); differentiable (A's gradient in that triangle)."""
    from .ops.rearrange import tril, triu
    from .creation import eye
    triangle = triu(A) if upper else tril(A)
    if unitriangular:
        identity = eye(A.shape[-1], dtype=A.dtype, device=A.device)
        triangle = triangle - triangle * identity + identity
    return solve(triangle, B, left=left)


def solve_ex(A, B, *, left=True, check_errors=False):
    """``torch.linalg.solve_ex``: (solve(A, B), info), info the first zero pivot of each A's LU factorization;
    a singular A's solution is NaN here, or PyTorch's error with ``check_errors``."""
    from .creation import eye
    info = singular_info(A.detach().cpu().numpy())
    return SolveExResult(*_ex("solve_ex", lambda M: solve(M, B, left=left), A, info, check_errors,
                              eye(A.shape[-1], dtype=A.dtype, device=A.device)))


def vander(x, *, N=None):
    """``torch.linalg.vander``: the columns x^0, x^1, ..., x^(N-1) (increasing powers, N = len(x) by default)."""
    from .creation import arange
    count = x.shape[-1] if N is None else N
    return x.unsqueeze(-1) ** arange(count, device=x.device).to(x.dtype if x.is_floating_point() else np.int64)


def cond(A, p=None):
    """``torch.linalg.cond``: the condition number, the ratio of the largest to the smallest singular value
    (p None, 2, -2 for its inverse), else norm(A, p) * norm(inv(A), p)."""
    if p in (None, 2, -2):
        values = svdvals(A)
        ratio = values[..., 0] / values[..., -1]
        return ratio if p != -2 else 1 / ratio
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def tensorinv(A, ind=2):
    """``torch.linalg.tensorinv``: the tensor whose tensordot with A over ``ind`` dims is the identity."""
    head, tail = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    rows = int(np.prod(head))
    return inv(A.reshape(rows, -1)).reshape(tail + head)


def tensorsolve(A, B, dims=None):
    """``torch.linalg.tensorsolve``: X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        order = [d for d in range(A.ndim) if d not in [d % A.ndim for d in dims]] + [d % A.ndim for d in dims]
        A = A.permute(*order)
    tail = tuple(A.shape[B.ndim:])
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(tail)

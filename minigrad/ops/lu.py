"""LU factorization with partial pivoting, as ``torch.linalg.lu_factor`` / ``lu_factor_ex`` / ``lu`` /
``lu_solve`` and ``torch.lu_unpack`` (and the deprecated ``torch.lu``, ``torch.lu_solve``): A = P L U with L unit
lower triangular (m x k) and U upper triangular (k x n), k = min(m, n).

The row exchanges are chosen as LAPACK's getrf chooses them (the largest magnitude in the column, the first of
equals; a zero column leaves the pivot and reports it in ``info``), on a float64 copy; then L and U are computed
from the exchanged rows by Doolittle's elimination written with differentiable tensor ops, one column at a time,
so the gradients of L, U (and of anything solved with them) come from autograd: the same derivative PyTorch's
closed form gives. ``pivots`` are LAPACK's: 1-based, row j swapped with row pivots[j] - 1 at step j."""

import numpy as np

from .. import return_types
from .. import creation
from ..autograd import no_grad

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_unpack", "lu_solve", "legacy_lu", "legacy_lu_solve"]

_LUFactor = return_types.linalg_lu_factor
_LUFactorEx = return_types.linalg_lu_factor_ex
_LU = return_types.linalg_lu
_LUUnpack = return_types.lu_unpack


def _exchanges(matrices):
    """(pivots (..., k) int32 1-based, row order (..., m) with A[order] = L U, info (...) int32) of getrf."""
    work = np.array(matrices, dtype=np.float64, copy=True).reshape(-1, *matrices.shape[-2:])
    batch, m, n = work.shape
    k = min(m, n)
    pivots = np.zeros((batch, k), np.int32)
    order = np.tile(np.arange(m), (batch, 1))
    info = np.zeros(batch, np.int32)
    for b in range(batch):
        a = work[b]
        for j in range(k):
            p = j + int(np.argmax(np.abs(a[j:, j])))
            pivots[b, j] = p + 1
            if p != j:
                a[[j, p]] = a[[p, j]]
                order[b, [j, p]] = order[b, [p, j]]
            if a[j, j] != 0:
                a[j + 1:, j] /= a[j, j]
            elif info[b] == 0:
                info[b] = j + 1
            a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    lead = matrices.shape[:-2]
    return pivots.reshape(*lead, k), order.reshape(*lead, m), info.reshape(lead)


def _doolittle(A):
    """(L, U) of a matrix whose rows need no exchange, by elimination in differentiable ops."""
    from ..nn import functional as F
    from .compare import where
    from .shape import stack
    m, n = A.shape[-2:]
    k = min(m, n)
    trailing, rows, columns = A, [], []
    for j in range(k):
        pivot = trailing[..., :1, :1]
        below = trailing[..., 1:, :1]
        column = where(pivot != 0, below / where(pivot != 0, pivot, 1.0), 0.0)
        rows.append(F.pad(trailing[..., 0, :], [j, 0]))
        columns.append(F.pad(column[..., 0], [j + 1, 0]))
        trailing = trailing[..., 1:, 1:] - column @ trailing[..., :1, 1:]
    U = stack(rows, -2)
    L = stack(columns, -1) + creation.eye(m, k, dtype=A.dtype, device=A.device)
    return L, U


def _permutation(order, m, dtype, device):
    """P with P[order[i], i] = 1 (A = P L U), batched."""
    eye = np.eye(m, dtype=np.dtype(dtype))
    matrices = np.swapaxes(eye[order], -1, -2)
    return creation.tensor(np.ascontiguousarray(matrices), device=device)


def _factor(A, pivot, name):
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    with no_grad():
        pivots, order, info = _exchanges(A.detach().cpu().numpy())
    index = creation.tensor(order, device=A.device)
    exchanged = A.gather(-2, index.unsqueeze(-1).expand(*index.shape, A.shape[-1]))
    L, U = _doolittle(exchanged)
    return L, U, pivots, order, info


def _packed(L, U):
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    from ..nn import functional as F
    strictly_lower = (L - creation.eye(m, k, dtype=L.dtype, device=L.device)).tril(-1)
    return F.pad(strictly_lower, [0, n - k]) + F.pad(U, [0, 0, 0, m - k])


def _raise_on_zero_pivot(info, name):
    """PyTorch's error for a zero pivot, naming it as LAPACK's info does (1-based)."""
    if info.any():
        i = int(info.reshape(-1)[info.reshape(-1) > 0][0])
        raise RuntimeError(f"torch.{name}: U[{i},{i}] is zero and using it on lu_solve would result in a division "
                           "by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot=True, check_errors=False):  # noqa: N803
    """``torch.linalg.lu_factor_ex``: (LU, pivots, info), L and U packed in one matrix, info > 0 naming the
    first zero pivot (1-based), as LAPACK."""
    L, U, pivots, _, info = _factor(A, pivot, "linalg.lu_factor_ex")
    if check_errors:
        _raise_on_zero_pivot(info, "linalg.lu_factor_ex")
    return _LUFactorEx(_packed(L, U), creation.tensor(pivots, dtype=np.int32, device=A.device),
                       creation.tensor(info, dtype=np.int32, device=A.device))


def lu_factor(A, *, pivot=True):  # noqa: N803
    """``torch.linalg.lu_factor``: (LU, pivots); a zero pivot raises, as PyTorch's."""
    L, U, pivots, _, info = _factor(A, pivot, "linalg.lu_factor")
    _raise_on_zero_pivot(info, "linalg.lu_factor")
    return _LUFactor(_packed(L, U), creation.tensor(pivots, dtype=np.int32, device=A.device))


def lu(A, *, pivot=True):  # noqa: N803
    """``torch.linalg.lu``: (P, L, U) with A = P L U."""
    L, U, _, order, _ = _factor(A, pivot, "linalg.lu")
    return _LU(_permutation(order, A.shape[-2], A.dtype, A.device), L, U)


def _order_from_pivots(pivots, m):
    pivots = np.asarray(pivots).reshape(-1, pivots.shape[-1])
    order = np.tile(np.arange(m), (len(pivots), 1))
    for b, row in enumerate(pivots):
        for j, p in enumerate(row):
            order[b, [j, p - 1]] = order[b, [p - 1, j]]
    return order


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):  # noqa: N803
    """``torch.lu_unpack``: (P, L, U) from lu_factor's packed matrix and pivots."""
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    L = U = P = None
    if unpack_data:
        L = LU_data[..., :, :k].tril(-1) + creation.eye(m, k, dtype=LU_data.dtype, device=LU_data.device)
        U = LU_data[..., :k, :].triu()
    if unpack_pivots:
        pivots = LU_pivots.detach().cpu().numpy()
        order = _order_from_pivots(pivots, m).reshape(*pivots.shape[:-1], m)
        P = _permutation(order, m, LU_data.dtype, LU_data.device)
    return _LUUnpack(P, L, U)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):  # noqa: N803
    """``torch.linalg.lu_solve``: X with A X = B (X A = B when not ``left``; A^H with ``adjoint``), A = P L U."""
    from ..linalg import solve_triangular
    P, L, U = lu_unpack(LU, pivots)
    if left and not adjoint:  # L U X = P^T B
        return solve_triangular(U, solve_triangular(L, P.transpose(-2, -1) @ B, upper=False, unitriangular=True),
                                upper=True)
    if left:  # U^T L^T P^T X = B
        inner = solve_triangular(U.transpose(-2, -1), B, upper=False)
        return P @ solve_triangular(L.transpose(-2, -1), inner, upper=True, unitriangular=True)
    if not adjoint:  # X P L U = B
        inner = solve_triangular(U, B, upper=True, left=False)
        return solve_triangular(L, inner, upper=False, left=False, unitriangular=True) @ P.transpose(-2, -1)
    # X U^T L^T P^T = B
    inner = solve_triangular(L.transpose(-2, -1), B @ P, upper=True, left=False, unitriangular=True)
    return solve_triangular(U.transpose(-2, -1), inner, upper=False, left=False)


def legacy_lu(A, pivot=True, get_infos=False):  # noqa: N803
    """``torch.lu`` (deprecated in PyTorch): (LU, pivots) or, with ``get_infos``, (LU, pivots, infos)."""
    result = lu_factor_ex(A, pivot=pivot)
    return tuple(result) if get_infos else (result.LU, result.pivots)


def legacy_lu_solve(b, LU_data, LU_pivots):  # noqa: N803
    """``torch.lu_solve(b, LU_data, LU_pivots)`` (deprecated in PyTorch): ``linalg.lu_solve(LU, pivots, b)``."""
    return lu_solve(LU_data, LU_pivots, b)


METHODS = {"lu": lambda self, pivot=True, get_infos=False: legacy_lu(self, pivot, get_infos),
           "lu_solve": lambda self, LU_data, LU_pivots: legacy_lu_solve(self, LU_data, LU_pivots)}  # noqa: N803

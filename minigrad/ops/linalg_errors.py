"""``torch.linalg.LinAlgError`` and PyTorch's messages for a matrix that a factorization or an inversion fails on:
the failing batch element, and LAPACK's info for it (the first zero pivot of an LU factorization, the first
leading minor of a Cholesky factorization that is not positive-definite)."""
import numpy as np

__all__ = ["LinAlgError", "failure_message", "singular_info", "positive_definite_info"]


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a factorization or inversion that failed (a RuntimeError, as PyTorch's)."""


def failure_message(name, matrices, info, shown=None):
    """PyTorch's message for the first matrix whose ``info`` (LAPACK's, per matrix of the batch) is nonzero."""
    flat = np.asarray(info).reshape(-1)
    batch = int(np.flatnonzero(flat)[0])
    prefix = f"(Batch element {batch}): " if matrices.ndim > 2 else ""
    k = int(flat[batch])
    shown = shown or f"linalg.{name}"
    if name.startswith("cholesky"):
        return (f"{shown}: {prefix}The factorization could not be completed because the input is not "
                f"positive-definite (the leading minor of order {k} is not positive-definite).")
    if name.startswith("inv"):
        return (f"{shown}: {prefix}The diagonal element {k} is zero, the inversion could not be completed because "
                f"the input matrix is singular.")
    return f"{shown}: {prefix}The solver failed because the input matrix is singular."


def singular_info(matrices):
    """LAPACK's getrf info per matrix: the 1-based index of the first zero pivot, 0 for a regular matrix."""
    from .lu import _exchanges
    return _exchanges(matrices)[2]


def positive_definite_info(matrices):
    """LAPACK's potrf info per matrix: the order of the first leading minor that is not positive-definite."""
    flat = matrices.reshape(-1, *matrices.shape[-2:])
    info = np.zeros(len(flat), np.int32)
    for i, matrix in enumerate(flat):
        try:
            np.linalg.cholesky(matrix)
        except np.linalg.LinAlgError:
            info[i] = next(k for k in range(1, matrix.shape[-1] + 1) if not _positive_definite(matrix[:k, :k]))
    return info.reshape(matrices.shape[:-2])


def _positive_definite(matrix):
    try:
        np.linalg.cholesky(matrix)
        return True
    except np.linalg.LinAlgError:
        return False

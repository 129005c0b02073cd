"""PyTorch's top-level triangular and Cholesky forms: ``torch.cholesky_solve``, ``torch.cholesky_inverse``,
``torch.triangular_solve`` (deprecated in PyTorch, still in scripts) and ``torch.cholesky``; each is written with
``linalg.solve_triangular`` (and so differentiable through it)."""

from .. import return_types
from ..autograd import Function

__all__ = ["cholesky_solve", "cholesky_inverse", "triangular_solve"]

_TriangularSolveResult = return_types.triangular_solve


def _solve_with_factor(B, L, upper):
    """(L L^T)^-1 B (or (U^T U)^-1 B), reading L's triangle only, outside the graph."""
    from ..autograd import no_grad
    from ..linalg import solve_triangular
    with no_grad():
        lower = L.transpose(-2, -1) if upper else L
        return solve_triangular(lower.transpose(-2, -1), solve_triangular(lower, B, upper=False), upper=True)


class _CholeskySolve(Function):
    """PyTorch's gradients: dB = (L L^T)^-1 dX, and dL = -(dB X^T + X dB^T) L (-U (...) with ``upper``),
    multiplied by L as given, every entry of it (PyTorch's formula; the forward pass reads the triangle only)."""

    @staticmethod
    def forward(ctx, B, L, upper):  # noqa: N803
        X = _solve_with_factor(B, L, upper)
        ctx.save_for_backward(L, X)
        ctx.upper = upper
        return X

    @staticmethod
    def backward(ctx, grad):
        L, X = ctx.saved_tensors
        grad_B = _solve_with_factor(grad, L, ctx.upper)
        common = grad_B @ X.transpose(-2, -1)
        common = common + common.transpose(-2, -1)
        grad_L = -(L @ common) if ctx.upper else -(common @ L)
        return grad_B, _sum_to(grad_L, L.shape), None


def _sum_to(value, shape):
    """value summed over the leading dims it has beyond ``shape`` (broadcast batch dims)."""
    while value.ndim > len(shape):
        value = value.sum(0)
    for dim, size in enumerate(shape):
        if size == 1 and value.shape[dim] != 1:
            value = value.sum(dim, keepdim=True)
    return value


def cholesky_solve(B, L, upper=False):  # noqa: N803
    """``torch.cholesky_solve(B, L, upper=False)``: X with (L L^T) X = B, L lower (or U^T U with ``upper``);
    only L's triangle is read. The gradient reaches every entry of L, as PyTorch's."""
    import numpy as np
    batch = np.broadcast_shapes(tuple(B.shape[:-2]), tuple(L.shape[:-2]))
    B = B.expand(*batch, *B.shape[-2:]) if tuple(B.shape[:-2]) != batch else B
    return _CholeskySolve.apply(B, L.expand(*batch, *L.shape[-2:]) if tuple(L.shape[:-2]) != batch else L, upper)


def cholesky_inverse(L, upper=False):  # noqa: N803
    """``torch.cholesky_inverse(L, upper=False)``: (L L^T)^-1 from the Cholesky factor."""
    from ..creation import eye
    identity = eye(L.shape[-1], dtype=L.dtype, device=L.device).expand(*L.shape)
    return cholesky_solve(identity, L, upper)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):  # noqa: N803
    """``torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)``: (X, A's copy) with
    A X = b (A^T X = b with ``transpose``), reading one triangle of A."""
    from ..linalg import solve_triangular
    matrix = A.transpose(-2, -1) if transpose else A
    solution = solve_triangular(matrix, b, upper=upper != transpose, unitriangular=unitriangular)
    return _TriangularSolveResult(solution, A.clone())


METHODS = {"cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse,
           "triangular_solve": triangular_solve}

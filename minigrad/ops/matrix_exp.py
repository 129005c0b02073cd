"""``torch.linalg.matrix_exp``: exp(A) = sum A^k / k! of a square matrix (or a batch of them), by scaling and
squaring: A / 2^s has norm at most 1/2, its Taylor series to the 18th power is exact to double precision there,
and squaring s times undoes the scaling. Its gradient is the Fréchet derivative's adjoint, read from the
exponential of the block matrix [[A^T, G], [0, A^T]]: its upper-right block."""
import math

import numpy as np

from ..autograd import Function
from ..tensor import Tensor, _is_floating

__all__ = ["matrix_exp"]

_TERMS = 18


def _exp_of(a):
    """exp of the last two dims of a numpy array, in float64 arithmetic, returned in a's dtype."""
    work = a.astype(np.float64)
    norm = np.abs(work).sum(-2).max() if work.size else 0.0
    if not np.isfinite(norm):  # an inf or NaN entry: NaN everywhere, as PyTorch's series gives
        return np.full(a.shape, np.nan, a.dtype)
    squarings = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0.5 else 0
    work = work / 2.0 ** squarings
    total = term = np.broadcast_to(np.eye(a.shape[-1]), work.shape).copy()
    for k in range(1, _TERMS + 1):
        term = term @ work / k
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total.astype(a.dtype)


class MatrixExp(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.B.from_numpy(_exp_of(self.B.to_numpy(a)))

    def backward(self, g):
        a, g = (self.B.to_numpy(t) for t in (*self.saved, g))
        n = a.shape[-1]
        transposed = np.swapaxes(a, -1, -2)
        block = np.zeros(a.shape[:-2] + (2 * n, 2 * n), a.dtype)
        block[..., :n, :n] = transposed
        block[..., n:, n:] = transposed
        block[..., :n, n:] = g
        return self.B.from_numpy(np.ascontiguousarray(_exp_of(block)[..., :n, n:]))


def matrix_exp(A):
    """``torch.linalg.matrix_exp`` (and ``torch.matrix_exp``): the exponential of square matrices in the last two
    dims, differentiable."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_exp: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else 1} by {A.shape[-1]} matrices")
    if not _is_floating(A.dtype):
        raise RuntimeError(f"linalg.matrix_exp: Expected a floating point tensor, got {A.dtype}")
    return MatrixExp.apply(A) if isinstance(A, Tensor) else matrix_exp(Tensor(A))

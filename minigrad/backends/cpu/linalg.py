"""CPU kernels: matrix products (numpy's matmul, which calls BLAS for float32 and float64)."""
import numpy as np

__all__ = ["matrix_product", "matrix_transpose"]


def matrix_product(a, b):
    """``a @ b`` with numpy's (= PyTorch's) rules for 1-d, 2-d and batched operands.

    A batch of matrices times one matrix is done as a single GEMM on the
    batch folded into rows, rather than one BLAS call per matrix.
    """
    if b.ndim == 2 and a.ndim > 2:
        rows = np.reshape(a, (-1, a.shape[-1]))
        return np.reshape(rows @ b, a.shape[:-1] + (b.shape[1],))
    return np.matmul(a, b)


def matrix_transpose(a):
    """Swap the last two axes (a view)."""
    return np.swapaxes(a, -1, -2)

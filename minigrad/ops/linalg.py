"""Matrix products: matmul (the ``@`` operator), mm, bmm, with PyTorch's rules for 1-d and batched operands."""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor

__all__ = ["matmul", "mm", "bmm"]


class MatMul(Function):
    """``a @ b`` where 1-d operands were already made 2-d; ``out_shape`` drops those added dims again."""

    def forward(self, a, b, a_shape, b_shape, out_shape):
        self.a_orig, self.b_orig = a.shape, b.shape
        self.a_shape, self.b_shape = a_shape, b_shape
        B = self.B
        a2, b2 = B.reshape(a, a_shape), B.reshape(b, b_shape)
        self.save_for_backward(a2, b2)
        return B.reshape(B.matmul(a2, b2), out_shape)

    def backward(self, g):
        B = self.B
        a2, b2 = self.saved
        batch = np.broadcast_shapes(self.a_shape[:-2], self.b_shape[:-2])
        g2 = B.reshape(g, batch + (self.a_shape[-2], self.b_shape[-1]))
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = B.sum_to_shape(B.matmul(g2, B.matrix_transpose(b2)), self.a_shape)
            ga = B.reshape(ga, self.a_orig)
        if self.needs_input_grad[1]:
            if len(self.b_shape) == 2 and len(self.a_shape) > 2:
                # Every matrix of the batch used the same b: one GEMM over the batch folded into rows.
                k, n = self.b_shape
                gb = B.matmul(B.matrix_transpose(B.reshape(a2, (-1, k))), B.reshape(g2, (-1, n)))
            else:
                gb = B.sum_to_shape(B.matmul(B.matrix_transpose(a2), g2), self.b_shape)
            gb = B.reshape(gb, self.b_orig)
        return ga, gb


def matmul(a, b):
    """``torch.matmul``: dot product (1-d @ 1-d), matrix-vector, matrix product, or batched with broadcast batch dims."""
    if not isinstance(a, Tensor):
        a = Tensor(a, dtype=getattr(a, "dtype", None), device=b.device)
    if not isinstance(b, Tensor):
        b = Tensor(b, dtype=getattr(b, "dtype", None), device=a.device)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need to be at least 1D, got shapes {tuple(a.shape)} "
                           f"and {tuple(b.shape)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"matmul: expected both operands to have the same dtype, got {a.dtype} and {b.dtype}")
    a_shape = (1,) + tuple(a.shape) if a.ndim == 1 else tuple(a.shape)
    b_shape = tuple(b.shape) + (1,) if b.ndim == 1 else tuple(b.shape)
    if a_shape[-1] != b_shape[-2]:
        raise RuntimeError(f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
                           f"({a_shape[-1]} != {b_shape[-2]})")
    try:
        batch = np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise RuntimeError(f"matmul: batch dims of shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                           f"broadcast together") from None
    out_shape = batch + ((a_shape[-2],) if a.ndim > 1 else ()) + ((b_shape[-1],) if b.ndim > 1 else ())
    return MatMul.apply(a, b, a_shape=a_shape, b_shape=b_shape, out_shape=out_shape)


def mm(a, b):
    """``torch.mm``: the product of two 2-d matrices."""
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(f"mm: expected two 2-D tensors, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
    return matmul(a, b)


def bmm(a, b):
    """``torch.bmm``: batched product of (b, n, m) and (b, m, p) tensors, no broadcasting."""
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise RuntimeError(f"bmm: expected two 3-D tensors with the same batch size, got shapes "
                           f"{tuple(a.shape)} and {tuple(b.shape)}")
    return matmul(a, b)


METHODS = {"matmul": matmul, "__matmul__": matmul, "__rmatmul__": lambda self, other: matmul(other, self),
           "mm": mm, "bmm": bmm}

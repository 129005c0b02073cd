"""Matrix products: matmul (the ``@`` operator), mm, bmm, with PyTorch's rules for 1-d and batched operands; dot,
outer; diagonal, diag, trace; einsum (in einsum.py)."""
import numpy as np

from ..autograd import Function, named_as, named_node
from ..tensor import Tensor, cpp_type_name
from .einsum import einsum
from .elementwise import broadcast_mismatch

__all__ = ["matmul", "mm", "bmm", "dot", "outer", "ger", "diagonal", "diag", "trace", "einsum"]


class MatMul(Function):
    """``a @ b`` where 1-d operands were already made 2-d; ``out_shape`` drops those added dims again."""

    supports_complex = holomorphic = True

    def forward(self, a, b, a_shape, b_shape, out_shape):
        self.a_orig, self.b_orig = a.shape, b.shape
        self.a_shape, self.b_shape = a_shape, b_shape
        B = self.B
        a2, b2 = B.reshape(a, a_shape), B.reshape(b, b_shape)
        self.save_for_backward(a2, b2)
        return B.reshape(B.matrix_product(a2, b2), out_shape)

    def backward(self, g):
        B = self.B
        a2, b2 = self.saved
        batch = np.broadcast_shapes(self.a_shape[:-2], self.b_shape[:-2])
        g2 = B.reshape(g, batch + (self.a_shape[-2], self.b_shape[-1]))
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = B.sum_to_shape(B.matrix_product(g2, B.matrix_transpose(b2)), self.a_shape)
            ga = B.reshape(ga, self.a_orig)
        if self.needs_input_grad[1]:
            if len(self.b_shape) == 2 and len(self.a_shape) > 2:
                # Every matrix of the batch used the same b: one GEMM over the batch folded into rows.
                k, n = self.b_shape
                gb = B.matrix_product(B.matrix_transpose(B.reshape(a2, (-1, k))), B.reshape(g2, (-1, n)))
            else:
                gb = B.sum_to_shape(B.matrix_product(B.matrix_transpose(a2), g2), self.b_shape)
            gb = B.reshape(gb, self.b_orig)
        return ga, gb


def matmul(a, b):
    """``torch.matmul``: dot product (1-d @ 1-d), matrix-vector, matrix product, or batched with broadcast batch dims."""
    if not isinstance(a, Tensor):
        a = Tensor(a, dtype=getattr(a, "dtype", None), device=b.device)
    if not isinstance(b, Tensor):
        b = Tensor(b, dtype=getattr(b, "dtype", None), device=a.device)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
                           f"{b.ndim}D")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cpp_type_name(a.dtype)} != "
                           f"{cpp_type_name(b.dtype)}")
    a_shape = (1,) + tuple(a.shape) if a.ndim == 1 else tuple(a.shape)
    b_shape = tuple(b.shape) + (1,) if b.ndim == 1 else tuple(b.shape)
    if a_shape[-1] != b_shape[-2] and b.ndim <= 2:
        raise RuntimeError(_folded_mismatch(tuple(a.shape), tuple(b.shape)))
    mismatch = broadcast_mismatch(a_shape[:-2], b_shape[:-2])
    if mismatch is not None:
        raise RuntimeError(mismatch)
    batch = np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    if a_shape[-1] != b_shape[-2]:
        count = int(np.prod(batch))
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{count}, "
                           f"{a_shape[-1]}] but got: [{count}, {b_shape[-2]}].")
    out_shape = batch + ((a_shape[-2],) if a.ndim > 1 else ()) + ((b_shape[-1],) if b.ndim > 1 else ())
    return MatMul.apply(a, b, a_shape=a_shape, b_shape=b_shape, out_shape=out_shape)


def _folded_mismatch(a_shape, b_shape):
    """PyTorch's message when the inner sizes differ and ``b`` has at most 2 dims: matmul then runs as dot, mv or
    mm, with ``a``'s leading dimensions folded into its rows."""
    if len(a_shape) == 1 and len(b_shape) == 1:
        return (f"inconsistent tensor size, expected tensor [{a_shape[0]}] and src [{b_shape[0]}] to have the "
                f"same number of elements, but got {a_shape[0]} and {b_shape[0]} elements respectively")
    rows = int(np.prod(a_shape[:-1]))
    if len(b_shape) == 1:
        return f"size mismatch, got input ({rows}), mat ({rows}x{a_shape[-1]}), vec ({b_shape[0]})"
    return f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a_shape[-1]} and {b_shape[0]}x{b_shape[1]})"


def mm(a, b):
    """``torch.mm``: the product of two 2-d matrices."""
    for name, operand in (("self", a), ("mat2", b)):
        if operand.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    return matmul(a, b)


@named_as("BmmBackward0")
def bmm(a, b):
    """``torch.bmm``: batched product of (b, n, m) and (b, m, p) tensors, no broadcasting."""
    for name, t in (("batch1", a), ("batch2", b)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if (b.shape[0], b.shape[1]) != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: {[a.shape[0], a.shape[2]]} "
                           f"but got: {[b.shape[0], b.shape[1]]}.")
    return matmul(a, b)


def dot(input, tensor):  # noqa: A002
    """``torch.dot``: the inner product of two 1-D tensors of one length and dtype."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] "
                           f"to have the same number of elements, but got {input.shape[0]} and {tensor.shape[0]} "
                           f"elements respectively")
    if input.dtype != tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {input.dtype} and "
                           f"{tensor.dtype}")
    if input.dtype.kind in "fc":  # (BLAS's dot, as PyTorch's: the order of its additions is the closer)
        return named_node(matmul(input, tensor), "DotBackward0", input, tensor)
    return (input * tensor).sum(dtype=input.dtype)  # (an integer dot keeps its dtype)


def outer(input, vec2):  # noqa: A002
    """``torch.outer`` (alias ``ger``): out[i, j] = input[i] * vec2[j]."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError("outer: expected two 1-D tensors")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


def _diagonal_view(a, offset, dim1, dim2):
    """The (i, i + offset) entries of a numpy array's (dim1, dim2) planes, as a writable view (last dim)."""
    start = tuple(slice(max(-offset, 0), None) if d == dim1 else slice(max(offset, 0), None) if d == dim2
                  else slice(None) for d in range(a.ndim))
    corner = a[start]
    rest = [d for d in range(a.ndim) if d not in (dim1, dim2)]
    count = max(0, min(corner.shape[dim1], corner.shape[dim2]))
    return np.lib.stride_tricks.as_strided(corner, tuple(a.shape[d] for d in rest) + (count,),
                                           tuple(a.strides[d] for d in rest) + (a.strides[dim1] + a.strides[dim2],))


class Diagonal(Function):
    """A view of the diagonals (on the CPU), as PyTorch's: writing into it writes into the input."""

    supports_complex = True

    def forward(self, a, offset, dim1, dim2):
        self.in_shape, self.args = a.shape, (offset, dim1, dim2)
        return _diagonal_view(a, offset, dim1, dim2)

    def backward(self, g):
        grad = np.zeros(self.in_shape, g.dtype)
        _diagonal_view(grad, *self.args)[...] = g
        return grad

    def composite(self, a, offset, dim1, dim2):
        """The same values by indexing, for second derivatives (autograd_graph)."""
        return _indexed_diagonal(a, offset, dim1, dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """``torch.diagonal``: the entries (i, i + offset) of the (dim1, dim2) planes, as the last dim (a view)."""
    from .shape import normalize_dim
    dim1, dim2 = normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input.device.type == "cpu":
        return Diagonal.apply(input, offset=offset, dim1=dim1, dim2=dim2)
    return _indexed_diagonal(input, offset, dim1, dim2)


def _indexed_diagonal(input, offset, dim1, dim2):  # noqa: A002
    rest = [d for d in range(input.ndim) if d not in (dim1, dim2)]
    planes = input.permute(*rest, dim1, dim2)
    rows, columns = planes.shape[-2:]
    first_row, first_column = max(-offset, 0), max(offset, 0)
    count = max(0, min(rows - first_row, columns - first_column))
    steps = np.arange(count)
    index = (Tensor(steps + first_row, dtype=np.dtype("int64"), device=input.device),
             Tensor(steps + first_column, dtype=np.dtype("int64"), device=input.device))
    return planes[(Ellipsis,) + index]


def diag(input, diagonal=0):  # noqa: A002
    """``torch.diag``: a 1-D input on the ``diagonal``-th diagonal of a square matrix (zeros elsewhere), or the
    ``diagonal``-th diagonal of a 2-D input."""
    from .compare import where
    if input.ndim == 2:
        return input.diagonal(diagonal).clone()  # (a copy, as PyTorch's: not a view like Tensor.diagonal)
    if input.ndim != 1:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")
    size = input.shape[0] + abs(diagonal)
    rows, columns = np.indices((size, size))
    on_diagonal = columns - rows == diagonal
    source = np.clip(rows if diagonal >= 0 else columns, 0, max(input.shape[0] - 1, 0))
    if input.shape[0] == 0:
        return Tensor(np.zeros((size, size)), dtype=input.dtype, device=input.device)
    return where(Tensor(on_diagonal, dtype=np.dtype(bool), device=input.device),
                 input[Tensor(source, dtype=np.dtype("int64"), device=input.device)],
                 Tensor(0, dtype=input.dtype, device=input.device))


def trace(input):  # noqa: A002
    """``torch.trace``: the sum of a 2-D tensor's diagonal."""
    if input.ndim != 2:
        raise RuntimeError("trace: expected a matrix")
    return diagonal(input).sum()


METHODS = {"matmul": matmul, "__matmul__": matmul, "__rmatmul__": lambda self, other: matmul(other, self),
           "mm": mm, "bmm": bmm, "dot": dot, "outer": outer, "ger": outer, "diagonal": diagonal, "diag": diag,
           "trace": trace}

"""Vector norms, as ``torch.norm`` / ``Tensor.norm`` and ``torch.nn.functional.normalize``."""
import math

from ..autograd import Function, named_node
from ..tensor import _is_floating
from .reduce import _axes

__all__ = ["norm", "frobenius_norm", "normalize"]


class PNorm(Function):
    """(sum |x|^p)^(1/p) over ``axes`` for a finite p other than 0 and 1, with PyTorch's gradient: zero where the
    norm is zero (and, for p < 1, at the zero elements), where the power rule would divide by zero."""

    def forward(self, a, p, axes, keepdim):
        B = self.B
        self.p, self.axes = p, axes
        if p == 2:
            total = B.sqrt(B.sum(B.mul(a, a), axis=axes, keepdims=True))
        else:
            total = B.power(B.sum(B.power(B.abs(a), B.scalar(p, a.dtype)), axis=axes, keepdims=True),
                            B.scalar(1 / p, a.dtype))
        self.save_for_backward(a, total)
        return total if keepdim else B.reshape(total, tuple(n for i, n in enumerate(a.shape) if i not in axes))

    def backward(self, g):
        B, p = self.B, self.p
        a, total = self.saved
        g = B.reshape(g, total.shape)
        c = lambda value: B.scalar(value, a.dtype)  # noqa: E731
        if p < 1:  # sign(x) |x|^(p-1) (0 at x = 0) * g * norm^(1-p)
            zero = B.equal(a, c(0))
            scaled = B.where(zero, c(0), B.mul(B.sign(a), B.power(B.where(zero, c(1), B.abs(a)), c(p - 1))))
            return B.mul(scaled, B.mul(g, B.power(total, c(1 - p))))
        if p == 2:
            scaled = a
        elif p < 2:
            scaled = B.mul(B.sign(a), B.power(B.abs(a), c(p - 1)))
        else:
            scaled = B.mul(a, B.power(B.abs(a), c(p - 2)))
        nonzero = B.where(B.equal(total, c(0)), c(1), total)
        share = B.where(B.equal(total, c(0)), c(0), B.div(g, nonzero if p == 2 else B.power(nonzero, c(p - 1))))
        return B.mul(scaled, share)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """``torch.norm``: the vector p-norm over ``dim`` (all elements by default): 'fro' and 2 Euclidean, 1 the sum
    of magnitudes, inf / -inf the largest / smallest magnitude, 0 the count of non-zeros, other p
    (sum |x|^p)^(1/p); 'nuc' the nuclear norm of a matrix. The gradient at a zero vector is zero, as PyTorch's."""
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.kind == "c" and p != "nuc":
        input = input.abs()  # a complex vector's norm is that of its magnitudes
    if not _is_floating(input.dtype):
        raise RuntimeError(f"norm(): input dtype should be floating point, got {input.dtype}")
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    if p == "fro":
        p = 2
    if p == "nuc":  # the sum of singular values of the matrices over ``dim`` (the last two dims by default)
        from ..linalg import matrix_norm
        if dim is not None and (not isinstance(dim, (tuple, list)) or len(dim) != 2):
            raise RuntimeError("norm(): the nuclear norm needs a 2-dim dim, or a 2-D input without one")
        if dim is None and input.ndim != 2:
            raise RuntimeError(f"nuclear norm: expected a 2-D tensor without dim, got {input.ndim}-D")
        return matrix_norm(input, "nuc", dim=tuple(dim) if dim is not None else (-2, -1), keepdim=keepdim)
    if isinstance(p, str):
        raise RuntimeError(f"norm(): the matrix norm {p!r} is not supported by minigrad")
    dim = tuple(range(input.ndim)) if dim is None else dim
    magnitude = input.abs()
    if p == math.inf:
        out = magnitude.amax(dim, keepdim=keepdim)
    elif p == -math.inf:
        out = magnitude.amin(dim, keepdim=keepdim)
    elif p == 0:
        out = (input != 0).to(input.dtype).sum(dim, keepdim=keepdim)
    elif p == 1:
        out = magnitude.sum(dim, keepdim=keepdim)
    else:
        out = PNorm.apply(input, p=float(p), axes=_axes(dim, input.ndim), keepdim=keepdim)
    return named_node(out, "LinalgVectorNormBackward0", input)


def nuclear_norm(input, dim=None, keepdim=False):  # noqa: A002
    """``torch.nuclear_norm`` (deprecated in PyTorch): ``norm(input, 'nuc', dim, keepdim)``."""
    return norm(input, "nuc", dim, keepdim)


_FROBENIUS_WARNED = []


def frobenius_norm(input, dim, keepdim=False):  # noqa: A002
    """``torch.frobenius_norm``: the 2-norm over ``dim`` (a dim or dims), with PyTorch's deprecation warning once
    per process."""
    if not _FROBENIUS_WARNED:
        import warnings
        _FROBENIUS_WARNED.append(True)
        warnings.warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be removed "
                      "in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead",
                      UserWarning, stacklevel=2)
    return norm(input, 2, dim, keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12):  # noqa: A002
    """``torch.nn.functional.normalize``: input / max(||input||_p over ``dim``, eps)."""
    return input / norm(input, p, dim, keepdim=True).clamp(min=eps)


METHODS = {"norm": norm}

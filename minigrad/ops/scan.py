"""Running sums and products, as ``torch.cumsum`` and ``torch.prod``. The gradient of a running sum is the
running sum of the gradient taken from the other end; the gradient of a product, PyTorch's rule with zeros."""
import numpy as np

from ..autograd import Function
from .reduce import _axes
from .shape import normalize_dim

__all__ = ["cumsum", "prod"]


class Cumsum(Function):
    def forward(self, a, axis):
        self.axis = axis
        return self.B.cumsum(a, axis)

    def backward(self, g):
        return self.B.cumsum(g, self.axis, reverse=True)


def cumsum(input, dim, *, dtype=None):  # noqa: A002
    """``torch.cumsum``: out[i] = input[0] + ... + input[i] along ``dim``; integers and bools sum in int64."""
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim == 0:
        return Cumsum.apply(input.reshape(1), axis=0).reshape(())
    return Cumsum.apply(input, axis=normalize_dim(dim, input.ndim))


class Prod(Function):
    def forward(self, a, axes, keepdim):
        self.axes, self.in_shape = axes, a.shape
        out = self.B.prod(a, axis=axes, keepdims=True)
        self.save_for_backward(a, out)
        return out if keepdim else self.B.reshape(out, tuple(n for i, n in enumerate(a.shape) if i not in axes))

    def backward(self, g):
        """g * prod / x where the product has no zero; where it has one, g times the product of the others at
        the zero and 0 elsewhere; 0 where it has more (PyTorch's prod_backward)."""
        B, (a, out) = self.B, self.saved
        g = B.reshape(g, out.shape)
        zero, one = B.scalar(0, a.dtype), B.scalar(1, a.dtype)
        is_zero = B.equal(a, zero)
        zeros = B.sum(B.astype(is_zero, np.dtype("int64")), axis=self.axes, keepdims=True)
        plain = B.mul(g, B.div(out, B.where(is_zero, one, a)))
        others = B.prod(B.where(is_zero, one, a), axis=self.axes, keepdims=True)
        single = B.where(is_zero, B.mul(g, others), zero)
        none = B.equal(zeros, B.scalar(0, np.dtype("int64")))
        return B.where(none, plain, B.where(B.equal(zeros, B.scalar(1, np.dtype("int64"))), single, zero))


def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.prod``: the product of all elements or along ``dim``; integers and bools multiply in int64."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point() and input.dtype != np.dtype("int64"):
        input = input.long()
    axes = _axes(dim, input.ndim)
    return Prod.apply(input, axes=axes, keepdim=keepdim if dim is not None else False)


METHODS = {"cumsum": cumsum, "prod": prod}

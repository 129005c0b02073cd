"""Running sums and products, as ``torch.cumsum``, ``torch.cumprod``, ``torch.logcumsumexp``, ``torch.diff`` and
``torch.prod``. The gradient of a running sum is the running sum of the gradient taken from the other end; the
gradients of products, PyTorch's rules with zeros."""
import numpy as np

from ..autograd import Function
from .reduce import _axes, in_requested_dtype
from .shape import normalize_dim

__all__ = ["cumsum", "cumprod", "logcumsumexp", "diff", "prod"]


class Cumsum(Function):
    supports_complex = True

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
        return in_requested_dtype(Cumsum.apply(input.reshape(1), axis=0).reshape(()), dtype)
    return in_requested_dtype(Cumsum.apply(input, axis=normalize_dim(dim, input.ndim)), dtype)


class Cumprod(Function):
    supports_complex = holomorphic = True

    def forward(self, a, axis):
        self.axis = axis
        out = self.B.cumprod(a, axis)
        self.save_for_backward(a, out)
        return out

    def backward(self, g):
        """Before the line's first zero: the reversed running sum of g * out, divided by x. At the first zero: the
        reversed running sum of g times the product of the other elements, over the places before a second zero.
        After it: 0. (Without zeros this is PyTorch's formula; with them, its value.)"""
        B, (a, out), axis = self.B, self.saved, self.axis
        zero, one = B.scalar(0, a.dtype), B.scalar(1, a.dtype)
        is_zero = B.equal(a, zero)
        zeros_so_far = B.cumsum(B.astype(is_zero, np.dtype("int64")), axis)
        none_yet = B.equal(zeros_so_far, B.scalar(0, np.dtype("int64")))
        one_so_far = B.equal(zeros_so_far, B.scalar(1, np.dtype("int64")))
        before = B.div(B.cumsum(B.mul(g, out), axis, reverse=True), B.where(is_zero, one, a))
        others = B.cumprod(B.where(is_zero, one, a), axis)  # the product of the nonzero elements so far
        at_zero = B.cumsum(B.where(one_so_far, B.mul(g, others), zero), axis, reverse=True)
        first_zero = B.bitwise_and(is_zero, one_so_far)
        return B.where(none_yet, before, B.where(first_zero, at_zero, zero))


def cumprod(input, dim, *, dtype=None):  # noqa: A002
    """``torch.cumprod``: out[i] = input[0] * ... * input[i] along ``dim``; integers and bools multiply in
    int64."""
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim == 0:
        return in_requested_dtype(Cumprod.apply(input.reshape(1), axis=0).reshape(()), dtype)
    return in_requested_dtype(Cumprod.apply(input, axis=normalize_dim(dim, input.ndim)), dtype)


def logcumsumexp(input, dim):  # noqa: A002
    """``torch.logcumsumexp``: log(cumsum(exp(input))) along ``dim``, shifted by the dim's largest value so that
    nothing overflows (a line of -inf gives -inf)."""
    from .compare import where
    dim = normalize_dim(dim, max(input.ndim, 1))
    if input.numel() == 0:
        return input.clone()
    shift = input.detach().amax(dim, keepdim=True) if input.ndim else input.detach()
    shift = where(shift.isinf(), 0.0, shift)
    return cumsum((input - shift).exp(), dim).log() + shift


def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """``torch.diff``: the n-th forward difference along ``dim``, after joining ``prepend`` and ``append``."""
    from .shape import cat
    from .rearrange import narrow
    dim = normalize_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        parts = [p if p.ndim else p.expand(*[1 if d == dim else s for d, s in enumerate(input.shape)])
                 for p in (prepend, input, append) if p is not None]
        input = cat(parts, dim)
    for _ in range(n):
        length = input.shape[dim]
        if length == 0:
            break
        later, earlier = narrow(input, dim, 1, length - 1), narrow(input, dim, 0, length - 1)
        input = later ^ earlier if input.dtype == bool else later - earlier  # (PyTorch's bool diff: xor)
    return input


class Prod(Function):
    supports_complex = holomorphic = True

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
    if input.dtype.kind not in "fc" and input.dtype != np.dtype("int64"):
        input = input.long()
    axes = _axes(dim, input.ndim)
    return in_requested_dtype(Prod.apply(input, axes=axes, keepdim=keepdim if dim is not None else False), dtype)


METHODS = {"cumsum": cumsum, "cumprod": cumprod, "logcumsumexp": logcumsumexp, "diff": diff, "prod": prod}

"""Reductions: sum, mean, var, max, min, argmax."""
from ..autograd import Function

__all__ = ["sum"]


def _axes(dim, ndim):
    """Normalise ``dim`` (None, int or tuple, negatives allowed) to a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(d % ndim if ndim else 0 for d in dims))


def _keepdim_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Function):
    def forward(self, a, axes, keepdim):
        self.in_shape, self.axes = a.shape, axes
        return self.B.sum(a, axis=axes, keepdims=keepdim)

    def backward(self, g):
        g = g.reshape(_keepdim_shape(self.in_shape, self.axes))
        return self.B.copy(self.B.broadcast_to(g, self.in_shape))


def sum(x, dim=None, keepdim=False):  # noqa: A001
    """``torch.sum`` over all elements or over ``dim`` (int or tuple)."""
    return Sum.apply(x, axes=_axes(dim, x.ndim), keepdim=keepdim)


METHODS = {"sum": sum}

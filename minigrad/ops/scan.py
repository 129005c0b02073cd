"""Running sums, as ``torch.cumsum``: the gradient of a running sum is the running sum of the gradient taken from
the other end."""
from ..autograd import Function
from .shape import normalize_dim

__all__ = ["cumsum"]


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


METHODS = {"cumsum": cumsum}

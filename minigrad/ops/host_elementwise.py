"""Elementwise special functions computed on the host in float64 (numpy, vectorised), for the functions whose
accurate forms need branches and series (the normal distribution's tails, Bessel functions): a float32 input is
computed in float64 and rounded once; a GPU tensor makes the round trip, as the factorizations do."""
import numpy as np

from ..autograd import Function
from .elementwise import floating


class HostElementwise(Function):
    """``value(x)`` forward and ``slope(x, y) * g`` backward, both numpy functions of float64 arrays (x the input,
    y the value)."""

    def forward(self, a, value, slope):
        self.slope = slope
        x = self.B.to_numpy(a).astype(np.float64)
        with np.errstate(all="ignore"):
            y = value(x)
        self.saved_host = (x, y)
        return self.B.from_numpy(np.asarray(y, dtype=a.dtype).reshape(a.shape))

    def backward(self, g):
        x, y = self.saved_host
        grad = self.B.to_numpy(g)
        with np.errstate(all="ignore"):
            slope = self.slope(x, y)
        return self.B.from_numpy(np.asarray(grad.astype(np.float64) * slope, dtype=grad.dtype).reshape(grad.shape))


def elementwise(input, value, slope):  # noqa: A002
    """``value`` applied to every element of ``input`` (integers taken as the default float), differentiable by
    ``slope`` when given; without one the result is outside the graph, as PyTorch's non-differentiable special
    functions give it."""
    input = floating(input)  # noqa: A001
    return HostElementwise.apply(input if slope is not None else input.detach(), value=value, slope=slope)

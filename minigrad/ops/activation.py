"""Activations: relu, leaky_relu, sigmoid, tanh, softmax, log_softmax (as ``torch.nn.functional``)."""
import warnings

from ..autograd import Function
from .shape import normalize_dim

__all__ = ["relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax"]


class ReLU(Function):
    def forward(self, a):
        out = self.B.relu(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.relu_backward(g, self.saved[0])


def relu(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.relu``: max(x, 0); gradient 0 at 0. ``inplace=True`` writes into ``input`` and returns
    it, as PyTorch (and refuses a leaf that requires grad, as PyTorch)."""
    if inplace:
        from .inplace import apply_inplace
        return apply_inplace(input, "relu_", ReLU.apply)
    return ReLU.apply(input)


class LeakyReLU(Function):
    def forward(self, a, negative_slope):
        self.negative_slope = negative_slope
        self.save_for_backward(a)
        return self.B.leaky_relu(a, negative_slope)

    def backward(self, g):
        return self.B.leaky_relu_backward(g, self.saved[0], self.negative_slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``torch.nn.functional.leaky_relu``: x where x > 0, else negative_slope * x; ``inplace`` as ``relu``'s."""
    if inplace:
        from .inplace import apply_inplace
        return apply_inplace(input, "leaky_relu_", lambda t: LeakyReLU.apply(t, negative_slope=float(negative_slope)))
    return LeakyReLU.apply(input, negative_slope=float(negative_slope))


class Sigmoid(Function):
    def forward(self, a):
        out = self.B.sigmoid(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.sigmoid_backward(g, self.saved[0])


def sigmoid(input):  # noqa: A002
    """``torch.sigmoid``: 1 / (1 + exp(-x)), finite for any input."""
    return Sigmoid.apply(input)


class Tanh(Function):
    def forward(self, a):
        out = self.B.tanh(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.tanh_backward(g, self.saved[0])


def tanh(input):  # noqa: A002
    """``torch.tanh``."""
    return Tanh.apply(input)


def _softmax_dim(name, x, dim):
    if dim is None:
        # PyTorch's legacy choice when dim is left out, with its warning.
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      f"Change the call to include dim=X as an argument.", stacklevel=3)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, x.ndim)


class Softmax(Function):
    def forward(self, a, axis):
        self.axis = axis
        out = self.B.softmax(a, axis)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.softmax_backward(g, self.saved[0], self.axis)


def softmax(input, dim=None, dtype=None):  # noqa: A002
    """``torch.softmax`` along ``dim``; the max is subtracted first, so huge logits give no NaN."""
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, axis=_softmax_dim("softmax", input, dim))


class LogSoftmax(Function):
    def forward(self, a, axis):
        self.axis = axis
        out = self.B.log_softmax(a, axis)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.log_softmax_backward(g, self.saved[0], self.axis)


def log_softmax(input, dim=None, dtype=None):  # noqa: A002
    """``torch.log_softmax`` along ``dim``: x - max - log(sum(exp(x - max))), stable for huge logits."""
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, axis=_softmax_dim("log_softmax", input, dim))


METHODS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh,
           "softmax": lambda x, dim=None, dtype=None: softmax(x, dim, dtype),
           "log_softmax": lambda x, dim=None, dtype=None: log_softmax(x, dim, dtype)}

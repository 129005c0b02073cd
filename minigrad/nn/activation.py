"""Activation modules: ``ReLU``, ``LeakyReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax``."""
from . import functional as F
from .module import Module

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmax2d"]


class ReLU(Module):
    """``torch.nn.ReLU``; with ``inplace=True`` it writes into its input and returns it, as PyTorch."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``torch.nn.LeakyReLU(negative_slope=0.01)``."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, inplace=self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """``torch.nn.Sigmoid``."""

    def forward(self, input):  # noqa: A002
        return F.sigmoid(input)


class Tanh(Module):
    """``torch.nn.Tanh``."""

    def forward(self, input):  # noqa: A002
        return F.tanh(input)


class Softmax(Module):
    """``torch.nn.Softmax(dim)``."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """``torch.nn.LogSoftmax(dim)``."""

    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim)


class Softmax2d(Module):
    """``torch.nn.Softmax2d``: softmax over the channels of (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)

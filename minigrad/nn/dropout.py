"""``nn.Dropout``: zero elements at random while training, scaling the rest by 1 / (1 − p)."""
from .. import creation
from .module import Module

__all__ = ["Dropout", "dropout"]


def dropout(input, p=0.5, training=True):  # noqa: A002
    """``torch.nn.functional.dropout``: identity unless training."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = (creation.rand(*input.shape, device=input.device) >= p).to(input.dtype)
    return input * keep * (1.0 / (1.0 - p))


class Dropout(Module):
    """``torch.nn.Dropout(p=0.5)``."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = p

    def forward(self, input):  # noqa: A002
        return dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace=False"

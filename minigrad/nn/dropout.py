"""``nn.Dropout`` and ``nn.Dropout2d``: zero elements (or whole channels) at random while training, scaling
the rest by 1 / (1 − p). The mask is drawn by the backend's ``rand`` from ``minigrad.random``'s generator."""
import warnings

from .. import creation
from .module import Module

__all__ = ["Dropout", "Dropout2d"]  # the functional forms are exported by nn.functional


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _masked(input, p, mask_shape):  # noqa: A002
    """input · mask, the mask (broadcast over ``input``) 0 with probability p, else 1 / (1 − p)."""
    if p == 1.0:
        return input * 0.0
    uniform = creation.rand(*mask_shape, dtype=input.dtype, device=input.device)
    mask = (uniform >= p).to(input.dtype) * (1.0 / (1.0 - p))
    return input * mask


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """``torch.nn.functional.dropout``: identity unless training; ``inplace`` is accepted, a new tensor is returned."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _masked(input, p, tuple(input.shape))


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """``torch.nn.functional.dropout2d``: zero whole channels of (N, C, H, W) input. As PyTorch (for now),
    a 3-D input is taken as (N, C, L), with a warning, and other ranks warn too."""
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release (PyTorch's behaviour). Use a 4-D (N, C, H, W) input.")
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), as PyTorch does.")
    if not training or p == 0.0:
        return input
    if input.ndim < 2:
        raise RuntimeError(f"dropout2d: feature dropout needs at least 2 dims (N, C, ...), got shape "
                           f"{tuple(input.shape)}")
    return _masked(input, p, tuple(input.shape[:2]) + (1,) * (input.ndim - 2))


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        _check_p(p)
        self.p, self.inplace = p, inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """``torch.nn.Dropout(p=0.5, inplace=False)``: identity in eval mode."""

    def forward(self, input):  # noqa: A002
        return dropout(input, self.p, self.training)


class Dropout2d(_DropoutNd):
    """``torch.nn.Dropout2d(p=0.5, inplace=False)``: drops whole channels; identity in eval mode."""

    def forward(self, input):  # noqa: A002
        return dropout2d(input, self.p, self.training)

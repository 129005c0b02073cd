"""``nn.Dropout``, ``nn.Dropout1d``, ``nn.Dropout2d`` and ``nn.Dropout3d``: zero elements (or whole channels) at random while
training, scaling the rest by 1 / (1 − p); ``nn.AlphaDropout`` and ``nn.FeatureAlphaDropout``, which keep a SELU
network's mean and variance. The masks are drawn as PyTorch's CPU dropout draws them (``bernoulli_(1 - p)``, then
divided by 1 - p), so the same seed drops the same elements."""
import math
import warnings

from .. import creation
from ..ops.random_fill import empty_like_layout
from .module import Module

# (the functional forms are exported by nn.functional)
__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


def _check_p(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input, p, mask_shape):  # noqa: A002
    """1 with probability 1 − p, else 0, in input's dtype and device; a mask of input's own shape is drawn in
    input's memory order (PyTorch draws into ``empty_like(input)``, which keeps the strides)."""
    if tuple(mask_shape) == tuple(input.shape):
        return empty_like_layout(input.detach()).bernoulli_(1.0 - p)
    return creation.empty(*mask_shape, dtype=input.dtype, device=input.device).bernoulli_(1.0 - p)


def _masked(input, p, mask_shape, inplace=False):  # noqa: A002
    """input · mask, the mask (broadcast over ``input``) 0 with probability p, else 1 / (1 − p); with ``inplace``
    the input itself is multiplied and returned, as PyTorch's in-place forms."""
    mask = input.new_zeros(()) if p == 1.0 else _keep_mask(input, p, mask_shape) / (1.0 - p)
    return input.mul_(mask) if inplace else input * mask


def _channel_mask_shape(input, batched):  # noqa: A002
    """(N, C, 1, ...) for a batched input, (C, 1, ...) for an unbatched one: one draw per channel, as many and
    in the order of PyTorch's (N, C, 1, ...) noise for the input with a batch dim of 1 added."""
    channels = tuple(input.shape[:2]) if batched else tuple(input.shape[:1])
    return channels + (1,) * (input.ndim - len(channels))


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """``torch.nn.functional.dropout``: identity unless training; with ``inplace`` the input itself is changed."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _masked(input, p, tuple(input.shape), inplace)


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
    return feature_dropout(input, p, training, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """``torch.nn.functional.dropout1d``: zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           f"channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if not training or p == 0.0:
        return input
    return _masked(input, p, _channel_mask_shape(input, input.ndim == 3), inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """``torch.nn.functional.dropout3d``: zero whole channels of (N, C, D, H, W) or (C, D, H, W) input; other ranks
    warn, as PyTorch's, and are taken as unbatched."""
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will "
                      "result in an error in a future release (PyTorch's behaviour). Use a 4-D or 5-D input.")
    if not training or p == 0.0:
        return input
    return _masked(input, p, _channel_mask_shape(input, input.ndim == 5), inplace)


def feature_dropout(input, p, train, inplace=False):  # noqa: A002
    """``torch.feature_dropout(input, p, train)``: zero whole channels (dim 1) of an (N, C, ...) input."""
    _check_p(p)
    if not train or p == 0.0:
        return input
    if input.ndim < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, got shape "
                           f"{tuple(input.shape)}")
    return _masked(input, p, _channel_mask_shape(input, True), inplace)


# SELU's negative saturation, -scale * alpha: where alpha dropout puts the dropped values
_SELU_SATURATION = 1.7580993408473766


def _alpha_masked(input, p, mask_shape, inplace=False):  # noqa: A002
    """input · a·keep + b with keep ~ Bernoulli(1 − p): dropped values go to SELU's saturation and a, b restore
    zero mean and unit variance (PyTorch's constants); in place with ``inplace``."""
    if p == 1.0:
        return input.mul_(0.0) if inplace else input * 0.0
    keep = _keep_mask(input, p, mask_shape)
    a = 1.0 / math.sqrt((_SELU_SATURATION ** 2 * p + 1) * (1 - p))
    shift = (keep - 1) * (_SELU_SATURATION * a) + _SELU_SATURATION * a * p
    return input.mul_(keep * a).add_(shift) if inplace else input * (keep * a) + shift


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """``torch.nn.functional.alpha_dropout``: dropout that keeps a SELU network's mean and variance."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _alpha_masked(input, p, tuple(input.shape), inplace)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """``torch.nn.functional.feature_alpha_dropout``: ``alpha_dropout`` of whole channels."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _alpha_masked(input, p, _channel_mask_shape(input, True), inplace)


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
        return dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """``torch.nn.Dropout1d(p=0.5, inplace=False)``: drops whole channels of (N, C, L) input."""

    def forward(self, input):  # noqa: A002
        return dropout1d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """``torch.nn.AlphaDropout(p=0.5)``: for SELU networks."""

    def forward(self, input):  # noqa: A002
        return alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """``torch.nn.FeatureAlphaDropout(p=0.5)``: alpha dropout of whole channels."""

    def forward(self, input):  # noqa: A002
        return feature_alpha_dropout(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """``torch.nn.Dropout3d(p=0.5, inplace=False)``: drops whole channels of (N, C, D, H, W) input."""

    def forward(self, input):  # noqa: A002
        return dropout3d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """``torch.nn.Dropout2d(p=0.5, inplace=False)``: drops whole channels; identity in eval mode."""

    def forward(self, input):  # noqa: A002
        return dropout2d(input, self.p, self.training, self.inplace)

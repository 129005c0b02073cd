"""``torch.distributions.utils``: broadcasting a law's parameters, and converting probabilities and logits as
PyTorch does (clamped to the dtype's eps, so that a probability of 0 or 1 keeps finite logits)."""
import numpy as np

from .. import creation
from ..nn import functional as F
from ..tensor import Tensor, default_float

__all__ = ["broadcast_all", "clamp_probs", "clipped_sigmoid", "logits_to_probs", "probs_to_logits",
           "lazy_property"]


def broadcast_all(*values):
    """``torch.distributions.utils.broadcast_all``: numbers as tensors (of the tensors' dtype, else the default dtype), all
    expanded to their common shape."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else default_float()
    tensors = [v if isinstance(v, Tensor) else creation.tensor(float(v), dtype=dtype,
                                                               device=like.device if like is not None else "cpu")
               for v in values]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(t.expand(*shape) for t in tensors)


def _info(x):
    return np.finfo(np.dtype(x.dtype))


def clamp_probs(probs):
    """probs clamped to [eps, 1 - eps] of their dtype."""
    eps = float(_info(probs).eps)
    return probs.clamp(min=eps, max=1 - eps)


def clipped_sigmoid(x):
    """sigmoid(x) clamped to [tiny, 1 - eps] of its dtype (PyTorch's ``_clipped_sigmoid``)."""
    info = _info(x)
    return x.sigmoid().clamp(min=float(info.tiny), max=1.0 - float(info.eps))


def logits_to_probs(logits, is_binary=False):
    """``logits_to_probs``: sigmoid of log-odds, or softmax over the last dim."""
    return logits.sigmoid() if is_binary else F.softmax(logits, -1)


def probs_to_logits(probs, is_binary=False):
    """``probs_to_logits``: log-odds (binary) or log-probabilities, of the clamped probabilities."""
    clamped = clamp_probs(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


class lazy_property:  # noqa: N801 (PyTorch's name)
    """A property computed at its first read and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value

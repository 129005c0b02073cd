"""Continuous laws, as ``torch.distributions``': Normal and Uniform, with reparameterized sampling
(``rsample``): a draw is a differentiable function of the parameters and of standard noise."""
import math

import numpy as np

from .. import creation
from ..ops.unary import erf
from ..tensor import Tensor, default_float
from .distribution import Distribution

__all__ = ["Normal", "Uniform", "broadcast_all", "LocationScale", "CenteredAtLoc"]


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


class CenteredAtLoc:
    """The mean and mode of a law symmetric about its ``loc``."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc


class LocationScale(CenteredAtLoc, Distribution):
    """A law given by ``loc`` and a positive ``scale`` (broadcast together)."""
    has_rsample = True
    _given = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(tuple(self.loc.shape), (), validate_args)
        self._check(self.scale > 0, "expected parameter scale to be positive")


class Normal(LocationScale):
    """``torch.distributions.Normal(loc, scale)``."""

    def rsample(self, sample_shape=()):
        noise = creation.randn(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + noise * self.scale

    def log_prob(self, value):
        variance = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    def cdf(self, value):
        return 0.5 * (1 + erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2


class Uniform(Distribution):
    """``torch.distributions.Uniform(low, high)``: uniform on [low, high)."""
    has_rsample = True
    _given = ("low", "high")

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(tuple(self.low.shape), (), validate_args)
        self._check(self.low < self.high, "expected parameter low to be less than high")

    def rsample(self, sample_shape=()):
        unit = creation.rand(*self._extended_shape(sample_shape), dtype=self.low.dtype, device=self.low.device)
        return self.low + unit * (self.high - self.low)

    def log_prob(self, value):
        self._check((self.low <= value) & (value < self.high), "expected value argument to be within the support "
                    "[low, high) of the distribution")
        inside = (self.low <= value).to(self.low.dtype) * (self.high > value).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def entropy(self):
        return (self.high - self.low).log()

    def cdf(self, value):
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.mean * float("nan")

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

"""Continuous laws, as ``torch.distributions``': Normal, Uniform and Cauchy, with reparameterized sampling
(``rsample``): a draw is a differentiable function of the parameters and of standard noise."""
import math

from .. import creation
from ..ops.special import erfinv
from ..ops.unary import erf
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Normal", "Uniform", "Cauchy", "broadcast_all", "LocationScale", "CenteredAtLoc"]


class CenteredAtLoc:
    """The mean and mode of a law symmetric about its ``loc``."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc


class LocationScale(CenteredAtLoc, Distribution):
    """A law on the reals given by ``loc`` and a positive ``scale`` (broadcast together)."""
    has_rsample = True
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    def _noise(self, sample_shape, draw):
        return draw(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)


class Normal(ExponentialFamily, LocationScale):
    """``torch.distributions.Normal(loc, scale)``."""

    def rsample(self, sample_shape=()):
        return self.loc + self._noise(sample_shape, creation.randn) * self.scale

    def log_prob(self, value):
        self._checked(value)
        variance = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    def cdf(self, value):
        self._checked(value)
        return 0.5 * (1 + erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return self.loc / self.scale ** 2, -0.5 * (self.scale ** 2).reciprocal()

    def _log_normalizer(self, x, y):
        return -0.25 * x ** 2 / y + 0.5 * (-math.pi / y).log()


class Cauchy(LocationScale):
    """``torch.distributions.Cauchy(loc, scale)``: no mean or variance (NaN and inf, as PyTorch's)."""

    def rsample(self, sample_shape=()):
        noise = self.loc.detach().new_empty(self._extended_shape(sample_shape)).cauchy_()
        return self.loc + noise * self.scale

    def log_prob(self, value):
        self._checked(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()

    def cdf(self, value):
        self._checked(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    @property
    def mean(self):
        return creation.full(self._batch_shape, float("nan"), dtype=self.loc.dtype)

    @property
    def variance(self):
        return creation.full(self._batch_shape, float("inf"), dtype=self.loc.dtype)


class Uniform(Distribution):
    """``torch.distributions.Uniform(low, high)``: uniform on [low, high)."""
    has_rsample = True

    @property
    def arg_constraints(self):
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(tuple(self.low.shape), (), validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    def rsample(self, sample_shape=()):
        unit = creation.rand(*self._extended_shape(sample_shape), dtype=self.low.dtype, device=self.low.device)
        return self.low + unit * (self.high - self.low)

    def log_prob(self, value):
        self._checked(value)
        inside = (self.low <= value).to(self.low.dtype) * (self.high > value).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def entropy(self):
        return (self.high - self.low).log()

    def cdf(self, value):
        self._checked(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.mean * float("nan")

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    @property
    def stddev(self):
        return (self.high - self.low) / 12 ** 0.5

"""Count laws, as ``torch.distributions``': Binomial, Geometric (failures before the first success),
NegativeBinomial and Multinomial. Each Bernoulli-trial law is given by ``probs`` or ``logits`` and computes the
other at its first read, as PyTorch's; draws are numpy's (minigrad's generator), as float tensors."""
import math

import numpy as np

from .. import creation
from ..nn import functional as F
from ..ops.compare import where
from ..ops.special import lgamma
from . import constraints
from .discrete import BinaryTrials, Categorical, one_of
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Binomial", "Geometric", "NegativeBinomial", "Multinomial"]


class Binomial(BinaryTrials):
    """``torch.distributions.Binomial(total_count=1, probs=None, logits=None)``."""
    arg_constraints = {"total_count": constraints.nonnegative_integer, "probs": constraints.unit_interval,
                       "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        (self.total_count,) = self._set_parameter(probs, logits, total_count)
        self._given = ("total_count", one_of(probs, logits)[0])
        super().__init__(tuple(self._param.shape), (), validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        counts = self.total_count.detach().expand(*shape)
        return creation.binomial(counts.to(self._param.dtype), self.probs.detach().expand(*shape))

    def log_prob(self, value):
        self._checked(value)
        n, logits = self.total_count, self.logits
        clamped_by_zero = (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2
        normalizer = n * clamped_by_zero + n * (-logits.abs()).exp().log1p() - lgamma(n + 1)
        return value * logits - lgamma(value + 1) - lgamma(n - value + 1) - normalizer

    def _homogeneous_count(self, what):
        count = int(self.total_count.max())
        if int(self.total_count.min()) != count:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return count

    def enumerate_support(self, expand=True):
        count = self._homogeneous_count("enumerate_support")
        values = creation.arange(1 + count, dtype=self._param.dtype).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values

    def entropy(self):
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)


class Geometric(BinaryTrials):
    """``torch.distributions.Geometric(probs=None, logits=None)``: failures before the first success."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._set_parameter(probs, logits)
        self._given = (one_of(probs, logits)[0],)
        super().__init__(tuple(self._param.shape), (), validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            value = self.probs
            raise ValueError(f"Expected parameter probs ({type(value).__name__} of shape {tuple(value.shape)}) of "
                             f"distribution {self!r} to be positive but found invalid values:\n"
                             f"{value.detach()[~(value > 0)]}")

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        tiny = float(np.finfo(np.dtype(self._param.dtype)).tiny)
        unit = self._param.detach().new_empty(shape).uniform_(tiny, 1)
        return (unit.log() / (-self.probs.detach()).log1p()).floor()

    def log_prob(self, value):
        self._checked(value)
        value, probs = broadcast_all(value, self.probs)
        probs = where((probs == 1) & (value == 0), 0.0, probs)  # (0 * log(0) is 0 there, as PyTorch's)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return creation.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs


class NegativeBinomial(BinaryTrials):
    """``torch.distributions.NegativeBinomial(total_count, probs=None, logits=None)``: successes before
    ``total_count`` failures, each trial a success with probability ``probs``."""
    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0), "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        (self.total_count,) = self._set_parameter(probs, logits, total_count)
        self._given = ("total_count", one_of(probs, logits)[0])
        super().__init__(tuple(self._param.shape), (), validate_args)

    def sample(self, sample_shape=()):
        from .gamma_family import standard_gamma
        shape = self._extended_shape(sample_shape)
        rates = standard_gamma(self.total_count.detach(), shape) / (-self.logits.detach()).exp()  # (PyTorch's Gamma)
        tiny = float(np.finfo(np.dtype(rates.dtype)).tiny)
        return creation.poisson(rates.clamp(min=tiny))

    def log_prob(self, value):
        self._checked(value)
        n = self.total_count
        unnormalized = n * F.logsigmoid(-self.logits) + value * F.logsigmoid(self.logits)
        normalizer = -lgamma(n + value) + lgamma(1.0 + value) + lgamma(n)
        return unnormalized - where(n + value == 0.0, 0.0, normalizer)

    @property
    def mean(self):
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / (-self.logits).sigmoid()


class Multinomial(Distribution):
    """``torch.distributions.Multinomial(total_count=1, probs=None, logits=None)``: counts of ``total_count``
    categorical draws over the last dim."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._given = ()
        super().__init__(self._categorical._batch_shape, tuple(self._categorical.param_shape[-1:]), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def sample(self, sample_shape=()):
        # PyTorch's way, so that the same seed gives its counts: total_count categorical draws, tallied.
        draws = Categorical(probs=self.probs.detach()).sample((self.total_count,) + tuple(sample_shape))
        draws = draws.permute(*range(1, draws.ndim), 0)
        counts = self.probs.detach().new_zeros(self._extended_shape(sample_shape)).long()
        return counts.scatter_add_(-1, draws, draws.new_ones(tuple(draws.shape))).to(self.probs.dtype)

    def log_prob(self, value):
        self._checked(value)
        logits, value = broadcast_all(self.logits, value)
        logits = where((value == 0) & (logits == float("-inf")), 0.0, logits)
        return lgamma(value.sum(-1) + 1) - lgamma(value + 1).sum(-1) + (logits * value).sum(-1)

    def entropy(self):
        # lgamma(n + 1) in float32, as PyTorch's (it takes it of an integer tensor)
        n, log_factorial = self.total_count, float(np.float32(math.lgamma(self.total_count + 1)))
        binomial = Binomial(n, probs=self.probs, validate_args=False)
        support = binomial.enumerate_support(False)[1:]
        weighted = (binomial.log_prob(support).exp() * lgamma(support + 1)).sum([0, -1])
        return n * self._categorical.entropy() - log_factorial + weighted

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

"""The relaxed (Concrete / Gumbel-softmax) laws, as ``torch.distributions``': RelaxedBernoulli and
RelaxedOneHotCategorical, continuous stand-ins for a coin or a one-hot draw whose samples are differentiable in
the probabilities; ``temperature`` sets how close they come to 0/1. Each is its logit-space law pushed through
a sigmoid (or exp), as PyTorch defines them."""
from .. import creation
from ..ops.reduce import logsumexp
from . import constraints
from .discrete import BinaryTrials, Categorical, one_of
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform
from .utils import broadcast_all, clamp_probs

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli", "ExpRelaxedCategorical", "RelaxedOneHotCategorical"]


class LogitRelaxedBernoulli(BinaryTrials):
    """``torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(temperature, probs=None, logits=None)``."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        self._set_parameter(probs, logits)
        self._given = (one_of(probs, logits)[0],)
        super().__init__(tuple(self._param.shape), (), validate_args)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(*shape))
        unit = clamp_probs(creation.rand(*shape, dtype=probs.dtype))
        return (unit.log() - (-unit).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        self._checked(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(TransformedDistribution):
    """``torch.distributions.RelaxedBernoulli(temperature, probs=None, logits=None)``: values in (0, 1)."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        super().__init__(LogitRelaxedBernoulli(temperature, probs, logits), SigmoidTransform(), validate_args)

    temperature = property(lambda self: self.base_dist.temperature)
    logits = property(lambda self: self.base_dist.logits)
    probs = property(lambda self: self.base_dist.probs)


class ExpRelaxedCategorical(Distribution):
    """``torch.distributions.relaxed_categorical.ExpRelaxedCategorical``: the log of a relaxed one-hot draw."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector  # (the true support is a submanifold of it, as PyTorch notes)
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        super().__init__(self._categorical._batch_shape, tuple(self._categorical.param_shape[-1:]), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        return new

    param_shape = property(lambda self: self._categorical.param_shape)
    logits = property(lambda self: self._categorical.logits)
    probs = property(lambda self: self._categorical.probs)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        unit = clamp_probs(creation.rand(*shape, dtype=self.logits.dtype))
        scores = (self.logits + -((-(unit.log())).log())) / self.temperature
        return scores - logsumexp(scores, -1, keepdim=True)

    def log_prob(self, value):
        count = self._categorical._num_events
        self._checked(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = creation.full_like(self.temperature, float(count)).lgamma() - \
            self.temperature.log() * (-(count - 1))
        score = logits - value * self.temperature
        return (score - logsumexp(score, -1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """``torch.distributions.RelaxedOneHotCategorical(temperature, probs=None, logits=None)``: points of the
    simplex."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        super().__init__(ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args),
                         ExpTransform(), validate_args)

    temperature = property(lambda self: self.base_dist.temperature)
    logits = property(lambda self: self.base_dist.logits)
    probs = property(lambda self: self.base_dist.probs)

"""Discrete laws, as ``torch.distributions``': Categorical, OneHotCategorical, Bernoulli. Each is given by
``probs`` or by ``logits`` (log-odds for Bernoulli, unnormalized log-probabilities for Categorical), and keeps
both, computed from the one given as PyTorch computes them."""
import numpy as np

from .. import creation
from ..nn import functional as F
from ..ops.compare import where
from ..ops.elementwise import clamp
from ..ops.reduce import logsumexp
from ..tensor import Tensor, default_float
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits
from .exp_family import ExponentialFamily

__all__ = ["Categorical", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Bernoulli", "BinaryTrials",
           "one_of"]


def _tensor(value):
    return value if isinstance(value, Tensor) else creation.tensor(value, dtype=default_float())


def one_of(probs, logits):
    """("probs", probs) or ("logits", logits): exactly one must be given."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    return ("probs", probs) if probs is not None else ("logits", logits)


class BinaryTrials(Distribution):
    """A law of Bernoulli trials given by ``probs`` or ``logits`` (log-odds): the one given is stored, the other
    computed at its first read, as PyTorch's binomial-family laws do."""

    def _set_parameter(self, probs, logits, *others):
        """Store the one given, broadcast with ``others`` (returned, in its dtype)."""
        name, value = one_of(probs, logits)
        values = broadcast_all(*others, value)
        self.__dict__[name] = values[-1]
        self._param = values[-1]
        return tuple(v.to(values[-1].dtype) for v in values[:-1])

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.shape

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._param = new.__dict__["probs" if "probs" in self._held() else "logits"]
        return new


def _probs_or_logits(probs, logits):
    one_of(probs, logits)
    return (None, _tensor(logits)) if probs is None else (_tensor(probs), None)


class Categorical(Distribution):
    """``torch.distributions.Categorical(probs=None, logits=None)``: indices 0..K-1 over the last dim."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        probs, logits = _probs_or_logits(probs, logits)
        self._given = ("probs",) if probs is not None else ("logits",)
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self.logits = clamp(self.probs, min=float(np.finfo(probs.dtype).eps),
                                max=1 - float(np.finfo(probs.dtype).eps)).log()
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logsumexp(logits, -1, keepdim=True)
            self.probs = F.softmax(self.logits, -1)
        self._num_events = self.probs.shape[-1]
        super().__init__(tuple(self.probs.shape[:-1]), (), validate_args)

    @property
    def param_shape(self):
        return self.probs.shape

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    def sample(self, sample_shape=()):
        """Indices drawn with the probabilities (int64), of shape sample_shape + batch_shape."""
        count = int(np.prod(sample_shape)) if sample_shape else 1
        rows = self.probs.detach().reshape(-1, self._num_events)
        drawn = creation.multinomial(rows, count, replacement=True)  # (batch, count)
        return drawn.transpose(0, 1).reshape(tuple(sample_shape) + self._batch_shape)

    def log_prob(self, value):
        """log p(value), broadcasting value against the batch."""
        self._checked(value)
        value = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(value.shape[:-1]), self._batch_shape)
        logits = self.logits.expand(*shape, self._num_events)
        return logits.gather(-1, value.expand(*shape, 1)).squeeze(-1)

    def entropy(self):
        """-sum p log p, with the log-probabilities clamped at the dtype's lowest value (0 log 0 is 0)."""
        lowest = float(np.finfo(self.logits.dtype).min)
        return -(clamp(self.logits, min=lowest) * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        values = creation.arange(self._num_events).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values

    @property
    def mean(self):
        return creation.full(self._batch_shape, float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return creation.full(self._batch_shape, float("nan"), dtype=self.probs.dtype)


class OneHotCategorical(Distribution):
    """``torch.distributions.OneHotCategorical``: a Categorical's draws as one-hot vectors."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits)
        super().__init__(self._categorical._batch_shape, self.probs.shape[-1:], validate_args)

    def sample(self, sample_shape=()):
        indices = self._categorical.sample(sample_shape)
        return F.one_hot(indices, self._event_shape[0]).to(self.probs.dtype)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        return new

    @property
    def param_shape(self):
        return self._categorical.param_shape

    probs = property(lambda self: self._categorical.probs)
    logits = property(lambda self: self._categorical.logits)

    def log_prob(self, value):
        self._checked(value)
        return self._categorical.log_prob(value.argmax(-1))

    def enumerate_support(self, expand=True):
        n = self._event_shape[0]
        values = creation.eye(n, dtype=self.probs.dtype).reshape((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand(n, *self._batch_shape, n) if expand else values

    @property
    def mode(self):
        return F.one_hot(self.probs.argmax(-1), self._event_shape[0]).to(self.probs.dtype)

    def entropy(self):
        return self._categorical.entropy()

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)


class Bernoulli(ExponentialFamily):
    """``torch.distributions.Bernoulli(probs=None, logits=None)``: 1 with probability probs, else 0."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        probs, logits = _probs_or_logits(probs, logits)
        self._given = ("probs",) if probs is not None else ("logits",)
        if probs is not None:
            self.probs = probs
            eps = float(np.finfo(probs.dtype).eps)
            clamped = clamp(probs, min=eps, max=1 - eps)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            self.logits = logits
            self.probs = logits.sigmoid()
        super().__init__(tuple(self.probs.shape), (), validate_args)

    def sample(self, sample_shape=()):
        probs = self.probs.detach().expand(*self._extended_shape(sample_shape))
        return creation.bernoulli(probs)

    def log_prob(self, value):
        """-binary_cross_entropy_with_logits(logits, value), broadcasting."""
        self._checked(value)
        logits, value = self.logits, value.to(self.logits.dtype)
        shape = np.broadcast_shapes(tuple(logits.shape), tuple(value.shape))
        return -F.binary_cross_entropy_with_logits(logits.expand(*shape), value.expand(*shape), reduction="none")

    def entropy(self):
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand=True):
        values = creation.arange(2, dtype=self.probs.dtype).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values

    @property
    def param_shape(self):
        return (self.probs if "probs" in self._held() else self.logits).shape

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return (self.probs.logit(),)

    def _log_normalizer(self, x):
        return x.exp().log1p()

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, float("nan"), mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """``torch.distributions.OneHotCategoricalStraightThrough``: one-hot draws whose gradient is the
    probabilities' (the straight-through estimator: draw + probs - probs.detach())."""
    has_rsample = True

    def rsample(self, sample_shape=()):
        draws = self.sample(sample_shape)
        probs = self._categorical.probs
        return draws + (probs - probs.detach())

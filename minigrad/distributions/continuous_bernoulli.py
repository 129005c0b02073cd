"""``torch.distributions.ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501))``: the density
C(p) p^x (1-p)^(1-x) on [0, 1], a likelihood for data in [0, 1] (a VAE's pixels) that is normalized, unlike a
Bernoulli's applied to them. Its normalizer and moments are 0/0 at p = 1/2: near it (inside ``lims``) PyTorch
switches to Taylor expansions, and so does minigrad, with the same cut."""
import math

from .. import creation
from ..nn import functional as F
from ..ops.compare import where
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """``torch.distributions.ContinuousBernoulli``."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(self.arg_constraints["probs"].check(probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = self._param = clamp_probs(probs)
        else:
            (self.logits,) = broadcast_all(logits)
            self._param = self.logits
        self._lims = lims
        super().__init__(tuple(self._param.shape), (), validate_args)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        return self._param.shape

    def expand(self, batch_shape, _instance=None):
        new = super().expand(batch_shape)
        new._param = new.__dict__["probs" if "probs" in self._held() else "logits"]
        return new

    def _stable(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return where(self._stable(), self.probs, self._lims[0] * creation.ones_like(self.probs))

    def _log_norm(self):
        cut = self._cut_probs()
        below = where(cut <= 0.5, cut, creation.zeros_like(cut))
        above = where(cut >= 0.5, cut, creation.ones_like(cut))
        exact = ((-cut).log1p() - cut.log()).abs().log() - where(cut <= 0.5, (-2.0 * below).log1p(),
                                                                  (2.0 * above - 1.0).log())
        x = (self.probs - 0.5) ** 2
        return where(self._stable(), exact, math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x)

    @property
    def mean(self):
        cut = self._cut_probs()
        exact = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        return where(self._stable(), exact, 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x ** 2) * x)

    @property
    def variance(self):
        cut = self._cut_probs()
        exact = cut * (cut - 1.0) / (1.0 - 2.0 * cut) ** 2 + 1.0 / ((-cut).log1p() - cut.log()) ** 2
        x = (self.probs - 0.5) ** 2
        return where(self._stable(), exact, 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x)

    def sample(self, sample_shape=()):
        from ..autograd import no_grad
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.icdf(creation.rand(*self._extended_shape(sample_shape), dtype=self.probs.dtype))

    def log_prob(self, value):
        self._checked(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none") + self._log_norm()

    def cdf(self, value):
        self._checked(value)
        cut = self._cut_probs()
        inside = (cut ** value * (1.0 - cut) ** (1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        inside = where(self._stable(), inside, value)
        return where(value <= 0.0, creation.zeros_like(value), where(value >= 1.0, creation.ones_like(value), inside))

    def icdf(self, value):
        cut = self._cut_probs()
        exact = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (cut.log() - (-cut).log1p())
        return where(self._stable(), exact, value)

    def entropy(self):
        log0, log1 = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log0 - log1) - self._log_norm() - log0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        stable = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(stable, x, (self._lims[0] - 0.5) * creation.ones_like(x))
        exact = cut.expm1().abs().log() - cut.abs().log()
        return where(stable, exact, 0.5 * x + x ** 2 / 24.0 - x ** 4 / 2880.0)

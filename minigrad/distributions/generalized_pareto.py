"""``torch.distributions.GeneralizedPareto(loc, scale, concentration)``: the law of exceedances over a high
threshold (extreme-value statistics). Concentration 0 is the exponential limit, taken where the concentration is
close to 0 (``isclose``), as PyTorch; draws are its inverse cdf of a uniform (reparameterized)."""
from .. import creation
from ..ops.compare import isclose, where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """``torch.distributions.GeneralizedPareto``."""
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, float("inf"))
        return constraints.interval(self.loc, upper)

    def _safe_concentration(self):
        """(near zero, the concentration with those entries set to 1 so that no division by 0 happens)."""
        near_zero = isclose(self.concentration, creation.zeros_like(self.concentration))
        return near_zero, where(near_zero, creation.ones_like(self.concentration), self.concentration)

    def rsample(self, sample_shape=()):
        return self.icdf(creation.rand(*self._extended_shape(sample_shape), dtype=self.loc.dtype))

    def log_prob(self, value):
        self._checked(value)
        z = (value - self.loc) / self.scale
        near_zero, safe = self._safe_concentration()
        y = 1 / safe + creation.ones_like(z)
        nonzero = where(y == 0, y, y * (safe * z).log1p())
        return -self.scale.log() - where(near_zero, z, nonzero)

    def log_survival_function(self, value):
        """log P(X > value)."""
        self._checked(value)
        z = (value - self.loc) / self.scale
        near_zero, safe = self._safe_concentration()
        return where(near_zero, -z, -(safe * z).log1p() / safe)

    def log_cdf(self, value):
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        return self.log_cdf(value).exp()

    def icdf(self, value):
        near_zero, safe = self._safe_concentration()
        log_u = (-value).log1p()
        return where(near_zero, self.loc - self.scale * log_u,
                     self.loc + self.scale / safe * (-safe * log_u).expm1())

    @property
    def mean(self):
        valid = self.concentration < 1
        safe = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe), float("nan"))

    @property
    def variance(self):
        valid = self.concentration < 0.5
        safe = where(valid, self.concentration, 0.25)
        return where(valid, self.scale ** 2 / ((1 - safe) ** 2 * (1 - 2 * safe)), float("nan"))

    def entropy(self):
        return (self.scale.log() + self.concentration + 1).expand(*self._batch_shape)

    @property
    def mode(self):
        return self.loc


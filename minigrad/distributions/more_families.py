"""More laws, as ``torch.distributions``': Exponential, Laplace, LogNormal (reparameterized), Poisson, Gamma,
Beta, Dirichlet (sampled by numpy, not reparameterized), MultivariateNormal (by its Cholesky factor), and
Independent, which turns batch dims of a law into event dims."""
import math

import numpy as np

from .. import creation
from ..linalg import cholesky, solve
from ..ops.special import digamma, lgamma, xlogy
from ..random import resolve
from .continuous import CenteredAtLoc, LocationScale, Normal, broadcast_all
from .distribution import Distribution

__all__ = ["Exponential", "Laplace", "LogNormal", "Poisson", "Gamma", "Beta", "Dirichlet", "MultivariateNormal",
           "Independent"]


def _drawn(draw, like):
    """numpy draws (from minigrad's generator) as a tensor like ``like``'s dtype and device."""
    return creation.tensor(np.asarray(draw(resolve(None))).astype(np.dtype(like.dtype)), device=like.device)


class Exponential(Distribution):
    """``torch.distributions.Exponential(rate)``."""
    has_rsample = True
    _given = ("rate",)

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)
        self._check(self.rate > 0, "expected parameter rate to be positive")

    def rsample(self, sample_shape=()):
        unit = _drawn(lambda g: g.standard_exponential(self._extended_shape(sample_shape)), self.rate)
        return unit / self.rate

    def log_prob(self, value):
        self._check(value >= 0, "expected value argument to be non-negative")
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        return 1 - (-self.rate * value).exp()

    def entropy(self):
        return 1.0 - self.rate.log()

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return self.rate * 0

    @property
    def variance(self):
        return self.rate.pow(-2)


class Laplace(LocationScale):
    """``torch.distributions.Laplace(loc, scale)``."""

    def rsample(self, sample_shape=()):
        eps = float(np.finfo(np.dtype(self.loc.dtype)).eps)
        u = _drawn(lambda g: g.uniform(eps - 1, 1, self._extended_shape(sample_shape)), self.loc)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        return 0.5 - 0.5 * (value - self.loc).sign() * (-(value - self.loc).abs() / self.scale).expm1()

    def entropy(self):
        return 1 + (2 * self.scale).log()

    @property
    def variance(self):
        return 2 * self.scale ** 2


class LogNormal(Distribution):
    """``torch.distributions.LogNormal(loc, scale)``: exp of a Normal(loc, scale)."""
    has_rsample = True
    _given = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.base_dist = Normal(loc, scale, validate_args)
        self.loc, self.scale = self.base_dist.loc, self.base_dist.scale
        super().__init__(self.base_dist._batch_shape, (), validate_args)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape).exp()

    def log_prob(self, value):
        log_value = value.log()
        return self.base_dist.log_prob(log_value) - log_value

    def entropy(self):
        return self.base_dist.entropy() + self.loc

    @property
    def mean(self):
        return (self.loc + self.scale ** 2 / 2).exp()

    @property
    def mode(self):
        return (self.loc - self.scale ** 2).exp()

    @property
    def variance(self):
        return (self.scale ** 2).expm1() * (2 * self.loc + self.scale ** 2).exp()


class Poisson(Distribution):
    """``torch.distributions.Poisson(rate)``: counts; ``log_prob`` = x log(rate) - rate - lgamma(x + 1)."""
    _given = ("rate",)

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)
        self._check(self.rate >= 0, "expected parameter rate to be non-negative")

    def sample(self, sample_shape=()):
        rate = self.rate.detach().cpu().numpy()
        return _drawn(lambda g: g.poisson(np.broadcast_to(rate, self._extended_shape(sample_shape))), self.rate)

    def log_prob(self, value):
        self._check((value >= 0) & (value == value.round()), "expected value argument to be a non-negative integer")
        return xlogy(value, self.rate) - self.rate - lgamma(value + 1)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate


class Gamma(Distribution):
    """``torch.distributions.Gamma(concentration, rate)``."""
    _given = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)
        self._check((self.concentration > 0) & (self.rate > 0), "expected positive concentration and rate")

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        k = np.broadcast_to(self.concentration.detach().cpu().numpy(), shape)
        return _drawn(lambda g: g.standard_gamma(k), self.rate) / self.rate.detach()

    def log_prob(self, value):
        c, r = self.concentration, self.rate
        return xlogy(c, r) + xlogy(c - 1, value) - r * value - lgamma(c)

    def entropy(self):
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate ** 2


class Dirichlet(Distribution):
    """``torch.distributions.Dirichlet(concentration)``: on the simplex of the last dim."""
    _given = ("concentration",)

    def __init__(self, concentration, validate_args=None):
        if concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(tuple(concentration.shape[:-1]), tuple(concentration.shape[-1:]), validate_args)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        alpha = np.broadcast_to(self.concentration.detach().cpu().numpy(), shape)
        draws = _drawn(lambda g: g.standard_gamma(alpha), self.concentration)
        return draws / draws.sum(-1, keepdim=True)

    def log_prob(self, value):
        c = self.concentration
        return xlogy(c - 1.0, value).sum(-1) + lgamma(c.sum(-1)) - lgamma(c).sum(-1)

    def entropy(self):
        c = self.concentration
        k, total = c.shape[-1], c.sum(-1)
        return (lgamma(c).sum(-1) - lgamma(total) - (k - total) * digamma(total) -
                ((c - 1.0) * digamma(c)).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total ** 2 * (total + 1))


class Beta(Distribution):
    """``torch.distributions.Beta(concentration1, concentration0)``: a two-category Dirichlet's first share."""
    _given = ("concentration1", "concentration0")

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        from ..ops.shape import stack
        self._dirichlet = Dirichlet(stack([self.concentration1, self.concentration0], -1))
        super().__init__(tuple(self.concentration1.shape), (), validate_args)

    def sample(self, sample_shape=()):
        return self._dirichlet.sample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        from ..ops.shape import stack
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))


class MultivariateNormal(CenteredAtLoc, Distribution):
    """``torch.distributions.MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None,
    scale_tril=None)``: one of the three matrices; everything is computed from the Cholesky factor L."""
    has_rsample = True
    _given = ("loc",)

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        if (covariance_matrix is not None) + (precision_matrix is not None) + (scale_tril is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        if scale_tril is None:
            if covariance_matrix is None:
                from ..linalg import inv
                covariance_matrix = inv(precision_matrix)
            scale_tril = cholesky(covariance_matrix)
        else:
            scale_tril = scale_tril.tril()  # (only its lower triangle is read, as PyTorch's triangular solves)
        batch = np.broadcast_shapes(tuple(loc.shape[:-1]), tuple(scale_tril.shape[:-2]))
        self.loc = loc.expand(*batch, loc.shape[-1])
        self._unbroadcasted_scale_tril = scale_tril
        self.scale_tril = scale_tril.expand(*batch, *scale_tril.shape[-2:])
        super().__init__(batch, tuple(loc.shape[-1:]), validate_args)

    @property
    def covariance_matrix(self):
        return self.scale_tril @ self.scale_tril.transpose(-1, -2)

    def rsample(self, sample_shape=()):
        noise = creation.randn(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self.scale_tril @ noise.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self.scale_tril.diagonal(0, -2, -1).log().sum(-1)

    def log_prob(self, value):
        k = self._event_shape[0]
        diff = value - self.loc
        tril = self.scale_tril.expand(*diff.shape[:-1], k, k)
        whitened = solve(tril, diff.unsqueeze(-1)).squeeze(-1)
        mahalanobis = (whitened * whitened).sum(-1)
        return -0.5 * (k * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self):
        k = self._event_shape[0]
        return 0.5 * k * (1.0 + math.log(2 * math.pi)) + self._half_log_det()

    @property
    def variance(self):
        return (self.scale_tril ** 2).sum(-1)


class Independent(Distribution):
    """``torch.distributions.Independent(base_distribution, reinterpreted_batch_ndims)``: the last batch dims
    become event dims; log_prob and entropy sum over them."""

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        self.base_dist, self.reinterpreted_batch_ndims = base_distribution, reinterpreted_batch_ndims
        shape = base_distribution._batch_shape + base_distribution._event_shape
        split = len(base_distribution._batch_shape) - reinterpreted_batch_ndims
        super().__init__(shape[:split], shape[split:], validate_args)
        self.has_rsample = base_distribution.has_rsample

    def _summed(self, value):
        for _ in range(self.reinterpreted_batch_ndims):
            value = value.sum(-1)
        return value

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return self._summed(self.base_dist.log_prob(value))

    def entropy(self):
        return self._summed(self.base_dist.entropy())

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def variance(self):
        return self.base_dist.variance

    def __repr__(self):
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"

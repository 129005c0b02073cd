"""More laws, as ``torch.distributions``': Exponential, Laplace (reparameterized), Poisson (sampled by numpy), and
MultivariateNormal (by its Cholesky factor)."""
import math

import numpy as np

from .. import creation
from ..linalg import cholesky, inv, solve
from ..ops.special import lgamma, xlogy
from . import constraints
from .continuous import CenteredAtLoc, LocationScale
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .utils import broadcast_all, lazy_property

__all__ = ["Exponential", "Laplace", "Poisson", "MultivariateNormal"]


class Exponential(ExponentialFamily):
    """``torch.distributions.Exponential(rate)``."""
    has_rsample = True
    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    def rsample(self, sample_shape=()):
        unit = self.rate.detach().new_empty(self._extended_shape(sample_shape)).exponential_()
        return unit / self.rate

    def log_prob(self, value):
        self._checked(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        self._checked(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        return -(-value).log1p() / self.rate

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

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -(-x).log()


class Laplace(LocationScale):
    """``torch.distributions.Laplace(loc, scale)``."""

    def rsample(self, sample_shape=()):
        eps = float(np.finfo(np.dtype(self.loc.dtype)).eps)
        u = self.loc.detach().new_empty(self._extended_shape(sample_shape)).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        self._checked(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        self._checked(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * (-(value - self.loc).abs() / self.scale).expm1()

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        return 1 + (2 * self.scale).log()

    @property
    def variance(self):
        return 2 * self.scale ** 2


class Poisson(ExponentialFamily):
    """``torch.distributions.Poisson(rate)``: counts; ``log_prob`` = x log(rate) - rate - lgamma(x + 1)."""
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    def sample(self, sample_shape=()):
        return creation.poisson(self.rate.detach().expand(*self._extended_shape(sample_shape)))

    def log_prob(self, value):
        self._checked(value)
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

    @property
    def _natural_params(self):
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()


class MultivariateNormal(CenteredAtLoc, Distribution):
    """``torch.distributions.MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None,
    scale_tril=None)``: one of the three matrices; everything is computed from the Cholesky factor L."""
    has_rsample = True
    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        if (covariance_matrix is not None) + (precision_matrix is not None) + (scale_tril is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = ("covariance_matrix" if covariance_matrix is not None else
                 "precision_matrix" if precision_matrix is not None else "scale_tril")
        matrix = {"covariance_matrix": covariance_matrix, "precision_matrix": precision_matrix,
                  "scale_tril": scale_tril}[given]
        if matrix.ndim < 2:
            raise ValueError(f"{given} matrix must be at least two-dimensional, with optional leading batch "
                             "dimensions")
        batch = np.broadcast_shapes(tuple(loc.shape[:-1]), tuple(matrix.shape[:-2]))
        self._given = ("loc", given)
        self.loc = loc.expand(*batch, loc.shape[-1])
        self.__dict__[given] = matrix.expand(*batch, *matrix.shape[-2:])
        super().__init__(batch, tuple(loc.shape[-1:]), validate_args)  # (validates the given matrix first)
        if scale_tril is not None:
            unbroadcasted = scale_tril.tril()  # (only its lower triangle is read, as PyTorch's triangular solves)
        else:
            unbroadcasted = cholesky(covariance_matrix if covariance_matrix is not None else inv(precision_matrix))
        self._unbroadcasted_scale_tril = unbroadcasted

    def _tril(self):
        """The lower Cholesky factor, of the batch's shape (only the lower triangle of a given scale_tril)."""
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, *self._event_shape * 2)

    # The two matrices not given are computed at their first read (non-data descriptors: the one given is stored).
    @lazy_property
    def scale_tril(self):
        return self._tril()

    @lazy_property
    def covariance_matrix(self):
        return self._tril() @ self._tril().transpose(-1, -2)

    @lazy_property
    def precision_matrix(self):
        return inv(self.covariance_matrix)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        for name in ("scale_tril", "covariance_matrix", "precision_matrix"):
            new.__dict__.pop(name, None)
        given = self._given[1]
        new.__dict__[given] = self.__dict__[given].expand(*batch_shape, *self._event_shape * 2)
        return new

    def rsample(self, sample_shape=()):
        noise = creation.randn(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self._tril() @ noise.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._tril().diagonal(0, -2, -1).log().sum(-1)

    def log_prob(self, value):
        self._checked(value)
        k = self._event_shape[0]
        diff = value - self.loc
        tril = self._tril().expand(*diff.shape[:-1], k, k)
        whitened = solve(tril, diff.unsqueeze(-1)).squeeze(-1)
        mahalanobis = (whitened * whitened).sum(-1)
        return -0.5 * (k * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self):
        k = self._event_shape[0]
        return 0.5 * k * (1.0 + math.log(2 * math.pi)) + self._half_log_det()

    @property
    def variance(self):
        return (self._tril() ** 2).sum(-1)



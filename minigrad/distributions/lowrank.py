"""``torch.distributions.LowRankMultivariateNormal(loc, cov_factor, cov_diag)``: a Gaussian whose covariance is
W W^T + diag(D), W of shape (n, rank). Its log-density and entropy never form the n x n covariance: the matrix
determinant lemma and the Woodbury identity reduce them to the (rank x rank) capacitance matrix
C = I + W^T D^-1 W and its Cholesky factor, as PyTorch computes them."""
import math

import numpy as np

from .. import creation
from ..linalg import cholesky, solve_triangular
from . import constraints
from .continuous import CenteredAtLoc
from .distribution import Distribution
from .utils import lazy_property

__all__ = ["LowRankMultivariateNormal"]


def _plus_identity(matrix):
    return matrix + creation.eye(matrix.shape[-1], dtype=matrix.dtype)


def _mahalanobis(tril, x):
    """x^T (L L^T)^-1 x for lower triangular L, broadcasting their batch dims."""
    n = x.shape[-1]
    batch = np.broadcast_shapes(tuple(tril.shape[:-2]), tuple(x.shape[:-1]))
    solved = solve_triangular(tril.expand(*batch, n, n), x.expand(*batch, n).unsqueeze(-1), upper=False)
    return (solved.squeeze(-1) ** 2).sum(-1)


class LowRankMultivariateNormal(CenteredAtLoc, Distribution):
    """``torch.distributions.LowRankMultivariateNormal``."""
    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = tuple(loc.shape[-1:])
        if cov_factor.ndim < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        if tuple(cov_factor.shape[-2:-1]) != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m")
        if tuple(cov_diag.shape[-1:]) != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            shape = np.broadcast_shapes(tuple(loc.shape) + (1,), tuple(cov_factor.shape), tuple(cov_diag.shape) + (1,))
        except ValueError as error:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor {cov_factor.shape}, "
                             f"cov_diag {cov_diag.shape}") from error
        self.loc = loc.unsqueeze(-1).expand(*shape)[..., 0]
        self.cov_factor = cov_factor.expand(*shape)
        self.cov_diag = cov_diag.unsqueeze(-1).expand(*shape)[..., 0]
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        scaled = cov_factor.transpose(-2, -1) / cov_diag.unsqueeze(-2)
        self._capacitance_tril = cholesky(_plus_identity(scaled @ cov_factor))
        super().__init__(tuple(self.loc.shape[:-1]), event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        for name in ("variance", "scale_tril", "covariance_matrix", "precision_matrix"):
            new.__dict__.pop(name, None)
        return new

    def _parameter_event_dims(self, name):
        return 2 if name == "cov_factor" else 1

    def _matrix_shape(self):
        return (*self._batch_shape, *self._event_shape * 2)

    @lazy_property
    def variance(self):
        return ((self._unbroadcasted_cov_factor ** 2).sum(-1) + self._unbroadcasted_cov_diag).expand(
            *self._batch_shape, *self._event_shape)

    @lazy_property
    def scale_tril(self):
        root = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        whitened = self._unbroadcasted_cov_factor / root
        return (root * cholesky(_plus_identity(whitened @ whitened.transpose(-2, -1)))).expand(*self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        factor = self._unbroadcasted_cov_factor
        return (factor @ factor.transpose(-2, -1) + self._unbroadcasted_cov_diag.diag_embed()).expand(
            *self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        scaled = self._unbroadcasted_cov_factor.transpose(-2, -1) / self._unbroadcasted_cov_diag.unsqueeze(-2)
        solved = solve_triangular(self._capacitance_tril, scaled, upper=False)
        precision = self._unbroadcasted_cov_diag.reciprocal().diag_embed() - solved.transpose(-2, -1) @ solved
        return precision.expand(*self._matrix_shape())

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        factor_noise = creation.randn(*shape[:-1], self.cov_factor.shape[-1], dtype=self.loc.dtype)
        diagonal_noise = creation.randn(*shape, dtype=self.loc.dtype)
        return (self.loc + (self._unbroadcasted_cov_factor @ factor_noise.unsqueeze(-1)).squeeze(-1)
                + self._unbroadcasted_cov_diag.sqrt() * diagonal_noise)

    def _log_det(self):
        return 2 * self._capacitance_tril.diagonal(0, -2, -1).log().sum(-1) + self._unbroadcasted_cov_diag.log().sum(-1)

    def _mahalanobis(self, diff):
        """diff^T (W W^T + D)^-1 diff by the Woodbury identity, without the n x n covariance."""
        factor, diagonal = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        projected = ((factor.transpose(-2, -1) / diagonal.unsqueeze(-2)) @ diff.unsqueeze(-1)).squeeze(-1)
        return (diff ** 2 / diagonal).sum(-1) - _mahalanobis(self._capacitance_tril, projected)

    def log_prob(self, value):
        self._checked(value)
        mahalanobis = self._mahalanobis(value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + mahalanobis)

    def entropy(self):
        entropy = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return entropy.expand(*self._batch_shape) if self._batch_shape else entropy

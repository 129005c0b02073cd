"""Laws on matrices, as ``torch.distributions``': LKJCholesky (Cholesky factors of correlation matrices, a prior
for them) and Wishart (positive-definite matrices, the conjugate prior of a Gaussian's precision). Both sample as
PyTorch describes them (the onion method; Bartlett's decomposition), with minigrad's generator."""
import math
import warnings

import numpy as np

from .. import creation
from ..linalg import cholesky, slogdet
from ..ops.cholesky_forms import cholesky_solve
from ..ops.compare import where
from ..ops.shape import cat
from ..ops.special import digamma, lgamma, mvlgamma
from . import constraints
from .exp_family import ExponentialFamily
from .gamma_family import Beta, Chi2
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["LKJCholesky", "Wishart"]


class LKJCholesky(Distribution):
    """``torch.distributions.LKJCholesky(dim, concentration=1.0)``: density proportional to
    det(L L^T)^(concentration - 1) over the Cholesky factors L of dim x dim correlation matrices."""
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal = self.concentration + 0.5 * (self.dim - 2)
        offset = cat([creation.zeros(1, dtype=self.concentration.dtype),
                      creation.arange(self.dim - 1, dtype=self.concentration.dtype)])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(tuple(self.concentration.shape), (dim, dim), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        return new

    def sample(self, sample_shape=()):
        """The onion method: row i is sqrt(y_i) times a uniform direction in its first i coordinates, y_i ~ Beta,
        with the diagonal entry completing the row to unit norm."""
        y = self._beta.sample(sample_shape).unsqueeze(-1)
        normal = creation.randn(*self._extended_shape(sample_shape), dtype=y.dtype).tril(-1)
        norms = normal.norm(dim=-1, keepdim=True)
        directions = where(norms > 0, normal / where(norms > 0, norms, 1.0), 0.0)
        w = y.sqrt() * directions
        tiny = float(np.finfo(np.dtype(w.dtype)).tiny)
        diagonal = (1 - (w ** 2).sum(-1)).clamp(min=tiny).sqrt()
        return w + diagonal.diag_embed()

    def log_prob(self, value):
        self._checked(value)
        diagonal = value.diagonal(0, -1, -2)[..., 1:]
        order = creation.arange(2, self.dim + 1, dtype=self.concentration.dtype)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diagonal.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalizer = 0.5 * dm1 * math.log(math.pi) + mvlgamma(alpha - 0.5, dm1) - lgamma(alpha) * dm1
        return unnormalized - normalizer


def _multivariate_digamma(x, p):
    """sum over i < p of digamma(x - i/2)."""
    return digamma(x.unsqueeze(-1) - creation.arange(p, dtype=x.dtype) / 2).sum(-1)


class Wishart(ExponentialFamily):
    """``torch.distributions.Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None)``."""
    has_rsample = True
    support = constraints.positive_definite

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite, "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(self._event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = [(name, p) for name, p in (("covariance_matrix", covariance_matrix),
                                           ("precision_matrix", precision_matrix), ("scale_tril", scale_tril))
                 if p is not None]
        if len(given) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                                 "specified.")
        name, param = given[0]
        if param.ndim < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        from ..tensor import Tensor
        if isinstance(df, Tensor):
            batch = np.broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape))
            self.df = df.expand(*batch)
        else:
            batch = tuple(param.shape[:-2])
            self.df = creation.tensor(float(df), dtype=param.dtype, device=param.device)
        event = tuple(param.shape[-2:])
        self._event_shape = event
        if bool((self.df <= event[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {event[-1] - 1}.")
        self.__dict__[name] = param.expand(*batch, -1, -1)
        if bool((self.df < event[-1]).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < "
                          "ndim.", stacklevel=2)
        super().__init__(batch, event, validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = param
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(param)
        else:
            self._unbroadcasted_scale_tril = cholesky(param.inverse())
        self._chi2 = Chi2(self.df.unsqueeze(-1) - creation.arange(event[-1], dtype=param.dtype).expand(*batch, -1))

    def expand(self, batch_shape, _instance=None):
        batch_shape = tuple(batch_shape)
        new = Distribution.expand(self, batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        p = self._event_shape[-1]
        steps = creation.arange(p, dtype=self._unbroadcasted_scale_tril.dtype).expand(*batch_shape, -1)
        new._chi2 = Chi2(new.df.unsqueeze(-1) - steps)
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.transpose(-2, -1)).expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def precision_matrix(self):
        identity = creation.eye(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype)
        return cholesky_solve(identity, self._unbroadcasted_scale_tril).expand(*self._batch_shape,
                                                                                *self._event_shape)

    @property
    def mean(self):
        return self.df.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = where(factor <= 0, float("nan"), factor)
        return factor.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def variance(self):
        covariance = self.covariance_matrix
        diagonal = covariance.diagonal(0, -2, -1)
        return self.df.reshape(*self._batch_shape, 1, 1) * (covariance ** 2 +
                                                            diagonal.unsqueeze(-1) * diagonal.unsqueeze(-2))

    def _bartlett(self, sample_shape):
        p = self._event_shape[-1]
        eps = float(np.finfo(np.dtype(self.df.dtype)).eps)
        noise = self._chi2.rsample(sample_shape).sqrt().clamp(min=eps).diag_embed()
        rows, columns = np.tril_indices(p, -1)
        lower = creation.zeros(*noise.shape, dtype=noise.dtype)
        if len(rows):
            values = creation.randn(*(tuple(sample_shape) + self._batch_shape + (len(rows),)), dtype=noise.dtype)
            lower[..., creation.tensor(rows), creation.tensor(columns)] = values
        factor = self._unbroadcasted_scale_tril @ (noise + lower)
        return factor @ factor.transpose(-2, -1)

    def rsample(self, sample_shape=(), max_try_correction=None):
        """Bartlett's decomposition; a singular draw (possible for small df) is drawn again, up to
        ``max_try_correction`` (10) times, with PyTorch's warning."""
        max_try_correction = 10 if max_try_correction is None else max_try_correction
        sample = self._bartlett(sample_shape)
        singular = ~self.support.check(sample)
        if self._batch_shape:
            singular = singular.amax(self._batch_dims)
        if bool(singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                sample = where(singular.reshape(*singular.shape, *([1] * (sample.ndim - singular.ndim))),
                               self._bartlett(sample_shape), sample)
                singular = ~self.support.check(sample)
                if self._batch_shape:
                    singular = singular.amax(self._batch_dims)
                if not bool(singular.any()):
                    break
        return sample

    def log_prob(self, value):
        self._checked(value)
        nu, p = self.df, self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(0, -2, -1).log().sum(-1)
        trace = cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(0, -2, -1).sum(-1)
        return (-nu * (p * math.log(2) / 2 + half_log_det) - mvlgamma(nu / 2, p) +
                (nu - p - 1) / 2 * slogdet(value)[1] - trace / 2)

    def entropy(self):
        nu, p = self.df, self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(0, -2, -1).log().sum(-1)
        return ((p + 1) * (p * math.log(2) / 2 + half_log_det) + mvlgamma(nu / 2, p) -
                (nu - p - 1) / 2 * _multivariate_digamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self):
        return -self.precision_matrix / 2, (self.df - self._event_shape[-1] - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-slogdet(-2 * x)[1] + math.log(2) * p) + mvlgamma(y + (p + 1) / 2, p)

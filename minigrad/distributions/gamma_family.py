"""Laws drawn from gamma variates, as ``torch.distributions``': Gamma, Chi2, Beta, Dirichlet, StudentT and
FisherSnedecor.

The gamma draws are PyTorch's for the same seed (its sampler); ``rsample`` is differentiable in every parameter,
in the concentrations (and degrees of freedom) by implicit reparameterization (``standard_gamma``), as
PyTorch's."""
import math

import numpy as np

from ..autograd import Function, is_grad_enabled
from .. import creation, sampling
from ..nn import functional as F
from ..ops.compare import where
from ..ops.incomplete_gamma import gammainc, gammainc_grad_a
from ..ops.shape import stack
from ..ops.special import digamma, lgamma, xlogy
from ..random import torch_generator
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Gamma", "Chi2", "Beta", "Dirichlet", "StudentT", "FisherSnedecor", "standard_gamma"]


class _StandardGamma(Function):
    """Gamma(alpha, 1) draws, differentiable in alpha by implicit reparameterization: a draw x = F^-1(u; alpha)
    for a fixed uniform u moves as dx/dalpha = -(dP/dalpha)(alpha, x) / p(x; alpha), P the regularized lower
    incomplete gamma function and p the density. (PyTorch computes the same derivative with a fitted
    approximation, within 6e-5 of it; minigrad's is exact to about 1e-10: see incomplete_gamma.)"""

    def forward(self, alpha, draws):
        self.save_for_backward(alpha, draws)
        return draws

    def backward(self, g):
        B, (alpha, x) = self.B, self.saved
        a, values = B.to_numpy(alpha).astype(np.float64), B.to_numpy(x).astype(np.float64)
        density = np.exp((a - 1) * np.log(values) - values - np.vectorize(math.lgamma, otypes=[np.float64])(a))
        slope = -gammainc_grad_a(a, values) / density
        return B.mul(g, B.from_numpy(slope.astype(np.dtype(alpha.dtype)))), None


def standard_gamma(concentration, shape, generator=None):
    """Gamma(concentration, 1) draws of ``shape`` (the concentration broadcast to it), differentiable in the
    concentration (PyTorch's ``torch._standard_gamma`` with its gradient)."""
    alpha = concentration.expand(*shape) if tuple(concentration.shape) != tuple(shape) else concentration
    values = np.broadcast_to(concentration.detach().cpu().numpy(), tuple(shape))
    # (PyTorch's sampler, PyTorch's numbers; never below the dtype's smallest normal, so a log stays finite)
    draws = creation.tensor(sampling.gamma_values(torch_generator(generator), values).reshape(tuple(shape)),
                            device=concentration.device)
    return _StandardGamma.apply(alpha, draws) if alpha.requires_grad and is_grad_enabled() else draws


def _standard_gamma(input, generator=None):  # noqa: A002
    """``torch._standard_gamma``: one Gamma(alpha, 1) draw per element of ``input``, differentiable in it."""
    return standard_gamma(input, tuple(input.shape), generator)


def _sample_dirichlet(input, generator=None):  # noqa: A002
    """``torch._sample_dirichlet``: one Dirichlet draw per row (the last dim) of concentrations ``input``."""
    return _normalized_gamma_draws(input, tuple(input.shape), generator)


def _normalized_gamma_draws(concentration, shape, generator=None):
    """PyTorch's _sample_dirichlet: gamma draws in float64, divided by their sum, then cast and kept inside
    (0, 1) (the dtype's smallest normal, the largest value below 1)."""
    draws = standard_gamma(concentration.double(), shape, generator)
    shares = (draws / draws.sum(-1, keepdim=True)).to(concentration.dtype)
    dtype = np.dtype(concentration.dtype)
    return shares.clamp(float(np.finfo(dtype).tiny), float(np.nextafter(dtype.type(1), dtype.type(0))))


class Gamma(ExponentialFamily):
    """``torch.distributions.Gamma(concentration, rate)``."""
    has_rsample = True
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(tuple(self.rate.shape), (), validate_args)

    def rsample(self, sample_shape=()):
        return standard_gamma(self.concentration, self._extended_shape(sample_shape)) / self.rate

    def cdf(self, value):
        self._checked(value)
        return gammainc(self.concentration, self.rate * value)

    def sample(self, sample_shape=()):
        return standard_gamma(self.concentration.detach(), self._extended_shape(sample_shape)) / self.rate.detach()

    def log_prob(self, value):
        self._checked(value)
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

    _mean_carrier_measure = 0

    @property
    def _natural_params(self):
        return self.concentration - 1, -self.rate

    def _log_normalizer(self, x, y):
        return lgamma(x + 1) + (x + 1) * (-y.reciprocal()).log()


class Chi2(Gamma):
    """``torch.distributions.Chi2(df)``: Gamma(df / 2, 1 / 2)."""
    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        (df,) = broadcast_all(df)
        super().__init__(0.5 * df, df.new_full((), 0.5).expand(*df.shape), validate_args)

    @property
    def df(self):
        return self.concentration * 2

    def _expanded_parameters(self):
        return ["concentration", "rate"]  # (df is read from the concentration)

    def _parameter_event_dims(self, name):
        return 0


class Dirichlet(ExponentialFamily):
    """``torch.distributions.Dirichlet(concentration)``: on the simplex of the last dim."""
    has_rsample = True
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex

    def __init__(self, concentration, validate_args=None):
        if concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(tuple(concentration.shape[:-1]), tuple(concentration.shape[-1:]), validate_args)

    def rsample(self, sample_shape=()):
        return _normalized_gamma_draws(self.concentration, self._extended_shape(sample_shape))

    def sample(self, sample_shape=()):
        return _normalized_gamma_draws(self.concentration.detach(), self._extended_shape(sample_shape))

    def log_prob(self, value):
        self._checked(value)
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
    def mode(self):
        shifted = (self.concentration - 1).clamp(min=0.0)
        mode = shifted / shifted.sum(-1, keepdim=True)
        below = (self.concentration < 1).all(-1)
        corner = F.one_hot(self.concentration.argmax(-1), self.concentration.shape[-1]).to(mode.dtype)
        return where(below.unsqueeze(-1), corner, mode)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total ** 2 * (total + 1))

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return lgamma(x).sum(-1) - lgamma(x.sum(-1))


class Beta(ExponentialFamily):
    """``torch.distributions.Beta(concentration1, concentration0)``: a two-category Dirichlet's first share."""
    has_rsample = True
    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        concentration1, concentration0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([concentration1, concentration0], -1), validate_args)
        super().__init__(self._dirichlet._batch_shape, (), validate_args)

    concentration1 = property(lambda self: self._dirichlet.concentration.select(-1, 0))
    concentration0 = property(lambda self: self._dirichlet.concentration.select(-1, 1))

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        return new

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def sample(self, sample_shape=()):
        return self._dirichlet.sample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        self._checked(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode.select(-1, 0)

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))

    @property
    def _natural_params(self):
        return self.concentration1, self.concentration0

    def _log_normalizer(self, x, y):
        return lgamma(x) + lgamma(y) - lgamma(x + y)


class StudentT(Distribution):
    """``torch.distributions.StudentT(df, loc=0., scale=1.)``."""
    has_rsample = True
    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(tuple(self.df.shape), (), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        normal = creation.randn(*shape, dtype=self.df.dtype)
        chi2 = 2 * standard_gamma(0.5 * self.df, shape)
        return self.loc + self.scale * (normal * (chi2 / self.df).rsqrt())  # (PyTorch's order of operations)

    def log_prob(self, value):
        self._checked(value)
        y = (value - self.loc) / self.scale
        normalizer = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + lgamma(0.5 * self.df) -
                      lgamma(0.5 * (self.df + 1.0)))
        return -0.5 * (self.df + 1.0) * (y ** 2.0 / self.df).log1p() - normalizer

    def entropy(self):
        lbeta = lgamma(0.5 * self.df) + math.lgamma(0.5) - lgamma(0.5 * (self.df + 1))
        return (self.scale.log() + 0.5 * (self.df + 1) * (digamma(0.5 * (self.df + 1)) - digamma(0.5 * self.df)) +
                0.5 * self.df.log() + lbeta)

    @property
    def mean(self):
        return where(self.df <= 1, float("nan"), self.loc)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        finite = self.scale ** 2 * self.df / (self.df - 2)
        return where(self.df > 2, finite, where(self.df > 1, float("inf"), float("nan")))


class FisherSnedecor(Distribution):
    """``torch.distributions.FisherSnedecor(df1, df2)``: the ratio of two scaled chi-squared draws."""
    has_rsample = True
    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        super().__init__(tuple(self.df1.shape), (), validate_args)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        tiny = float(np.finfo(np.dtype(self.df1.dtype)).tiny)
        first = standard_gamma(self.df1 * 0.5, shape) / self.df1
        second = (standard_gamma(self.df2 * 0.5, shape) / self.df2).clamp(min=tiny)
        return (first / second).clamp(min=tiny)

    def log_prob(self, value):
        self._checked(value)
        half1, half2, ratio = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        normalizer = lgamma(half1 + half2) - lgamma(half1) - lgamma(half2)
        return normalizer + half1 * ratio.log() + (half1 - 1) * value.log() - (half1 + half2) * (ratio * value).log1p()

    @property
    def mean(self):
        df2 = where(self.df2 <= 2, float("nan"), self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 <= 2, float("nan"), mode)

    @property
    def variance(self):
        df2 = where(self.df2 <= 4, float("nan"), self.df2)
        return 2 * df2 ** 2 * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2) ** 2 * (df2 - 4))

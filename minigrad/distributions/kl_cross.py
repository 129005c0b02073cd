"""KL(p || q) between laws of different families, and between the low-rank and full Gaussians: the closed
forms PyTorch registers, each written from E_p[log p] - E_p[log q]. Where q gives zero density to part of p's
support the divergence is inf, as in PyTorch (including its choices at the edges of the unit interval for a
ContinuousBernoulli). Importing this module registers the rules with ``kl.register_kl``."""
import math

from .. import creation
from ..ops.compare import where
from ..ops.special import digamma, lgamma, xlogy
from .continuous import Normal, Uniform
from .continuous_bernoulli import ContinuousBernoulli
from .counts import Binomial
from .discrete import Bernoulli
from .gamma_family import Beta, Gamma
from .kl import register_kl
from .more_families import Exponential, Laplace, Poisson
from .transformed_families import EULER, Gumbel, Pareto

_LOG_2PI = math.log(2 * math.pi)


def _inf_where(condition, value):
    return where(condition, float("inf"), value)


def _x_log_x(x):
    return xlogy(x, x)


def _log_normalizer_term(q):
    """-E[log q] of a ContinuousBernoulli q, less the part linear in x: -log(1 - p) - log C(p)."""
    return -(-q.probs).log1p() - q._log_norm()


def _register_infinite(type_p, *types_q, parameter):
    """KL(p || q) = inf for each q whose support misses part of p's (a full tensor of p's shape)."""
    def infinite(p, q):
        return creation.full_like(getattr(p, parameter), float("inf"))
    for type_q in types_q:
        register_kl(type_p, type_q)(infinite)


_register_infinite(Beta, Pareto, parameter="concentration1")
_register_infinite(ContinuousBernoulli, Pareto, parameter="probs")
_register_infinite(Exponential, Beta, ContinuousBernoulli, Pareto, Uniform, parameter="rate")
_register_infinite(Gamma, Beta, ContinuousBernoulli, Pareto, Uniform, parameter="concentration")
_register_infinite(Gumbel, Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform, parameter="loc")
_register_infinite(Laplace, Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform, parameter="loc")
_register_infinite(Normal, Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform, parameter="loc")
_register_infinite(Pareto, Beta, ContinuousBernoulli, Uniform, parameter="scale")
_register_infinite(Poisson, Bernoulli, Binomial, parameter="rate")


@register_kl(Bernoulli, Poisson)
def _bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


@register_kl(Beta, ContinuousBernoulli)
def _beta_continuous_bernoulli(p, q):
    return -p.entropy() - p.mean * q.logits + _log_normalizer_term(q)


@register_kl(Beta, Exponential)
def _beta_exponential(p, q):
    mean = p.concentration1 / (p.concentration1 + p.concentration0)
    return -p.entropy() - q.rate.log() + q.rate * mean


@register_kl(Beta, Gamma)
def _beta_gamma(p, q):
    total = p.concentration1 + p.concentration0
    expected_log = digamma(p.concentration1) - digamma(total)
    log_norm = lgamma(q.concentration) - q.concentration * q.rate.log()
    return -p.entropy() + log_norm - (q.concentration - 1) * expected_log + q.rate * p.concentration1 / total


@register_kl(Beta, Normal)
def _beta_normal(p, q):
    total = p.concentration1 + p.concentration0
    mean = p.concentration1 / total
    second_moment = (mean * (1 - mean) / (total + 1) + mean ** 2) * 0.5
    variance = q.scale ** 2
    return (-p.entropy() + 0.5 * (variance * 2 * math.pi).log()
            + (second_moment - q.loc * mean + q.loc ** 2 * 0.5) / variance)


@register_kl(Beta, Uniform)
def _beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return _inf_where((q.low > 0) | (q.high < 1), result)


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _continuous_bernoulli_continuous_bernoulli(p, q):
    return (p.mean * (p.logits - q.logits) + p._log_norm() + (-p.probs).log1p()
            - q._log_norm() - (-q.probs).log1p())


@register_kl(ContinuousBernoulli, Exponential)
def _continuous_bernoulli_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _continuous_bernoulli_normal(p, q):
    cross = 0.5 * (_LOG_2PI + (q.loc / q.scale) ** 2) + q.scale.log()
    return (-p.entropy() + cross
            + (p.variance + p.mean ** 2 - 2.0 * q.loc * p.mean) / (2.0 * q.scale ** 2))


@register_kl(ContinuousBernoulli, Uniform)
def _continuous_bernoulli_uniform(p, q):
    # PyTorch's test: inf unless q reaches past both ends of [0, 1]
    result = -p.entropy() + (q.high - q.low).log()
    return _inf_where((q.low >= 0) | (q.high <= 1), result)


@register_kl(Exponential, Gamma)
def _exponential_gamma(p, q):
    ratio = q.rate / p.rate
    return (-q.concentration * ratio.log() + ratio + lgamma(q.concentration) + q.concentration * EULER
            - (1 + EULER))


@register_kl(Exponential, Gumbel)
def _exponential_gumbel(p, q):
    product = p.rate * q.scale
    shift = q.loc / q.scale
    return product.log() - 1 - shift + shift.exp() * product / (product + 1) + product.reciprocal()


@register_kl(Exponential, Normal)
def _exponential_normal(p, q):
    variance, rate_squared = q.scale ** 2, p.rate ** 2
    return (0.5 * (rate_squared * variance * 2 * math.pi).log() - 1
            + (rate_squared.reciprocal() - q.loc / p.rate + q.loc ** 2 * 0.5) / variance)


@register_kl(Gamma, Exponential)
def _gamma_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.concentration / p.rate


@register_kl(Gamma, Gumbel)
def _gamma_gumbel(p, q):
    product = p.rate * q.scale
    shift = q.loc / q.scale
    a = p.concentration
    return ((a - 1) * digamma(a) - lgamma(a) - a + product.log() + a / product
            + shift.exp() * (1 + product.reciprocal()) ** (-a) - shift)


@register_kl(Gamma, Normal)
def _gamma_normal(p, q):
    a, variance, rate_squared = p.concentration, q.scale ** 2, p.rate ** 2
    second_moment = 0.5 * (a ** 2 + a) / rate_squared
    return (0.5 * (rate_squared * variance * 2 * math.pi).log() - a - lgamma(a) + (a - 1) * digamma(a)
            + (second_moment - q.loc * a / p.rate + 0.5 * q.loc ** 2) / variance)


@register_kl(Gumbel, Normal)
def _gumbel_normal(p, q):
    ratio = p.scale / q.scale
    log_term = (ratio / math.sqrt(2 * math.pi)).log()
    spread = (math.pi * ratio * 0.5) ** 2 / 3
    shift = ((p.loc + p.scale * EULER - q.loc) / q.scale) ** 2 * 0.5
    return -log_term + spread + shift - (EULER + 1)


@register_kl(Laplace, Normal)
def _laplace_normal(p, q):
    variance = q.scale ** 2
    ratio = p.scale ** 2 / variance
    return (-0.5 * (2 * ratio / math.pi).log() + ratio
            + (0.5 * p.loc ** 2 - p.loc * q.loc + 0.5 * q.loc ** 2) / variance - 1)


@register_kl(Normal, Gumbel)
def _normal_gumbel(p, q):
    mean_ratio, shift = p.loc / q.scale, q.loc / q.scale
    variance_ratio = (p.scale / q.scale) ** 2
    return (-0.5 * variance_ratio.log() + mean_ratio - shift + (-mean_ratio + 0.5 * variance_ratio + shift).exp()
            - 0.5 * (1 + _LOG_2PI))


@register_kl(Pareto, Exponential)
def _pareto_exponential(p, q):
    product = p.scale * q.rate
    result = (p.alpha / product).log() - p.alpha.reciprocal() + p.alpha * product / (p.alpha - 1) - 1
    return _inf_where(p.alpha <= 1, result)


@register_kl(Pareto, Gamma)
def _pareto_gamma(p, q):
    expected_log = p.scale.log() + p.alpha.reciprocal()
    result = (p.alpha.log() - expected_log + lgamma(q.concentration) - q.concentration * q.rate.log()
              + (1 - q.concentration) * expected_log + q.rate * p.alpha * p.scale / (p.alpha - 1) - 1)
    return _inf_where(p.alpha <= 1, result)


@register_kl(Pareto, Normal)
def _pareto_normal(p, q):
    twice_variance = 2 * q.scale ** 2
    spread = p.scale / (p.alpha - 1)
    log_term = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
    squares = p.alpha * spread ** 2 / (p.alpha - 2) + (p.alpha * spread - q.loc) ** 2
    result = log_term - p.alpha.reciprocal() + squares / twice_variance - 1
    return _inf_where(p.alpha <= 2, result)


def _uniform_mean_log(p):
    """E[log x] * (high - low) + (high - low) for x ~ Uniform(low, high), via x log x at the ends."""
    return _x_log_x(p.high) - _x_log_x(p.low)


@register_kl(Uniform, Beta)
def _uniform_beta(p, q):
    width = p.high - p.low
    ones_term = (q.concentration1 - 1) * (_uniform_mean_log(p) - width) / width
    zeros_term = (q.concentration0 - 1) * (_x_log_x(1 - p.high) - _x_log_x(1 - p.low) + width) / width
    log_beta = lgamma(q.concentration1) + lgamma(q.concentration0) - lgamma(q.concentration1 + q.concentration0)
    result = zeros_term + log_beta - width.log() - ones_term
    return _inf_where((p.high > 1) | (p.low < 0), result)


@register_kl(Uniform, ContinuousBernoulli)
def _uniform_continuous_bernoulli(p, q):
    result = -p.entropy() - p.mean * q.logits + _log_normalizer_term(q)
    return _inf_where((p.high >= 1) | (p.low <= 0), result)


@register_kl(Uniform, Exponential)
def _uniform_exponential(p, q):
    result = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
    return _inf_where(p.low < 0, result)


@register_kl(Uniform, Gamma)
def _uniform_gamma(p, q):
    width = p.high - p.low
    result = (-width.log() + lgamma(q.concentration) - q.concentration * q.rate.log()
              + (1 - q.concentration) * (_uniform_mean_log(p) - width) / width + q.rate * (p.high + p.low) / 2)
    return _inf_where(p.low < 0, result)


@register_kl(Uniform, Gumbel)
def _uniform_gumbel(p, q):
    ratio = q.scale / (p.high - p.low)
    high, low = (p.high - q.loc) / q.scale, (p.low - q.loc) / q.scale
    return ratio.log() + 0.5 * (high + low) - ratio * ((-high).exp() - (-low).exp())


@register_kl(Uniform, Normal)
def _uniform_normal(p, q):
    width = p.high - p.low
    log_term = (math.sqrt(math.pi * 2) * q.scale / width).log()
    return log_term + 0.5 * (width ** 2 / 12 + ((p.high + p.low - 2 * q.loc) / 2) ** 2) / q.scale ** 2


@register_kl(Uniform, Pareto)
def _uniform_pareto(p, q):
    width = p.high - p.low
    log_term = (q.alpha * q.scale ** q.alpha * width).log()
    result = (_uniform_mean_log(p) - width) / width * (q.alpha + 1) - log_term
    return _inf_where(p.low < q.scale, result)

"""``torch.distributions.kl_divergence``: KL(p || q) for pairs of laws, with PyTorch's closed forms (inf where q
gives zero probability to what p can draw). As PyTorch's, a pair takes the rule registered for the most
specific pair of classes it matches (a LogNormal pair the transformed-distribution rule, unless one is
registered for LogNormal itself)."""
import functools
import math

import numpy as np

from ..linalg import solve_triangular
from ..nn import functional as F
from ..ops.compare import where
from ..ops.special import digamma, lgamma
from ..ops.unary import erf
from .continuous import Cauchy, Normal, Uniform
from .counts import Binomial, Geometric
from .discrete import Bernoulli, Categorical, OneHotCategorical
from .exp_family import ExponentialFamily, bregman_kl
from .gamma_family import Beta, Dirichlet, Gamma
from .independent import Independent
from .more_families import Exponential, Laplace, MultivariateNormal, Poisson
from .transformed_distribution import TransformedDistribution
from .transformed_families import EULER, Gumbel, HalfNormal, Pareto
from .transforms import sum_rightmost

__all__ = ["kl_divergence", "register_kl"]

_RULES = {}


def register_kl(type_p, type_q):
    """``torch.distributions.register_kl``: a decorator adding the KL of (type_p, type_q)."""
    def register(fn):
        _RULES[(type_p, type_q)] = fn
        _rule_for.cache_clear()
        return fn
    return register


@functools.lru_cache(maxsize=None)
def _rule_for(type_p, type_q):
    matches = [(tp, tq) for tp, tq in _RULES if issubclass(type_p, tp) and issubclass(type_q, tq)]
    if not matches:
        return None
    # the most specific: the closest classes in the two MROs
    best = min(matches, key=lambda m: (type_p.__mro__.index(m[0]) + type_q.__mro__.index(m[1]),
                                       type_p.__mro__.index(m[0])))
    return _RULES[best]


def kl_divergence(p, q):
    """KL(p || q), elementwise over the batch."""
    rule = _rule_for(type(p), type(q))
    if rule is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} and q type "
                                  f"{type(q).__name__}")
    return rule(p, q)


def _inf_where(condition, value):
    return where(condition, float("inf"), value)


register_kl(ExponentialFamily, ExponentialFamily)(bregman_kl)


@register_kl(Normal, Normal)
def _normal_normal(p, q):
    variance_ratio = (p.scale / q.scale) ** 2
    mean_term = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (variance_ratio + mean_term - 1 - variance_ratio.log())


@register_kl(Uniform, Uniform)
def _uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _inf_where((q.low > p.low) | (q.high < p.high), result)


@register_kl(Categorical, Categorical)
def _categorical_categorical(p, q):
    terms = p.probs * (p.logits - q.logits)
    terms = _inf_where(q.probs == 0, terms)
    return where(p.probs == 0, 0.0, terms).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _one_hot_one_hot(p, q):
    return _categorical_categorical(p._categorical, q._categorical)


@register_kl(Bernoulli, Bernoulli)
def _bernoulli_bernoulli(p, q):
    ones = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    ones = where(p.probs == 0, 0.0, _inf_where(q.probs == 0, ones))
    zeros = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    zeros = where(p.probs == 1, 0.0, _inf_where(q.probs == 1, zeros))
    return ones + zeros


@register_kl(Beta, Beta)
def _beta_beta(p, q):
    total_p, total_q = p.concentration1 + p.concentration0, q.concentration1 + q.concentration0
    return (lgamma(q.concentration1) + lgamma(q.concentration0) + lgamma(total_p)
            - (lgamma(p.concentration1) + lgamma(p.concentration0) + lgamma(total_q))
            + (p.concentration1 - q.concentration1) * digamma(p.concentration1)
            + (p.concentration0 - q.concentration0) * digamma(p.concentration0)
            + (total_q - total_p) * digamma(total_p))


@register_kl(Binomial, Binomial)
def _binomial_binomial(p, q):
    if bool((p.total_count < q.total_count).any()):
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count is not implemented")
    result = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
    return _inf_where(p.total_count > q.total_count, result)


@register_kl(Dirichlet, Dirichlet)
def _dirichlet_dirichlet(p, q):
    total_p, total_q = p.concentration.sum(-1), q.concentration.sum(-1)
    log_norms = lgamma(total_p) - lgamma(total_q) - (lgamma(p.concentration) - lgamma(q.concentration)).sum(-1)
    weights = digamma(p.concentration) - digamma(total_p).unsqueeze(-1)
    return log_norms + ((p.concentration - q.concentration) * weights).sum(-1)


@register_kl(Exponential, Exponential)
def _exponential_exponential(p, q):
    ratio = q.rate / p.rate
    return -ratio.log() + ratio - 1


@register_kl(Gamma, Gamma)
def _gamma_gamma(p, q):
    return (q.concentration * (p.rate / q.rate).log() + lgamma(q.concentration) - lgamma(p.concentration)
            + (p.concentration - q.concentration) * digamma(p.concentration)
            + (q.rate - p.rate) * (p.concentration / p.rate))


@register_kl(Gumbel, Gumbel)
def _gumbel_gumbel(p, q):
    ratio, q_loc, p_loc = p.scale / q.scale, q.loc / q.scale, p.loc / q.scale
    return -ratio.log() - q_loc + p_loc + ratio * EULER + (q_loc + lgamma(1 + ratio) - p_loc).exp() - (1 + EULER)


@register_kl(Geometric, Geometric)
def _geometric_geometric(p, q):
    return -p.entropy() - (-q.probs).log1p() / p.probs - q.logits


@register_kl(HalfNormal, HalfNormal)
def _halfnormal_halfnormal(p, q):
    return _normal_normal(p.base_dist, q.base_dist)


@register_kl(Laplace, Laplace)
def _laplace_laplace(p, q):
    ratio, distance = p.scale / q.scale, (p.loc - q.loc).abs()
    return -ratio.log() + distance / q.scale + ratio * (-distance / p.scale).exp() - 1


@register_kl(MultivariateNormal, MultivariateNormal)
def _mvn_mvn(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with different event shapes cannot be "
                         "computed")
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_log_ratio = lq.diagonal(0, -2, -1).log().sum(-1) - lp.diagonal(0, -2, -1).log().sum(-1)
    batch = np.broadcast_shapes(tuple(lq.shape[:-2]), tuple(lp.shape[:-2]))
    n = p._event_shape[0]
    whitened = solve_triangular(lq.expand(*batch, n, n), lp.expand(*batch, n, n), upper=False)
    trace = (whitened ** 2).reshape(*whitened.shape[:-2], -1).sum(-1)
    diff = q.loc - p.loc
    full = np.broadcast_shapes(tuple(diff.shape[:-1]), tuple(lq.shape[:-2]))
    solved = solve_triangular(lq.expand(*full, n, n), diff.expand(*full, n).unsqueeze(-1), upper=False)
    mahalanobis = (solved.squeeze(-1) ** 2).sum(-1)
    return half_log_ratio + 0.5 * (trace + mahalanobis - n)


@register_kl(Pareto, Pareto)
def _pareto_pareto(p, q):
    ratio_scale, ratio_alpha = p.scale / q.scale, q.alpha / p.alpha
    result = q.alpha * ratio_scale.log() - ratio_alpha.log() + ratio_alpha - 1
    return _inf_where(p.scale < q.scale, result)


@register_kl(Poisson, Poisson)
def _poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Cauchy, Cauchy)
def _cauchy_cauchy(p, q):
    return ((p.scale + q.scale) ** 2 + (p.loc - q.loc) ** 2).log() - (4 * p.scale * q.scale).log()


@register_kl(TransformedDistribution, TransformedDistribution)
def _transformed_transformed(p, q):
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Independent, Independent)
def _independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(Normal, Laplace)
def _normal_laplace(p, q):
    diff = p.loc - q.loc
    ratio, standardized = p.scale / q.scale, diff / p.scale
    spread = math.sqrt(2 / math.pi) * p.scale * (-0.5 * standardized ** 2).exp()
    shift = diff * erf(math.sqrt(0.5) * standardized)
    return -ratio.log() + (spread + shift) / q.scale - 0.5 * (1 + math.log(0.5 * math.pi))

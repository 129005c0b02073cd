"""``torch.distributions.kl_divergence``: KL(p || q) for pairs of laws of the same family, with PyTorch's
closed forms (inf where q gives zero probability to what p can draw)."""
from ..nn import functional as F
from ..ops.compare import where
from .continuous import Normal, Uniform
from .discrete import Bernoulli, Categorical, OneHotCategorical

__all__ = ["kl_divergence", "register_kl"]

_RULES = {}


def register_kl(type_p, type_q):
    """``torch.distributions.register_kl``: a decorator adding the KL of (type_p, type_q)."""
    def register(fn):
        _RULES[(type_p, type_q)] = fn
        return fn
    return register


def kl_divergence(p, q):
    """KL(p || q), elementwise over the batch."""
    for (type_p, type_q), rule in _RULES.items():
        if isinstance(p, type_p) and isinstance(q, type_q):
            return rule(p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p of type {type(p).__name__} and q of type "
                              f"{type(q).__name__}")


@register_kl(Normal, Normal)
def _normal_normal(p, q):
    variance_ratio = (p.scale / q.scale) ** 2
    mean_term = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (variance_ratio + mean_term - 1 - variance_ratio.log())


@register_kl(Uniform, Uniform)
def _uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return where((q.low > p.low) | (q.high < p.high), float("inf"), result)


@register_kl(Categorical, Categorical)
def _categorical_categorical(p, q):
    terms = p.probs * (p.logits - q.logits)
    terms = where(q.probs == 0, float("inf"), terms)
    return where(p.probs == 0, 0.0, terms).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _one_hot_one_hot(p, q):
    return _categorical_categorical(p._categorical, q._categorical)


@register_kl(Bernoulli, Bernoulli)
def _bernoulli_bernoulli(p, q):
    ones = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    ones = where(p.probs == 0, 0.0, where(q.probs == 0, float("inf"), ones))
    zeros = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    zeros = where(p.probs == 1, 0.0, where(q.probs == 1, float("inf"), zeros))
    return ones + zeros

"""``torch.distributions.ExponentialFamily``: laws whose density is h(x) exp(<theta, t(x)> - F(theta)). A member
gives its natural parameters theta (``_natural_params``) and log-normalizer F (``_log_normalizer``); the entropy
and the KL divergence between two members of one family then follow from F and its gradient (Bregman
divergences), as PyTorch computes them when a family has no closed form of its own."""
from ..autograd import grad
from .distribution import Distribution
from .transform import sum_rightmost

__all__ = ["ExponentialFamily", "bregman_kl"]


class ExponentialFamily(Distribution):
    """``torch.distributions.ExponentialFamily``."""

    @property
    def _mean_carrier_measure(self):
        """E[log h(x)], h the carrier measure (0 where a family sets it; the others cannot use the generic
        entropy, as in PyTorch)."""
        raise NotImplementedError

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    def entropy(self):
        """F(theta) - <theta, grad F(theta)> - E[log h(x)], from the natural parameters (detached, as PyTorch)."""
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*params)
        gradients = grad(log_normalizer.sum(), params)
        result = log_normalizer - self._mean_carrier_measure
        for param, gradient in zip(params, gradients):
            result = result - (param * gradient).reshape(*self._batch_shape, -1).sum(-1)
        return result


def bregman_kl(p, q):
    """KL(p || q) of two members of one exponential family: F(theta_q) - F(theta_p) - <theta_q - theta_p,
    grad F(theta_p)>."""
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential families cannot be "
                                  "computed using Bregman divergences")
    p_params = [p_param.detach().requires_grad_() for p_param in p._natural_params]
    q_params = q._natural_params
    log_normalizer = p._log_normalizer(*p_params)
    gradients = grad(log_normalizer.sum(), p_params)
    result = q._log_normalizer(*q_params) - log_normalizer
    for p_param, q_param, gradient in zip(p_params, q_params, gradients):
        result = result - sum_rightmost((q_param - p_param) * gradient, len(q._event_shape))
    return result

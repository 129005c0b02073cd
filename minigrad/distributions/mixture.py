"""``torch.distributions.MixtureSameFamily``: a Categorical choice among k components of one family (a Gaussian
mixture, a mixture density network's output). log p(x) = logsumexp_k(log pi_k + log p_k(x)); the mean and
variance follow the laws of total expectation and variance."""
from ..nn import functional as F
from ..ops.reduce import logsumexp
from . import constraints
from .discrete import Categorical
from .distribution import Distribution

__all__ = ["MixtureSameFamily"]


class _MixtureSupport(constraints.Constraint):
    """The component family's support, checked on a value without the component dim."""

    def __init__(self, base_constraint):
        self.base_constraint = base_constraint

    is_discrete = property(lambda self: self.base_constraint.is_discrete)
    event_dim = property(lambda self: self.base_constraint.event_dim)

    def check(self, value):
        return self.base_constraint.check(value)

    def __repr__(self):
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class MixtureSameFamily(Distribution):
    """``torch.distributions.MixtureSameFamily(mixture_distribution, component_distribution)``: the components'
    rightmost batch dim indexes them."""
    arg_constraints = {}

    def __init__(self, mixture_distribution, component_distribution, validate_args=None):
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution needs to be an instance of "
                             "torch.distributions.Distribution")
        self._mixture_distribution, self._component_distribution = mixture_distribution, component_distribution
        mixture_batch, component_batch = mixture_distribution.batch_shape, component_distribution.batch_shape[:-1]
        for one, two in zip(reversed(mixture_batch), reversed(component_batch)):
            if one != 1 and two != 1 and one != two:
                raise ValueError(f"`mixture_distribution.batch_shape` ({mixture_batch}) is not compatible with "
                                 f"`component_distribution.batch_shape`({component_batch})")
        mixture_count, component_count = mixture_distribution.logits.shape[-1], component_distribution.batch_shape[-1]
        if mixture_count != component_count:
            raise ValueError(f"`mixture_distribution component` ({mixture_count}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({component_count})")
        self._num_component = mixture_count
        self._event_ndims = len(component_distribution._event_shape)
        super().__init__(tuple(component_batch), component_distribution._event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new._component_distribution = self._component_distribution.expand(tuple(batch_shape) +
                                                                          (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        return new

    @constraints.dependent_property
    def support(self):
        return _MixtureSupport(self._component_distribution.support)

    mixture_distribution = property(lambda self: self._mixture_distribution)
    component_distribution = property(lambda self: self._component_distribution)

    def _pad(self, x):
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x):
        batch_dims, mixture_dims = len(self._batch_shape), len(self._mixture_distribution._batch_shape)
        pad = 0 if mixture_dims == 1 else batch_dims - mixture_dims
        return x.reshape(*x.shape[:-1], *([1] * pad), x.shape[-1], *([1] * self._event_ndims))

    @property
    def mean(self):
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        return (probs * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self):
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        within = (probs * self._component_distribution.variance).sum(-1 - self._event_ndims)
        between = (probs * (self._component_distribution.mean - self._pad(self.mean)) ** 2.0
                   ).sum(-1 - self._event_ndims)
        return within + between

    def cdf(self, x):
        return (self._component_distribution.cdf(self._pad(x)) * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x):
        self._checked(x)
        log_prob_x = self._component_distribution.log_prob(self._pad(x))
        return logsumexp(log_prob_x + F.log_softmax(self._mixture_distribution.logits, -1), -1)

    def sample(self, sample_shape=()):
        from ..autograd import no_grad
        with no_grad():
            sample_shape = tuple(sample_shape)
            gather_dim = len(sample_shape) + len(self._batch_shape)
            event = self._event_shape
            choice = self._mixture_distribution.sample(sample_shape)
            draws = self._component_distribution.sample(sample_shape)
            index = choice.reshape(*choice.shape, *([1] * (len(event) + 1)))
            index = index.expand(*choice.shape, 1, *event)
            return draws.gather(gather_dim, index).squeeze(gather_dim)

    def __repr__(self):
        return f"MixtureSameFamily(\n  {self._mixture_distribution},\n  {self._component_distribution})"

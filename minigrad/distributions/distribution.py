"""The base of ``minigrad.distributions``, as ``torch.distributions.Distribution``: batch and event shapes,
``sample`` (without gradient) and ``rsample`` (reparameterized), ``log_prob``, ``entropy``, the moments, ``expand``,
and validation: each parameter against its ``arg_constraints``, each value given to ``log_prob`` against the
``support``, with PyTorch's messages.

Samples are drawn through the same ops as PyTorch's (PyTorch's numbers for the same seed), except the laws whose
samplers numpy provides (gamma, Poisson, binomial, von Mises)."""
import copy
import warnings

from ..autograd import no_grad
from . import constraints

__all__ = ["Distribution"]


def _size(shape):
    """A shape as PyTorch's messages print it."""
    return f"torch.Size({list(shape)})"


class Distribution:
    """A family of probability laws with parameters of a common ``batch_shape``; each draw has ``event_shape``."""
    has_rsample = False
    has_enumerate_support = False
    _validate_args = True  # PyTorch's default (``__debug__``): parameters and log_prob values are checked
    arg_constraints = {}
    _given = None  # the parameters it was built from, when it computes others from them (repr, validation)

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._validate_parameters()

    def _validate_parameters(self):
        from .utils import lazy_property
        for name, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if name not in self.__dict__ and isinstance(getattr(type(self), name, None), lazy_property):
                continue  # computed from another parameter when first read: not checked, as PyTorch's
            if self._given is not None and name in self.__dict__ and name not in self._given:
                continue  # the same, computed at once
            self._validate_parameter(name, getattr(self, name), constraint)

    def _validate_parameter(self, name, value, constraint):
        if not bool(constraint.check(value).all()):
            raise ValueError(f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"of distribution {self!r} to satisfy the constraint {constraint!r}, but found "
                             f"invalid values:\n{value}")

    def _held(self):
        """The parameters this law holds as given (repr shows them, as PyTorch's shows those in its __dict__)."""
        return [name for name in self.arg_constraints if name in self.__dict__ and
                (self._given is None or name in self._given)]

    def _validate_sample(self, value):
        """PyTorch's checks of a value given to log_prob: a tensor, its event shape, broadcastable with the batch,
        inside the support."""
        from ..tensor import Tensor
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        shape = tuple(value.shape)
        start = len(shape) - len(self._event_shape)
        if shape[start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {_size(shape)} vs "
                             f"{_size(self._event_shape)}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {_size(shape)} vs "
                                 f"{_size(expected)}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{type(self)} does not define `support` to enable sample validation. Please initialize "
                          "the distribution with `validate_args=False` to turn off validation.")
            return
        if not bool(support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({support!r}) of the distribution {self!r}, but found invalid "
                             f"values:\n{value}")

    def _checked(self, value):
        """value, after ``_validate_sample`` when validation is on."""
        if self._validate_args:
            self._validate_sample(value)
        return value

    @staticmethod
    def set_default_validate_args(value):
        """``Distribution.set_default_validate_args``: whether laws check their parameters and values."""
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = bool(value)

    @property
    def batch_shape(self):
        from ..tensor import Size
        return Size(self._batch_shape)

    @property
    def event_shape(self):
        from ..tensor import Size
        return Size(self._event_shape)

    @property
    def support(self):
        raise NotImplementedError

    def _extended_shape(self, sample_shape=()):
        return tuple(sample_shape) + self._batch_shape + self._event_shape

    def expand(self, batch_shape, _instance=None):
        """``Distribution.expand``: the same law with its parameters expanded to ``batch_shape`` (views, no copy)."""
        batch_shape = tuple(batch_shape)
        new = copy.copy(self)
        for name in self._expanded_parameters():
            value = self.__dict__[name]
            event = value.shape[value.ndim - self._parameter_event_dims(name):] if value.ndim else ()
            new.__dict__[name] = value.expand(*batch_shape, *event)
        new._batch_shape = batch_shape
        return new

    def _expanded_parameters(self):
        """The tensors ``expand`` expands: the parameters among ``arg_constraints`` that the law holds."""
        return [name for name in self.arg_constraints if name in self.__dict__]

    def _parameter_event_dims(self, name):
        """How many trailing dims of parameter ``name`` are not batch dims."""
        return self.arg_constraints[name].event_dim

    def sample(self, sample_shape=()):
        """A draw of shape sample_shape + batch_shape + event_shape, outside the graph."""
        with no_grad():
            return self.rsample(sample_shape).detach()

    def sample_n(self, n):
        return self.sample((n,))

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__} has no reparameterized sampling")

    def log_prob(self, value):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def enumerate_support(self, expand=True):
        raise NotImplementedError

    def perplexity(self):
        """exp(entropy)."""
        return self.entropy().exp()

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def __repr__(self):
        names = [name for name in self.arg_constraints if name in self._held()]
        values = [self.__dict__[name] for name in names]
        shown = ", ".join(f"{name}: {value if value.numel() == 1 else value.shape}".replace("minigrad.Size", "torch.Size")
                          for name, value in zip(names, values))
        return f"{type(self).__name__}({shown})"

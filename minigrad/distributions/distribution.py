"""The base of ``minigrad.distributions``, as ``torch.distributions.Distribution``: batch and event shapes,
``sample`` (without gradient) and ``rsample`` (reparameterized), ``log_prob``, ``entropy``, and the moments.

Samples follow PyTorch's laws with minigrad's random generator (``minigrad.manual_seed``), not PyTorch's draws."""
from ..autograd import no_grad

__all__ = ["Distribution"]


class Distribution:
    """A family of probability laws with parameters of a common ``batch_shape``; each draw has ``event_shape``."""
    has_rsample = False
    _validate_args = True  # PyTorch's default (``__debug__``): parameters and log_prob values are checked
    _given = ()  # the parameters it was built from, shown by repr

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args

    def _check(self, valid, what):
        """With validation on, a ValueError unless the bool tensor ``valid`` is all true."""
        if self._validate_args and not bool(valid.all()):
            raise ValueError(f"{type(self).__name__}: {what}")

    @staticmethod
    def set_default_validate_args(value):
        """``Distribution.set_default_validate_args``: whether laws check their parameters and values."""
        Distribution._validate_args = bool(value)

    @property
    def batch_shape(self):
        from ..tensor import Size
        return Size(self._batch_shape)

    @property
    def event_shape(self):
        from ..tensor import Size
        return Size(self._event_shape)

    def _extended_shape(self, sample_shape=()):
        return tuple(sample_shape) + self._batch_shape + self._event_shape

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

    def perplexity(self):
        """exp(entropy)."""
        return self.entropy().exp()

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def __repr__(self):
        names = [name for name in getattr(self, "_given", ()) if name in self.__dict__]
        shown = ", ".join(f"{name}: {self.__dict__[name].shape if self.__dict__[name].ndim else self.__dict__[name]}"
                          .replace("minigrad.Size", "torch.Size") for name in names)
        return f"{type(self).__name__}({shown})"

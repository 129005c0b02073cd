"""The base of ``torch.distributions.transforms``: a ``Transform`` is an invertible map y = f(x) with
log|det J|; ``t.inv`` is its inverse (a transform too, sharing its cache). With ``cache_size=1`` a transform
remembers its last (x, y) pair, so that the inverse of a drawn sample is the very input (PyTorch's caching)."""
import weakref

from . import constraints

__all__ = ["Transform", "ParameterFree", "sum_rightmost"]


def sum_rightmost(value, dim):
    """value summed over its last ``dim`` dims (PyTorch's ``_sum_rightmost``)."""
    return value.reshape(*value.shape[:value.ndim - dim], -1).sum(-1) if dim > 0 else value


class Transform:
    """``torch.distributions.transforms.Transform``."""
    bijective = False
    domain = constraints.real
    codomain = constraints.real

    def __init__(self, cache_size=0):
        if cache_size not in (0, 1):
            raise ValueError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._cached = None  # (x, y)
        self._inverse = None

    @property
    def event_dim(self):
        if self.domain.event_dim == self.codomain.event_dim:
            return self.domain.event_dim
        raise ValueError("Please use either .domain.event_dim or .codomain.event_dim")

    @property
    def inv(self):
        """The inverse transform: ``t.inv(t(x))`` is x."""
        inverse = self._inverse() if self._inverse is not None else None
        if inverse is None:
            inverse = _InverseTransform(self)
            self._inverse = weakref.ref(inverse)
        return inverse

    @property
    def sign(self):
        """+1 or -1: whether a monotone transform increases or decreases."""
        raise NotImplementedError

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f"{type(self)}.with_cache is not implemented")

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __call__(self, x):
        if self._cache_size == 0:
            return self._call(x)
        if self._cached is not None and self._cached[0] is x:
            return self._cached[1]
        y = self._call(x)
        self._cached = (x, y)
        return y

    def _inv_call(self, y):
        if self._cache_size == 0:
            return self._inverse_of(y)
        if self._cached is not None and self._cached[1] is y:
            return self._cached[0]
        x = self._inverse_of(y)
        self._cached = (x, y)
        return x

    def _call(self, x):
        raise NotImplementedError

    def _inverse_of(self, y):
        raise NotImplementedError

    def log_abs_det_jacobian(self, x, y):
        """log |dy/dx|, summed over the transform's event dims."""
        raise NotImplementedError

    def forward_shape(self, shape):
        return shape

    def inverse_shape(self, shape):
        return shape

    def __repr__(self):
        return type(self).__name__ + "()"


class ParameterFree(Transform):
    """A transform without parameters: any two of its class are equal (PyTorch's ``__eq__`` for them)."""

    def __eq__(self, other):
        return isinstance(other, type(self))

    __hash__ = object.__hash__


class _InverseTransform(Transform):
    """The inverse of a transform (``t.inv``), sharing its cache."""

    def __init__(self, transform):
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    domain = property(lambda self: self._inv.codomain)
    codomain = property(lambda self: self._inv.domain)
    bijective = property(lambda self: self._inv.bijective)
    sign = property(lambda self: self._inv.sign)

    @property
    def inv(self):
        return self._inv

    def with_cache(self, cache_size=1):
        return self._inv.with_cache(cache_size).inv

    def __eq__(self, other):
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = object.__hash__

    def __repr__(self):
        return f"{type(self).__name__}({self._inv!r})"

    def __call__(self, x):
        return self._inv._inv_call(x)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)

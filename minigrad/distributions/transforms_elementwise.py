"""Elementwise transforms, as ``torch.distributions.transforms``': exp, sigmoid, tanh, softplus, |x|, powers and
affine maps, each with its inverse and its log|det J| in PyTorch's numerically stable form."""
import math

import numpy as np

from .. import creation
from ..nn import functional as F
from . import constraints
from .transform import ParameterFree, Transform
from .utils import broadcast_all, clipped_sigmoid

__all__ = ["ExpTransform", "SigmoidTransform", "TanhTransform", "SoftplusTransform", "AbsTransform",
           "PowerTransform", "AffineTransform", "CumulativeDistributionTransform"]


class _Monotone(ParameterFree):
    """A bijection of the reals (or a part of them) that increases."""
    bijective = True
    sign = +1


class ExpTransform(_Monotone):
    """y = exp(x)."""
    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse_of(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class SigmoidTransform(_Monotone):
    """y = sigmoid(x), kept inside (0, 1) as PyTorch's (``clipped_sigmoid``)."""
    codomain = constraints.unit_interval

    def _call(self, x):
        return clipped_sigmoid(x)

    def _inverse_of(self, y):
        info = np.finfo(np.dtype(y.dtype))
        y = y.clamp(min=float(info.tiny), max=1.0 - float(info.eps))
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        return -F.softplus(-x) - F.softplus(x)


class TanhTransform(_Monotone):
    """y = tanh(x); log|dy/dx| = 2 (log 2 - x - softplus(-2x)), PyTorch's stable form."""
    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return x.tanh()

    def _inverse_of(self, y):
        return y.atanh()

    def log_abs_det_jacobian(self, x, y):
        return 2.0 * (math.log(2.0) - x - F.softplus(-2.0 * x))


class SoftplusTransform(_Monotone):
    """y = log(1 + exp(x))."""
    codomain = constraints.positive

    def _call(self, x):
        return F.softplus(x)

    def _inverse_of(self, y):
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x, y):
        return -F.softplus(-x)


class AbsTransform(ParameterFree):
    """y = |x| (not bijective: ``inv`` gives the positive root)."""
    codomain = constraints.positive

    def _call(self, x):
        return x.abs()

    def _inverse_of(self, y):
        return y


class PowerTransform(Transform):
    """y = x ** exponent on the positive reals."""
    domain = constraints.positive
    codomain = constraints.positive
    bijective = True

    def __init__(self, exponent, cache_size=0):
        super().__init__(cache_size=cache_size)
        (self.exponent,) = broadcast_all(exponent)

    def with_cache(self, cache_size=1):
        return self if self._cache_size == cache_size else PowerTransform(self.exponent, cache_size=cache_size)

    @property
    def sign(self):
        return self.exponent.sign()

    def __eq__(self, other):
        return isinstance(other, PowerTransform) and bool(self.exponent.eq(other.exponent).all())

    __hash__ = object.__hash__

    def _call(self, x):
        return x.pow(self.exponent)

    def _inverse_of(self, y):
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x, y):
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape):
        return np.broadcast_shapes(tuple(shape), tuple(self.exponent.shape))

    inverse_shape = forward_shape


class AffineTransform(Transform):
    """y = loc + scale * x, on events of ``event_dim`` dims (its log|det J| summed over them)."""
    bijective = True

    def __init__(self, loc, scale, event_dim=0, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.loc, self.scale, self._event_dim = loc, scale, event_dim

    @property
    def domain(self):
        return constraints.real if self._event_dim == 0 else constraints.independent(constraints.real,
                                                                                     self._event_dim)

    codomain = domain

    @property
    def event_dim(self):
        return self._event_dim

    def with_cache(self, cache_size=1):
        return self if self._cache_size == cache_size else \
            AffineTransform(self.loc, self.scale, self._event_dim, cache_size=cache_size)

    @property
    def sign(self):
        from ..tensor import Tensor
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1 if self.scale < 0 else 0

    def __eq__(self, other):
        if not isinstance(other, AffineTransform):
            return False
        return all(_same(a, b) for a, b in ((self.loc, other.loc), (self.scale, other.scale)))

    __hash__ = object.__hash__

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse_of(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        from ..tensor import Tensor
        if isinstance(self.scale, Tensor):
            result = self.scale.abs().log()
        else:
            result = creation.full(tuple(x.shape), math.log(abs(self.scale)), dtype=x.dtype)
        shape = tuple(x.shape)
        if self._event_dim:
            result = result.reshape(*result.shape[:result.ndim - self._event_dim], -1).sum(-1)
            shape = shape[:len(shape) - self._event_dim]
        return result.expand(*shape)

    def forward_shape(self, shape):
        return np.broadcast_shapes(tuple(shape), tuple(getattr(self.loc, "shape", ())),
                                   tuple(getattr(self.scale, "shape", ())))

    inverse_shape = forward_shape


def _same(a, b):
    from ..tensor import Tensor
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a is b or (isinstance(a, Tensor) and isinstance(b, Tensor) and tuple(a.shape) == tuple(b.shape)
                          and bool(a.eq(b).all()))
    return a == b


class CumulativeDistributionTransform(Transform):
    """y = F(x), the cdf of ``distribution`` (a copula's marginals): log|dy/dx| is its log-density."""
    bijective = True
    codomain = constraints.unit_interval
    sign = +1

    def __init__(self, distribution, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self):
        return self.distribution.support

    def with_cache(self, cache_size=1):
        return self if self._cache_size == cache_size else \
            CumulativeDistributionTransform(self.distribution, cache_size=cache_size)

    def _call(self, x):
        return self.distribution.cdf(x)

    def _inverse_of(self, y):
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x, y):
        return self.distribution.log_prob(x)

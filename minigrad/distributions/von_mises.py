"""``torch.distributions.VonMises(loc, concentration)``: the circular normal law on angles, density
exp(k cos(x - loc)) / (2 pi I0(k)). log I0 and log I1 come from Abramowitz and Stegun's polynomial fits 9.8.1-9.8.4
(relative error about 1e-7), which PyTorch uses, evaluated in the same order, so that log_prob and the variance
equal PyTorch's; draws follow Best and Fisher's rejection sampler (1979) in float64, PyTorch's for the same seed."""
import math

import numpy as np

from .. import sampling
from ..ops.compare import where
from ..random import default_generator
from . import constraints
from .continuous import CenteredAtLoc
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]

# Abramowitz and Stegun 9.8.1-9.8.4: I0 and I1 for x < 3.75 in powers of (x / 3.75)^2, and x^(1/2) e^-x I(x) for
# x >= 3.75 in powers of 3.75 / x
_SMALL = ([1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813],
          [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411])
_LARGE = ([0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633,
           0.00392377],
          [0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967, -0.02895312, 0.01787654,
           -0.00420059])


def _horner(y, coefficients):
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = c + y * result
    return result


def log_modified_bessel(x, order):
    """log I_order(x) for x > 0 and order 0 or 1, from the polynomial fits above (as PyTorch's)."""
    square = (x / 3.75) * (x / 3.75)
    small = _horner(square, _SMALL[order])
    if order == 1:
        small = x.abs() * small
    large = x - 0.5 * x.log() + _horner(3.75 / x, _LARGE[order]).log()
    return where(x < 3.75, small.log(), large)


def _best_fisher(loc, kappa, shape, generator):
    """Draws (float64 numpy) by Best and Fisher's wrapped-Cauchy envelope, as PyTorch's _rejection_sample: three
    float64 uniforms per place and round, every accepted proposal kept (a place accepted again is replaced)."""
    tau = 1 + np.sqrt(1 + 4 * kappa ** 2)
    rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))
    r, kappa, loc = (np.broadcast_to(a, shape) for a in (r, kappa, loc))
    x, done = np.zeros(shape), np.zeros(shape, bool)
    while not done.all():
        u1, u2, u3 = sampling.uniform_values(generator, 3 * x.size, np.float64).reshape((3,) + tuple(shape))
        z = np.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
        x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(f), x)
        done |= accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(CenteredAtLoc, Distribution):
    """``torch.distributions.VonMises(loc, concentration)``: angles in radians (any real value, read modulo
    2 pi); the mean and variance are the circular ones."""
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = Distribution.expand(self, batch_shape)
        new.__dict__.pop("variance", None)
        return new

    def log_prob(self, value):
        self._checked(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - log_modified_bessel(self.concentration, 0))

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        loc = self.loc.detach().cpu().numpy().astype(np.float64)
        kappa = self.concentration.detach().cpu().numpy().astype(np.float64)
        draws = _best_fisher(loc, kappa, shape, default_generator)
        return self.loc.detach().new_tensor(draws.astype(np.dtype(self.loc.dtype)))

    @lazy_property
    def variance(self):
        return 1 - (log_modified_bessel(self.concentration, 1) - log_modified_bessel(self.concentration, 0)).exp()


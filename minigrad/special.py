"""``minigrad.special``: ``torch.special``'s functions: the error and gamma families, the normal distribution's
tails (``ops/normal_tail.py``), Bessel and Airy functions (``ops/bessel.py``, ``ops/bessel_oscillating.py``,
``ops/airy.py``) and the orthogonal polynomials (``ops/orthogonal_polynomials.py``)."""
import math

import numpy as np

from .ops.activation import log_softmax, sigmoid as expit, softmax  # noqa: F401
from .ops.elementwise import log1p  # noqa: F401
from .ops.reduce import logsumexp  # noqa: F401
from .ops.special import logit, sinc, xlogy, digamma, digamma as psi, polygamma, erfinv, mvlgamma  # noqa: F401
from .ops.special import lgamma as gammaln  # noqa: F401
from .ops.incomplete_gamma import gammainc, gammaincc  # noqa: F401
from .ops.zeta import zeta  # noqa: F401
from .ops.host_elementwise import elementwise
from .ops.unary import erf, erfc, exp2, expm1, round  # noqa: F401,A004
from .ops.normal_tail import erfcx, log_ndtr, ndtri  # noqa: F401
from .ops.bessel import (i0, i0e, i1, i1e, modified_bessel_i0, modified_bessel_i1, modified_bessel_k0,  # noqa: F401
                         modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1)
from .ops.bessel_oscillating import bessel_j0, bessel_j1, bessel_y0, bessel_y1, spherical_bessel_j0  # noqa: F401
from .ops.airy import airy_ai  # noqa: F401
from .ops.orthogonal_polynomials import *  # noqa: F401,F403
from .ops.orthogonal_polynomials import __all__ as _POLYNOMIALS

__all__ = ["gammainc", "gammaincc", "zeta", "expit", "logit", "erf", "erfc", "erfcx", "exp2", "expm1", "log1p",
           "xlogy", "xlog1py", "sinc", "round", "logsumexp", "softmax", "log_softmax", "entr", "ndtr", "log_ndtr",
           "digamma", "psi", "polygamma", "erfinv", "gammaln", "multigammaln", "i0", "i0e", "i1", "i1e", "ndtri",
           "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "bessel_j0", "bessel_j1", "bessel_y0",
           "bessel_y1", "spherical_bessel_j0", "airy_ai"] + _POLYNOMIALS


def multigammaln(input, p):  # noqa: A002
    """``torch.special.multigammaln``: ``mvlgamma``."""
    return mvlgamma(input, p)


def xlog1py(input, other):  # noqa: A002
    """``torch.special.xlog1py``: input * log1p(other), 0 where input is 0 (unless other is NaN)."""
    from .ops.compare import where
    return where((input == 0) & ~other.isnan(), 0.0, input * log1p(other))


def entr(input):  # noqa: A002
    """``torch.special.entr``: -x log x elementwise (0 at 0, -inf below 0); gradient -(1 + log x), as PyTorch's
    (inf at 0, NaN below)."""
    def value(x):
        return np.where(x < 0, -np.inf, np.where(x == 0, 0.0, -x * np.log(np.where(x > 0, x, 1.0))))

    return elementwise(input, value, lambda x, y: -(1 + np.log(x)))


def ndtr(input):  # noqa: A002
    """``torch.special.ndtr``: the standard normal's cumulative distribution, erfc(-x / sqrt 2) / 2."""
    return erfc(-input * (1 / math.sqrt(2))) * 0.5

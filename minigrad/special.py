"""``minigrad.special``: ``torch.special``'s names for the special functions minigrad has."""
import math

from .ops.activation import log_softmax, sigmoid as expit, softmax  # noqa: F401
from .ops.elementwise import log1p  # noqa: F401
from .ops.reduce import logsumexp  # noqa: F401
from .ops.special import logit, sinc, xlogy, digamma, digamma as psi, polygamma, erfinv, mvlgamma  # noqa: F401
from .ops.special import lgamma as gammaln  # noqa: F401
from .ops.incomplete_gamma import gammainc, gammaincc  # noqa: F401
from .ops.zeta import zeta  # noqa: F401
from .ops.unary import erf, erfc, exp2, expm1, round  # noqa: F401,A004

__all__ = ["gammainc", "gammaincc", "zeta", "expit", "logit", "erf", "erfc", "exp2", "expm1", "log1p", "xlogy", "xlog1py", "sinc", "round",
           "logsumexp", "softmax", "log_softmax", "entr", "ndtr", "log_ndtr", "digamma", "psi", "polygamma",
           "erfinv", "gammaln", "multigammaln", "i0", "i0e", "ndtri"]


def multigammaln(input, p):  # noqa: A002
    """``torch.special.multigammaln``: ``mvlgamma``."""
    return mvlgamma(input, p)


def i0(input):  # noqa: A002
    """``torch.special.i0``: the modified Bessel function of order 0, from its power series (terms until they
    no longer change the sum)."""
    x = input.float() if not input.is_floating_point() else input
    term, total, k = x * 0 + 1, x * 0 + 1, 1
    quarter_square = x * x / 4
    while k < 500:
        term = term * quarter_square / (k * k)
        total = total + term
        if not bool((term > total * 1e-17).any()):
            break
        k += 1
    return total


def i0e(input):  # noqa: A002
    """``torch.special.i0e``: exp(-|x|) i0(x), the exponentially scaled Bessel function."""
    x = input.float() if not input.is_floating_point() else input
    return i0(x) * (-x.abs()).exp()


def ndtri(input):  # noqa: A002
    """``torch.special.ndtri``: the standard normal's quantile function, sqrt(2) erfinv(2p - 1)."""
    p = input.float() if not input.is_floating_point() else input
    return erfinv(p * 2 - 1) * math.sqrt(2)


def xlog1py(input, other):  # noqa: A002
    """``torch.special.xlog1py``: input * log1p(other), 0 where input is 0 (unless other is NaN)."""
    from .ops.compare import where
    return where((input == 0) & ~other.isnan(), 0.0, input * log1p(other))


def entr(input):  # noqa: A002
    """``torch.special.entr``: -x log x elementwise (0 at 0, -inf below 0)."""
    from .ops.compare import where
    return where(input < 0, float("-inf"), where(input == 0, 0.0, -xlogy(input, input)))


def ndtr(input):  # noqa: A002
    """``torch.special.ndtr``: the standard normal's cumulative distribution, erfc(-x / sqrt 2) / 2."""
    return erfc(-input * (1 / math.sqrt(2))) * 0.5


def log_ndtr(input):  # noqa: A002
    """``torch.special.log_ndtr``: log of ``ndtr``, from erfc far in the left tail."""
    return (erfc(-input * (1 / math.sqrt(2))) * 0.5).log()

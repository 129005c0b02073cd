"""In-place random fills, as PyTorch's: ``bernoulli_``, ``exponential_``, ``geometric_``, ``log_normal_``,
``cauchy_``, ``random_``. Draws come from minigrad's generator (numpy's laws, PyTorch's parameters), are made on
the host and written into the tensor's storage (on its device); like ``uniform_``, they are not recorded."""
import numpy as np

from ..random import resolve
from .inplace import _check_inplace

__all__ = ["bernoulli_", "exponential_", "geometric_", "log_normal_", "cauchy_", "random_"]


def _fill(x, op, draw, generator, floating_only=True):
    from ..autograd import no_grad
    _check_inplace(x)
    if floating_only and x.dtype.kind != "f":
        raise RuntimeError(f"{op} expects a floating point tensor, got {x.dtype}")
    values = np.asarray(draw(resolve(generator), tuple(x.shape))).astype(x.dtype)
    with no_grad():
        x.array = x.backend.copy_(x.array, x.backend.from_numpy(np.ascontiguousarray(values)))
    x._bump_version()
    return x


def bernoulli_(x, p=0.5, *, generator=None):
    """``Tensor.bernoulli_(p)``: 1 with probability p (a number or a tensor broadcast to x), else 0."""
    chance = p.detach().cpu().numpy() if hasattr(p, "detach") else p
    return _fill(x, "bernoulli_", lambda g, shape: g.random(shape) < np.broadcast_to(chance, shape), generator,
                 floating_only=False)


def exponential_(x, lambd=1.0, *, generator=None):
    """``Tensor.exponential_(lambd)``: exponential draws of rate ``lambd``."""
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill(x, "exponential_", lambda g, shape: g.exponential(1.0 / lambd, shape), generator)


def geometric_(x, p, *, generator=None):
    """``Tensor.geometric_(p)``: the number of Bernoulli(p) trials to the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(x, "geometric_", lambda g, shape: g.geometric(p, shape), generator, floating_only=False)


def log_normal_(x, mean=1.0, std=2.0, *, generator=None):
    """``Tensor.log_normal_(mean, std)``: exp of normal draws with that mean and std."""
    if std <= 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(x, "log_normal_", lambda g, shape: g.lognormal(mean, std, shape), generator)


def cauchy_(x, median=0.0, sigma=1.0, *, generator=None):
    """``Tensor.cauchy_(median, sigma)``: Cauchy draws."""
    return _fill(x, "cauchy_", lambda g, shape: median + sigma * g.standard_cauchy(shape), generator)


def random_(x, from_=0, to=None, *, generator=None):
    """``Tensor.random_(from, to)``: integers uniform in [from, to) (``random_(to)``: [0, to)); without bounds,
    [0, 2^mantissa] for floats and [0, max] for integers, as PyTorch."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        to = (2 ** (np.finfo(x.dtype).nmant + 1) + 1) if x.dtype.kind == "f" else \
            (2 if x.dtype == np.dtype(bool) else int(np.iinfo(x.dtype).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _fill(x, "random_", lambda g, shape: g.integers(from_, to, shape), generator, floating_only=False)


METHODS = {name: globals()[name] for name in __all__}

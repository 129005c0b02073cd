"""In-place random fills, as PyTorch's: ``uniform_``, ``normal_``, ``bernoulli_``, ``random_``, ``exponential_``,
``geometric_``, ``log_normal_``, ``cauchy_``, each PyTorch's numbers for the same seed (``minigrad.sampling``).
The values are made on the host, in the order of the tensor's memory as PyTorch's TensorIterator walks it, and
written into its storage (on its device); they are not recorded in the graph."""
import numpy as np

from .. import sampling
from ..random import torch_generator
from .complex_numbers import real_pairs
from .inplace import _check_inplace

__all__ = ["uniform_", "normal_", "bernoulli_", "random_", "exponential_", "geometric_", "log_normal_", "cauchy_"]


def memory_order_axes(x):
    """x's axes from the largest stride to the smallest: the order in which a C-order walk follows its memory."""
    strides = x.stride()
    return sorted(range(x.ndim), key=lambda axis: -abs(strides[axis]))


def empty_like_layout(x):
    """An uninitialised tensor like x with x's memory order, as ``torch.empty_like`` keeps the strides of a dense
    tensor (a random fill then walks it in the same order): the axes permuted into memory order, made, and
    permuted back (a view). A tensor with gaps or overlaps (an expanded one) gets a contiguous one."""
    from ..creation import empty
    from ..memory_format import strides_follow
    axes = memory_order_axes(x)
    if not strides_follow(x.array, axes):
        return empty(*x.shape, dtype=x.dtype, device=x.device)
    return empty(*[x.shape[a] for a in axes], dtype=x.dtype, device=x.device).permute(*np.argsort(axes).tolist())


def _write(x, op, values, floating_only=True):
    """Write the flat ``values``, given in x's memory order, into x."""
    from ..autograd import no_grad
    _check_inplace(x)
    if floating_only and x.dtype.kind != "f":
        raise RuntimeError(f"{op} expects a floating point tensor, got {x.dtype}")
    axes = memory_order_axes(x)
    arranged = np.asarray(values).reshape([x.shape[axis] for axis in axes]).transpose(np.argsort(axes))
    with no_grad():
        x.array = x.backend.copy_(x.array, x.backend.from_numpy(np.array(arranged, dtype=x.dtype, order="C")))
    x._bump_version()
    return x


def _as_pairs(x):
    """A complex tensor's memory as a real tensor of (real, imag) pairs: PyTorch fills complex tensors through
    ``view_as_real``."""
    from ..tensor import Tensor
    _check_inplace(x)
    x._bump_version()
    return Tensor._wrap(real_pairs(x.array), x.device)


def uniform_(x, a=0.0, b=1.0, generator=None):
    """``torch.Tensor.uniform_(from, to)``: uniform samples in [a, b), PyTorch's for the same seed (both parts of
    a complex tensor's)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    if x.dtype.kind == "c":
        uniform_(_as_pairs(x), a, b, generator)
        return x
    values = sampling.uniform_values(torch_generator(generator), x.numel(), x.dtype, float(a), float(b))
    return _write(x, "uniform_", values)


def normal_(x, mean=0.0, std=1.0, generator=None):
    """``torch.Tensor.normal_(mean, std)``: normal samples, PyTorch's for the same seed (a complex tensor's parts
    each with variance std^2 / 2)."""
    if std < 0:
        raise RuntimeError(f"normal_ expects std >= 0.0, but found std {std}")
    if x.dtype.kind == "c":
        normal_(_as_pairs(x), mean, std / 2 ** 0.5, generator)
        return x
    if x.dtype.kind != "f":
        raise RuntimeError(f"normal_: expected a floating point tensor, got {x.dtype}")
    values = sampling.normal_values(torch_generator(generator), tuple(x.shape), x.dtype, float(mean), float(std),
                                    contiguous=x.is_contiguous())
    return _write(x, "normal_", values)


def bernoulli_(x, p=0.5, *, generator=None):
    """``Tensor.bernoulli_(p)``: 1 with probability p (a number or a tensor broadcast to x), else 0; PyTorch's
    draws for the same seed."""
    if hasattr(p, "detach"):
        chance = np.broadcast_to(p.detach().cpu().numpy(), tuple(x.shape)).transpose(memory_order_axes(x))
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        chance = np.full(x.numel(), float(p))
    return _write(x, "bernoulli_", sampling.bernoulli_values(torch_generator(generator), chance),
                  floating_only=False)


def random_(x, from_=0, to=None, *, generator=None):
    """``Tensor.random_(from, to)``: integers uniform in [from, to) (``random_(to)``: [0, to)); without bounds,
    [0, 2^mantissa] for floats and [0, max] for integers. PyTorch's draws for the same seed."""
    generator = torch_generator(generator)
    if to is None and from_ == 0:
        return _write(x, "random_", sampling.unbounded_integer_values(generator, x.numel(), x.dtype),
                      floating_only=False)
    if to is None:
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _write(x, "random_", sampling.integer_values(generator, x.numel(), from_, to), floating_only=False)


def exponential_(x, lambd=1.0, *, generator=None):
    """``Tensor.exponential_(lambd)``: exponential draws of rate ``lambd``, PyTorch's for the same seed."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _write(x, "exponential_", sampling.exponential_values(torch_generator(generator), x.numel(), lambd))


def geometric_(x, p, *, generator=None):
    """``Tensor.geometric_(p)``: the number of Bernoulli(p) trials to the first success (1, 2, ...), PyTorch's
    draws for the same seed."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _write(x, "geometric_", sampling.geometric_values(torch_generator(generator), x.numel(), p),
                  floating_only=False)


def log_normal_(x, mean=1.0, std=2.0, *, generator=None):
    """``Tensor.log_normal_(mean, std)``: exp of normal draws with that mean and std, PyTorch's for the same
    seed."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _write(x, "log_normal_", sampling.log_normal_values(torch_generator(generator), x.numel(), mean, std))


def cauchy_(x, median=0.0, sigma=1.0, *, generator=None):
    """``Tensor.cauchy_(median, sigma)``: Cauchy draws, PyTorch's for the same seed."""
    return _write(x, "cauchy_", sampling.cauchy_values(torch_generator(generator), x.numel(), median, sigma))


METHODS = {name: globals()[name] for name in __all__}

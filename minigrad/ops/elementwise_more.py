"""Elementwise ops of two tensors beyond arithmetic, as PyTorch's: fmod, fmax, fmin, float_power, gcd, lcm,
isin, dist; and ``torch.normal``'s draws."""
import numpy as np

from ..creation import empty as creation_empty, randn, tensor
from ..tensor import Tensor, _is_floating, default_float, float64
from .compare import where
from .elementwise import _Binary, _check_broadcast, _operands
from .vector_norm import norm

__all__ = ["fmod", "fmax", "fmin", "float_power", "gcd", "lcm", "isin", "dist", "normal"]


class Fmod(_Binary):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        if self.needs_input_grad[1]:
            self.save_for_backward(a, b)
        return self.B.fmod(a, b)

    def backward(self, g):
        """d/da = 1, d/db = -trunc(a / b), as PyTorch."""
        B = self.B
        gb = None
        if self.needs_input_grad[1]:
            a, b = self.saved
            gb = B.neg(B.mul(g, B.trunc(B.div(a, b))))
        return self._reduce((g if self.needs_input_grad[0] else None, gb), self.shapes)


def fmod(input, other):  # noqa: A002
    """``torch.fmod``: C's remainder of the division, with the dividend's sign (``remainder`` takes the
    divisor's); integers divided by zero raise, as PyTorch."""
    from .integer import _check_zero_divisor, remainder
    a, b = _operands(input, other)
    _check_broadcast(a, b)
    if not _is_floating(a.dtype):
        _check_zero_divisor("fmod", b)
        rest = remainder(a, b)
        return where((rest != 0) & ((rest < 0) != (a < 0)), rest - b, rest)
    return Fmod.apply(a, b)


def fmax(input, other):  # noqa: A002
    """``torch.fmax``: the larger of the two, ignoring a NaN (NaN only where both are); ties give the gradient
    to input, as PyTorch."""
    a, b = _operands(input, other)
    return where((a >= b) | b.isnan(), a, b)


def fmin(input, other):  # noqa: A002
    """``torch.fmin``: the smaller of the two, ignoring a NaN."""
    a, b = _operands(input, other)
    return where((a <= b) | b.isnan(), a, b)


def float_power(input, exponent):  # noqa: A002
    """``torch.float_power``: input ** exponent in float64."""
    base = input.to(float64) if isinstance(input, Tensor) else input
    power = exponent.to(float64) if isinstance(exponent, Tensor) else float(exponent)
    if not isinstance(base, Tensor):
        base = tensor(float(base), dtype=float64, device=power.device)
    return base ** power


def _integer_pair(name, function, input, other):  # noqa: A002
    a, b = _operands(input, other)
    if _is_floating(a.dtype):
        raise RuntimeError(f'"{name}_cpu" not implemented for \'{a.dtype}\'')
    return tensor(function(a.cpu().numpy(), b.cpu().numpy()), device=a.device)


def gcd(input, other):  # noqa: A002
    """``torch.gcd``: the greatest common divisor of integers (non-negative)."""
    return _integer_pair("gcd", np.gcd, input, other)


def lcm(input, other):  # noqa: A002
    """``torch.lcm``: the least common multiple of integers (non-negative)."""
    return _integer_pair("lcm", np.lcm, input, other)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """``torch.isin``: a bool tensor, true where an element is among ``test_elements``."""
    values = elements.cpu().numpy() if isinstance(elements, Tensor) else np.asarray(elements)
    tests = test_elements.cpu().numpy() if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    device = elements.device if isinstance(elements, Tensor) else test_elements.device
    return tensor(np.isin(values, tests, invert=invert), device=device)


def dist(input, other, p=2):  # noqa: A002
    """``torch.dist``: the p-norm of input - other."""
    return norm(input - other, p)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None):
    """``torch.normal``: normal draws with the given means and standard deviations (tensors broadcast, or numbers
    with ``size``), PyTorch's draws for the same seed; not differentiable, as PyTorch's."""
    ref = mean if isinstance(mean, Tensor) else (std if isinstance(std, Tensor) else None)
    if ref is None:
        if size is None:
            raise TypeError("normal(): with a float mean and std, size is required")
        empty = creation_empty(tuple(size), dtype=dtype or default_float(), device=device or "cpu")
        return empty.normal_(mean, std, generator=generator)  # (one fused multiply-add per draw, as PyTorch's)
    shape = np.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
    noise = randn(*shape, dtype=ref.dtype, device=ref.device, generator=generator)  # times std, plus mean
    mean = mean.detach() if isinstance(mean, Tensor) else mean
    std = std.detach() if isinstance(std, Tensor) else std
    return (noise * std + mean).detach()


METHODS = {"fmod": fmod, "fmax": fmax, "fmin": fmin, "float_power": float_power, "gcd": gcd, "lcm": lcm,
           "dist": dist}

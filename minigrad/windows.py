"""Window functions for spectral analysis, as ``torch.hann_window``, ``hamming_window``, ``blackman_window``,
``bartlett_window`` and ``kaiser_window``: PyTorch's formulas, step by step in the tensor's dtype as PyTorch
evaluates them (each cosine computed in float64 and rounded; in float32 that gives PyTorch's bits for about 97%
of the points, its vectorized cosine differing by an ulp for the rest); Kaiser's Bessel function in float64,
rounded once (PyTorch's float32 one evaluates it in float32: the two differ by up to 1.1e-6).
``periodic=True`` (the default) gives the first N of an N+1-point symmetric window, the form a short-time
Fourier transform wants."""
import math

import numpy as np

from .creation import tensor
from .tensor import default_float

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _window(name, window_length, periodic, dtype, device, requires_grad, values):
    """The window's tensor; ``values(points)`` gives a symmetric window of that many points (at least 2)."""
    dtype = np.dtype(dtype or default_float())
    if dtype.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        window = np.ones(window_length, dtype)
    else:
        points = window_length + 1 if periodic else window_length
        window = values(points, dtype.type)[:window_length]
    return tensor(window.astype(dtype), dtype=dtype, device=device or "cpu", requires_grad=requires_grad)


def _ramp(points, step, real):
    """0, step, 2 step, ... in the dtype ``real`` (the step rounded to it first, as PyTorch's scalar)."""
    return np.arange(points, dtype=real) * real(step)


def _cos(x):
    return np.cos(x.astype(np.float64)).astype(x.dtype)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """``torch.hamming_window``: alpha - beta cos(2 pi n / (N - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda points, real: _cos(_ramp(points, 2 * math.pi / (points - 1), real)) * real(-beta)
                   + real(alpha))


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """``torch.hann_window``: the Hamming window with alpha = beta = 1/2."""
    return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype, device=device,
                          requires_grad=requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """``torch.blackman_window``: 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))."""
    def values(points, real):
        phase = _ramp(points, math.pi / (points - 1), real)
        return _cos(phase * real(4)) * real(0.08) - _cos(phase * real(2)) * real(0.5) + real(0.42)
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, values)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """``torch.bartlett_window``: the triangle 1 - |2n / (N - 1) - 1|."""
    def values(points, real):
        ramp = _ramp(points, 2.0 / (points - 1), real)
        first_half = (points - 1) // 2 + 1
        ramp[first_half:] = real(2) - ramp[first_half:]
        return ramp
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, values)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """``torch.kaiser_window``: I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta), a = (N - 1) / 2."""
    def values(points, real):
        center = (points - 1) / 2.0
        return np.i0(beta * np.sqrt(np.abs(1 - ((np.arange(points) - center) / center) ** 2))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, values)

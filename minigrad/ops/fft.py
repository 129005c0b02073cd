"""Discrete Fourier transforms as differentiable ops: the three kinds PyTorch builds its ``torch.fft`` on.

- ``C2C``: complex to complex (``fft``, ``ifft`` and their n-dimensional forms);
- ``R2C``: real to the non-redundant half of the spectrum (``rfft``): the last transformed dim keeps n//2 + 1;
- ``C2R``: that half back to a real signal of a given length (``irfft``).

A transform is linear, so its gradient is its adjoint. The adjoint of a DFT is the other direction's unscaled
transform, so each backward is the opposite transform with the dual scaling ("backward" <-> "forward", "ortho" to
itself). R2C's adjoint pads the half spectrum with zeros and keeps the real part; C2R's is the half spectrum of the
gradient with the entries that stand for two (all but the first and, for an even length, the last) counted twice,
as PyTorch's fft_r2c_backward and fft_c2r_backward. numpy's pocketfft computes the transforms (float32 in
float32: PyTorch's CPU build uses MKL, whose last bits differ; README "Complex numbers and FFT").
"""
import numpy as np

from ..autograd import Function
from .complex_numbers import complex_dtype, real_dtype

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


class C2C(Function):
    """``np.fft.fftn``/``ifftn`` over ``axes`` with ``norm``; backward: the other direction, dual norm."""

    supports_complex = True

    def forward(self, a, axes, norm, inverse):
        self.axes, self.norm, self.inverse = axes, norm, inverse
        transform = np.fft.ifftn if inverse else np.fft.fftn
        return transform(a, axes=axes, norm=norm).astype(a.dtype, copy=False)

    def backward(self, g):
        transform = np.fft.fftn if self.inverse else np.fft.ifftn
        return transform(g, axes=self.axes, norm=_DUAL[self.norm]).astype(g.dtype, copy=False)


class R2C(Function):
    """``np.fft.rfftn`` of a real array over ``axes`` (the last one halved)."""

    def forward(self, a, axes, norm):
        self.axes, self.norm, self.shape = axes, norm, a.shape
        return np.fft.rfftn(a, axes=axes, norm=norm).astype(complex_dtype(a.dtype), copy=False)

    def backward(self, g):
        last = self.axes[-1]
        padding = [(0, 0)] * g.ndim
        padding[last] = (0, self.shape[last] - g.shape[last])
        full = np.pad(g, padding)
        return np.fft.ifftn(full, axes=self.axes, norm=_DUAL[self.norm]).real.astype(real_dtype(g.dtype))


class C2R(Function):
    """``np.fft.irfftn`` over ``axes``: the last one's half spectrum to ``last_size`` real values (the input
    already holds last_size // 2 + 1 entries there)."""

    supports_complex = True

    def forward(self, a, axes, norm, last_size):
        self.axes, self.norm = axes, norm
        sizes = [a.shape[axis] for axis in axes[:-1]] + [last_size]
        return np.fft.irfftn(a, s=sizes, axes=axes, norm=norm).astype(real_dtype(a.dtype), copy=False)

    def backward(self, g):
        last = self.axes[-1]
        half = np.fft.rfftn(g, axes=self.axes, norm=_DUAL[self.norm]).astype(complex_dtype(g.dtype))
        twice = g.shape[last] - half.shape[last]
        if twice > 0:
            index = [slice(None)] * half.ndim
            index[last] = slice(1, 1 + twice)
            half[tuple(index)] *= 2
        return half

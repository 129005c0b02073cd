"""Stride-1 convolution as kh*kw accumulated GEMMs over shifted windows of one zero-bordered buffer: no im2col.

A chunk's samples are stacked, channel-major, in a buffer ``band`` of shape (C, length): rows of pitch
Wp = W + max(left, right), samples S = H + max(top, bottom) rows apart, zeros around and between the images
(a row's right border is the next row's left one, a sample's bottom border the next sample's top one). Output
pixel (k, y, x) is computed at flat index q = (k*S + y)*Wp + x and reads tap (i, j) at band index
q + i*dh*Wp + j*dw. For one tap, the products over every output pixel of the chunk are therefore one GEMM,

    out[:, q] += weight[:, :, i, j] @ band[:, q + i*dh*Wp + j*dw]       (C_out x C) @ (C x L)

where the band's shifted window is a strided view: kh*kw GEMMs with beta = 1 (``blas.gemm``) sum the
convolution. The outputs at junk places (q past a row's Wo, rows between samples) are dropped by
``narrow_rows``, which also adds the bias. Against im2col: no columns kh*kw times the input's size are
written and read back (measured forward passes, 3x3: 1x64x256x256 to 64 channels 37.8 -> 34.8 ms, 1x128x256x256
to 64 103.6 -> 68.1 ms; benchmarks/README.md).
"""
import numpy as np

from .blas import gemm, has_gemm
from .conv_layout_kernels import narrow_rows

# A chunk's band and result stay below this size; a larger single sample takes the im2col path.
SHIFTED_MAX_BYTES = 64 * 2 ** 20


class ShiftedLayout:
    """Where a stride-1, single-group convolution puts its samples in the band, and how many per chunk.

    ``samples`` is 0 when this layout cannot compute it: no BLAS GEMM for the dtype, a negative padding, a
    border wider than the kernel reaches (its output rows would see only zeros), or a sample too large."""

    def __init__(self, input_shape, weight_shape, padding, dilation, out_size, dtype):
        self.N, self.C, self.H, self.W = input_shape
        self.Cout, _, self.kh, self.kw = weight_shape
        (self.top, self.left), (self.dh, self.dw), (self.Ho, self.Wo) = padding, dilation, out_size
        reach_h, reach_w = self.dh * (self.kh - 1), self.dw * (self.kw - 1)
        bottom, right = self.Ho + reach_h - self.top - self.H, self.Wo + reach_w - self.left - self.W
        self.Wp, self.S = self.W + max(self.left, right), self.H + max(self.top, bottom)
        self.samples = 0
        if has_gemm(dtype) and min(self.top, self.left, bottom, right) >= 0 and \
                min(self.top, bottom) <= reach_h and min(self.left, right) <= reach_w:
            itemsize = np.dtype(dtype).itemsize
            per_sample = (self.C + self.Cout) * self.S * self.Wp * itemsize  # band rows and GEMM result
            fixed = self.C * self.band_length(0) * itemsize  # the band's borders before and after
            self.samples = max(0, min(self.N, (SHIFTED_MAX_BYTES - fixed) // max(per_sample, 1)))

    def band_length(self, nk):
        """Columns of the band for nk samples: every tap of every computed output stays inside."""
        return (self.top + nk * self.S + self.dh * (self.kh - 1)) * self.Wp + self.left + self.dw * (self.kw - 1)

    def computed(self, nk):
        """How many flat output places the GEMMs compute: up to the last sample's last output row."""
        return ((nk - 1) * self.S + self.Ho) * self.Wp

    def fill_band(self, x, n0, nk, band):
        """band[c, :] = samples n0..n0+nk of x placed in their zero borders."""
        start = self.top * self.Wp + self.left
        end = start + nk * self.S * self.Wp
        band[:, :start] = 0
        band[:, end:] = 0
        body = band[:, start:end].reshape(self.C, nk, self.S, self.Wp)
        body[:, :, :self.H, :self.W] = x[n0:n0 + nk].transpose(1, 0, 2, 3)
        body[:, :, :self.H, self.W:] = 0
        body[:, :, self.H:] = 0
        return band


def conv2d_shifted(x, weight, layout, shifts, out, workspace):
    """out (N, C_out, Ho, Wo) = the stride-1 convolution of x (as ``torch.conv2d`` with groups=1) plus
    shifts[c_out], computed as described above, ``layout.samples`` samples per chunk. ``workspace(slot, shape,
    dtype)`` lends the scratch arrays."""
    s = layout
    if s.samples < 1 or tuple(x.shape) != (s.N, s.C, s.H, s.W) or tuple(out.shape) != (s.N, s.Cout, s.Ho, s.Wo):
        raise ValueError("conv2d_shifted: the layout does not fit these arrays")
    taps = np.ascontiguousarray(weight.transpose(2, 3, 0, 1))  # (kh, kw, C_out, C): each tap's matrix contiguous
    for n0 in range(0, s.N, s.samples):
        nk = min(s.samples, s.N - n0)
        band = s.fill_band(x, n0, nk, workspace("shifted_band", (s.C, s.band_length(nk)), x.dtype))
        rows = workspace("shifted_out", (s.Cout, nk * s.S * s.Wp), x.dtype)
        L = s.computed(nk)
        for i in range(s.kh):
            for j in range(s.kw):
                shift = i * s.dh * s.Wp + j * s.dw
                gemm(taps[i, j], band[:, shift:shift + L], rows[:, :L], 0.0 if i == j == 0 else 1.0)
        narrow_rows(rows.reshape(s.Cout, nk, s.S * s.Wp), True, s.Wp, n0, 0, s.Ho, shifts, out)
    return out

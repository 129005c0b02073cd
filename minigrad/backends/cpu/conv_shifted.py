"""Stride-1 convolution as kh*kw products over shifted windows of one zero-bordered buffer: no im2col.

A chunk's samples are stacked, channel-major, in a buffer ``band`` of shape (C, length): rows of pitch
Wp = W + max(left, right), samples S = H + max(top, bottom) rows apart, zeros around and between the images
(a row's right border is the next row's left one, a sample's bottom border the next sample's top one). Output
pixel (k, y, x) reads tap (i, j) at band index q + i*dh*Wp + j*dw, q = (k*S + y)*Wp + x. For one tap, the
products over every output pixel of the chunk are therefore one matrix product with a shifted window of the band,

    out[:, q] += weight[:, :, i, j] @ band[:, q + i*dh*Wp + j*dw]       (C_out x C) @ (C x L)

and the convolution is the sum of kh*kw of them. ``conv_tile_kernels.shifted_convolution`` computes that sum in
one register-blocked kernel (as kh*kw BLAS GEMMs adding into one result it ran 1.1-1.4x slower, and more on
small images), for the output's pixels only, and writes them with the bias into the NCHW output. Against
im2col: no columns kh*kw times the input's size are written and read back.

A strided convolution reads the same band, output pixel (k, y, x) at q = (k*S + y*sh)*Wp + x*sw: its pixels are
not consecutive band places, so ``conv2d_pixel_tiles`` computes it (and stride-1 ones on rows narrower than the
row tile's vectors) with conv_pixel_tile_kernels' tile, whose lanes are output channels.
"""
import numpy as np

from .conv_pixel_tile_kernels import pixel_tile_convolution
from .conv_tile_kernels import LANES, shifted_convolution
from .conv_weight_tile_kernels import CHANNELS, fill_channel_blocks, shifted_weight_grad

# A chunk's band stays below this size; a larger single sample takes the im2col path.
SHIFTED_MAX_BYTES = 64 * 2 ** 20


class ShiftedLayout:
    """Where a single-group convolution puts its samples in the band, and how many per chunk. Stride 1 unless
    ``stride`` says otherwise (only ``conv2d_pixel_tiles`` computes strided ones).

    ``samples`` is 0 when this layout cannot compute it: not float32 or float64, a negative padding, a
    border wider than the kernel reaches (its output rows would see only zeros), or a sample too large."""

    def __init__(self, input_shape, weight_shape, padding, dilation, out_size, dtype, stride=(1, 1)):
        self.N, self.C, self.H, self.W = input_shape
        self.Cout, _, self.kh, self.kw = weight_shape
        (self.top, self.left), (self.dh, self.dw), (self.Ho, self.Wo) = padding, dilation, out_size
        self.stride = tuple(stride)
        reach_h, reach_w = self.dh * (self.kh - 1), self.dw * (self.kw - 1)
        # the zero rows and columns below and right of the input that the last output pixel's taps read (a stride
        # may skip the input's last ones: none then)
        bottom = (self.Ho - 1) * self.stride[0] + reach_h + 1 - self.top - self.H
        right = (self.Wo - 1) * self.stride[1] + reach_w + 1 - self.left - self.W
        if self.stride != (1, 1):
            bottom, right = max(0, bottom), max(0, right)
        self.Wp = self.W + max(self.left, right)
        self.S = self.H + max(self.top, bottom)
        self.samples = 0
        if np.dtype(dtype) in (np.float32, np.float64) and min(self.top, self.left, bottom, right) >= 0 and \
                min(self.top, bottom) <= reach_h and min(self.left, right) <= reach_w:
            itemsize = np.dtype(dtype).itemsize
            per_sample = self.C * self.S * self.Wp * itemsize
            fixed = self.C * self.band_length(0) * itemsize  # the band's borders before and after
            self.samples = max(0, min(self.N, (SHIFTED_MAX_BYTES - fixed) // max(per_sample, 1)))

    def band_length(self, nk):
        """Columns of the band for nk samples: the borders around them, and past the last one as far as the kernel
        reads (a last segment's LANES lanes, where its row has fewer pixels left)."""
        return (self.top + nk * self.S + self.dh * (self.kh - 1)) * self.Wp + self.left + self.dw * (self.kw - 1) \
            + LANES

    def shifts(self):
        """Each tap's offset in the band, (i, j) at i*dh*Wp + j*dw."""
        return np.array([i * self.dh * self.Wp + j * self.dw for i in range(self.kh) for j in range(self.kw)],
                        dtype=np.int64)

    def computed(self, nk):
        """How many output places are computed for nk samples: each row in whole segments of LANES pixels."""
        return nk * self.Ho * -(-self.Wo // LANES) * LANES

def conv2d_shifted(x, weight, layout, bias, out, workspace, transposed=False):
    """out (N, C_out, Ho, Wo) = the stride-1 convolution of x (as ``torch.conv2d`` with groups=1) plus bias[c_out]
    (zeros for none), computed as described above, ``layout.samples`` samples per chunk. With ``transposed``,
    ``weight`` is (C_out, C, kh, kw)'s flipped transpose, a convolution's (C, C_out, kh, kw) weight: x is then
    that convolution's output gradient and out its input gradient, C^T x (with the flipped padding in
    ``layout``). ``workspace(slot, shape, dtype)`` lends the scratch arrays."""
    s = layout
    return _in_chunks("conv2d_shifted", x, s, out, lambda part, into, shifts: shifted_convolution(
        part, s.top, s.left, s.S, s.Wp, weight, shifts, bias, into, workspace, transposed))


def conv2d_pixel_tiles(x, weight, layout, bias, out, workspace, transposed=False):
    """``conv2d_shifted``'s result, strided as ``layout.stride`` says, computed by
    ``conv_pixel_tile_kernels.pixel_tile_convolution``: its tiles' lanes are output channels, not pixels, so that
    no lane is idle on images narrower than a vector, nor on strided convolutions."""
    s = layout
    return _in_chunks("conv2d_pixel_tiles", x, s, out, lambda part, into, shifts: pixel_tile_convolution(
        part, s.top, s.left, s.S, s.Wp, s.stride, weight, shifts, bias, into, workspace, transposed))


def _in_chunks(name, x, layout, out, compute):
    """compute(x's samples, out's same samples, the taps' shifts) for each chunk of ``layout.samples`` samples;
    returns out."""
    s = layout
    if s.samples < 1 or tuple(x.shape) != (s.N, s.C, s.H, s.W) or tuple(out.shape) != (s.N, s.Cout, s.Ho, s.Wo):
        raise ValueError(f"{name}: the layout does not fit these arrays")
    shifts = s.shifts()
    for n0 in range(0, s.N, s.samples):
        compute(x[n0:n0 + s.samples], out[n0:n0 + s.samples], shifts)
    return out


def conv2d_weight_grad_shifted(x, grad_out, layout, workspace):
    """The (C_out, C, kh, kw) weight gradient of the stride-1 convolution of x (as ``torch.conv2d`` with groups=1)
    whose output gradient is grad_out: for each tap, grad_out times the band's shifted window, summed by
    ``conv_weight_tile_kernels.shifted_weight_grad`` over ``layout.samples`` samples at a time.

    With few input channels (``folds``) a block's CHANNELS lanes hold the kw column taps of each channel instead
    (lane c*kw + j: channel c moved j*dw to the left), and the kernel runs over the kh row taps only: the first
    layer of a U-Net (3 channels, 3x3) fills 9 of 16 lanes, not 3, and sums 3 taps, not 9."""
    s = layout
    if s.samples < 1 or tuple(x.shape) != (s.N, s.C, s.H, s.W) or tuple(grad_out.shape) != (s.N, s.Cout, s.Ho, s.Wo):
        raise ValueError("conv2d_weight_grad_shifted: the layout does not fit these arrays")
    folded = folds(s.C, s.kw)
    lanes, shifts = (s.C * s.kw, s.shifts()[::s.kw]) if folded else (s.C, s.shifts())
    grad_w = np.empty((s.Cout, lanes, len(shifts)), x.dtype)
    for n0 in range(0, s.N, s.samples):
        nk = min(s.samples, s.N - n0)
        blocks = workspace("shifted_blocks", (-(-lanes // CHANNELS), s.band_length(nk), CHANNELS), x.dtype)
        fill_channel_blocks(x[n0:n0 + nk], s.top, s.left, s.S, s.Wp, blocks, *((s.kw, s.dw) if folded else ()))
        shifted_weight_grad(blocks, grad_out[n0:n0 + nk], shifts, s.S, s.Wp, grad_w, accumulate=n0 > 0)
    if folded:  # (C_out, C, kw, kh) -> (C_out, C, kh, kw)
        return np.ascontiguousarray(grad_w.reshape(s.Cout, s.C, s.kw, s.kh).transpose(0, 1, 3, 2))
    return grad_w.reshape(s.Cout, s.C, s.kh, s.kw)


def folds(C, kw):
    """Whether the weight gradient puts each channel's kw column taps in the lanes of one block (see above)."""
    return 1 < C * kw <= CHANNELS and kw > 1


"""CPU convolution: im2col by Numba kernels, then SGEMMs by numpy's BLAS (outside Numba: BLAS threads itself).

Geometry, shared by every function here: ``stride``, ``padding`` (the top and
left zero border; the bottom and right ones follow from ``out_size``),
``dilation`` as (height, width) pairs, ``groups``, and ``out_size`` = (Ho, Wo),
the convolution's output size. Arrays are NCHW, weights (C_out, C_in/groups,
kh, kw), as PyTorch's; any float dtype (float32 stays float32).

The output is computed in chunks of whole samples, or of bands of output rows
of one sample, so that a chunk's columns (C_in*kh*kw, pixels) and GEMM result
fit one reused per-thread workspace of ``WORKSPACE_BYTES``: an 8x64x512x512
activation never has its 9x larger columns in memory at once. Three layouts
(see ``_Layout``): a 1x1 convolution needs no columns at all; a narrow stride-1
one uses the "flat" layout, where im2col is a contiguous copy per row; others
use the general im2col, with GEMMs reading and writing the NCHW arrays directly.

The three entry points are the three products of the convolution's matrix C: ``conv2d`` applies C,
``conv_transpose2d`` applies C^T (col2im(W.T @ grad_cols): conv2d's input gradient, and the transposed
convolution's output), and ``conv2d_weight_grad`` gives grad_out_cols @ cols.T, the gradient with respect to the
weight that C is made of. They share one implementation of the backward products (``_gradients``).

Stride-1 convolutions on large enough images sum kh*kw products over shifted windows of one padded buffer, in
one register-blocked Numba kernel (conv_shifted, conv_tile_kernels): no columns. Their weight gradients, with 16
input channels or more, or few enough to fold a row of taps into one vector, take a second one
(conv_weight_tile_kernels). Smaller 3x3 ones with few channels, where im2col's GEMMs are too skinny to run fast,
take the direct kernels of conv_direct_kernels (``conv_direct.use_direct``), also without columns. A kernel that
tiles the image (stride = kernel size > 1, as the U-Net's transposed convolutions) takes conv_patches. Strided
convolutions, and stride-1 ones on rows narrower than a vector (ResNet's 4x4 layers on CIFAR), take the same
shifted windows with output channels in the vector lanes (conv_pixel_tile_kernels, ``_pixel_tile_layout``).
Depthwise convolutions (one filter per channel) take conv_depthwise, plane by plane.
"""

import numpy as np

from ..conv_products import conv_products
from . import compile_ahead
from .conv_kernels import im2col, col2im_add
from .conv_flat_kernels import im2col_flat, col2im_flat
from .conv_layout_kernels import narrow_rows
from . import conv_direct
from .conv_direct import flipped
from .conv_shifted import ShiftedLayout, conv2d_shifted, conv2d_pixel_tiles, conv2d_weight_grad_shifted, folds
from .conv_tile_kernels import LANES, ROWS
from .conv_nonfinite import all_finite, add_nonfinite_taps
from .conv_patches import tiles, channel_major, from_channel_major, conv2d_patches, conv_transpose2d_patches, \
    weight_grad_patches
from . import conv_columns
from .conv_columns import WeightGrad, backward_pointwise, backward_columns
from .workspace import workspace as _workspace
from .conv_depthwise import is_depthwise, depthwise_conv2d, depthwise_conv_transpose2d, depthwise_weight_grad

__all__ = ["conv2d", "conv_transpose2d", "conv2d_weight_grad", "conv2d_add_bias", "conv2d_bias_grad",
           "conv_weight_finite"]

# The columns of one chunk (and its GEMM result) stay below this size; larger chunks were no faster here.
WORKSPACE_BYTES = 32 * 2 ** 20
# Stride-1 convolutions at most this wide use the flat layout: its junk columns and layout copies cost less
# than the per-row work of the general im2col on narrow rows; wider ones read and write NCHW directly.
FLAT_MAX_WIDTH = 64
# General convolutions with at least this many output pixels per sample take one sample per chunk.
DIRECT_MIN_PIXELS = 1024

# Stride-1 convolutions take the shifted products (conv_shifted) when they compute at least this many output
# places at once, and one tile's ROWS output channels or more. Measured on every U-Net layer, forward and input
# gradient, shifted against im2col or the direct kernels (ms): 4x256x8x8 to 256 channels (256 places) 1.84 against
# 2.21, 1x1024x16x16 to 1024 (256) 27.9 against 29.0, 4x128x16x16 to 128 1.76 against 1.99, 1x512x32x32 to 512
# 23.4 against 25.9; on examples/train_unet.py's 4x4 bottleneck (8x128x4x4 to 256, 128 places) 1.12 against 1.07,
# where taking it spares the first run compiling im2col before the first step's forward pass ends (1.6 s). Below,
# too few tiles are left to share out. With fewer channels most of a tile's rows would be zeros.
SHIFTED_MIN_COLUMNS = 128

# Strided convolutions, and stride-1 ones on rows narrower than LANES, take the pixel tiles (conv_pixel_tile_kernels)
# from this many output pixels on: measured (ms, forward) 32x512x4x4 to 512 channels 22.5 -> 12.4, 32x64x32x32 to
# 128 with stride 2 13.9 -> 8.6. Fewer pixels keep the paths they took before: examples/train_unet.py's 4x4
# bottleneck (8 samples, 128 pixels) would otherwise compile one more kernel before its first step ends.
PIXEL_TILE_MIN_PIXELS = 512

# Weight gradients of stride-1 convolutions with at least this many input channels (one block of the kernel's
# lanes) take the shifted products (conv_weight_tile_kernels), as do those with few enough to fold (3 channels of
# a 3x3 kernel: 9 lanes). Measured against the paths they replaced, in one process alternated with PyTorch's
# (ms): 4x16x128x128 to 16 channels 2.14 against the direct kernel's 2.49 (PyTorch 2.24), 4x64x32x32 to 64 1.62
# against 2.00 (1.73), 4x256x16x16 to 128 3.06 against im2col's 4.80 (3.17); the small U-Net's 14 shapes 26.8
# against 34.2 (27.6), the full one's 373 against 443 (425).
WEIGHT_SHIFTED_MIN_CHANNELS = 16

def _chunks(N, Ho, row_columns, column_bytes, max_samples):
    """Split the output into (n0, nk, y0, R) chunks whose columns (row_columns per output row) fit the workspace:
    up to max_samples whole samples, or bands of R output rows of one sample."""
    most = max(WORKSPACE_BYTES // max(column_bytes, 1), row_columns)
    if Ho * row_columns <= most:
        step = max(1, min(N, max_samples, most // (Ho * row_columns)))
        for n0 in range(0, N, step):
            yield n0, min(step, N - n0), 0, Ho
        return
    rows = max(1, most // row_columns)
    for n in range(N):
        for y0 in range(0, Ho, rows):
            yield n, 1, y0, min(rows, Ho - y0)


class _Layout:
    """Shapes of one convolution, and which of the three ways computes it.

    pointwise: a 1x1 stride-1 unpadded convolution, one GEMM per sample on the NCHW planes, no im2col.
    flat: a narrow stride-1 convolution, rows computed over the padded width (conv_flat_kernels).
    general: any other, with per-pixel bounds in im2col and col2im (conv_kernels). A chunk of one sample
    has its GEMMs read and write the NCHW arrays directly.
    """

    def __init__(self, input_shape, weight_shape, stride, padding, dilation, groups, out_size, exact=False):
        self.input_shape = tuple(input_shape)
        self.N, self.C, self.H, self.W = input_shape
        self.Cout, self.Cg, self.kh, self.kw = weight_shape
        (self.sh, self.sw), (self.ph, self.pw), (self.dh, self.dw) = stride, padding, dilation
        self.Ho, self.Wo = out_size
        self.groups, self.coutg, self.rows_g = groups, self.Cout // groups, self.Cg * self.kh * self.kw
        self.K = self.C * self.kh * self.kw
        if stride == (1, 1) and (self.kh, self.kw) == (1, 1) and (self.ph, self.pw) == (0, 0):
            self.kind = "pointwise"
        elif stride == (1, 1) and self.Wo <= FLAT_MAX_WIDTH and not exact:
            # (exact: the flat layout's junk columns would turn an inf or NaN into extra NaNs of a gradient)
            self.kind = "flat"
        else:
            self.kind = "general"
        self.Wp = self.Wo + self.dw * (self.kw - 1) if self.kind == "flat" else self.Wo  # columns per output row

    def geometry(self):
        return self.kh, self.kw, self.sh, self.sw, self.ph, self.pw, self.dh, self.dw, self.Wo

    def chunks(self, itemsize):
        # A general chunk of one sample needs no layout copies; samples are grouped only when they are small,
        # so that the GEMMs are not too narrow.
        one = self.kind == "general" and self.Ho * self.Wo >= DIRECT_MIN_PIXELS
        # per column: K entries of the columns, C_out of the GEMM's wide result
        return _chunks(self.N, self.Ho, self.Wp, (self.K + self.Cout) * itemsize, 1 if one else self.N)

    def band_shape(self, nk, R):
        return nk, self.C, R + self.dh * (self.kh - 1) + 1, self.Wp

    def fill_columns(self, x, n0, nk, y0, R, dtype):
        """The chunk's columns (K, nk*R*Wp) in the workspace."""
        cols = _workspace("cols", (self.K, nk * R * self.Wp), dtype)
        if self.kind == "flat":
            band = _workspace("band", self.band_shape(nk, R), dtype)
            return im2col_flat(x, n0, y0 - self.ph, self.pw, self.kh, self.kw, self.dh, self.dw, band, cols)
        return im2col(x, n0, nk, y0, R, *self.geometry(), cols)

    def add_columns_to(self, cols, n0, nk, y0, R, out, accumulate):
        """col2im of the chunk's columns onto out (already zeroed where ``accumulate``)."""
        if self.kind == "flat":
            band = _workspace("band", self.band_shape(nk, R), cols.dtype)
            col2im_flat(cols, self.kh, self.kw, self.dh, self.dw, band, n0, y0 - self.ph, self.pw, out, accumulate)
        else:
            col2im_add(cols, n0, nk, y0, R, *self.geometry(), out)

    def direct(self, nk):
        """Whether a chunk's GEMMs use the NCHW arrays themselves (no wide/narrow copies)."""
        return self.kind == "general" and nk == 1

    def band_of(self, planes, n0, y0, R):
        """The (C, R*Wo) view of rows y0..y0+R of sample n0 in an (N, C, Ho*Wo) array."""
        return planes[n0, :, y0 * self.Wo:(y0 + R) * self.Wo]

    def group_rows(self, g):
        return slice(g * self.rows_g, (g + 1) * self.rows_g)

    def group_channels(self, g):
        return slice(g * self.coutg, (g + 1) * self.coutg)


def _layout(input_shape, weight, stride, padding, dilation, groups, out_size, exact=False):
    return _Layout(tuple(input_shape), tuple(weight.shape), tuple(stride), tuple(padding), tuple(dilation), groups,
                   tuple(out_size), exact)


def conv_weight_finite(weight):
    """Whether a convolution's weight holds no inf or NaN (see conv_nonfinite). An op checks once in its forward
    pass and passes the answer to the backward products: the saved weight cannot change in between (autograd's
    version counter), and the check read every weight twice per step (0.6 ms of the small U-Net's step, 5 ms of
    the full one's)."""
    return all_finite(weight)


def _known_or_checked(weight, weight_finite):
    """``weight_finite`` when the caller knows it, else whether the weight holds no inf or NaN."""
    return all_finite(weight) if weight_finite is None else weight_finite


def conv2d(x, weight, bias, stride, padding, dilation, groups, out_size, weight_finite=None):
    """The (N, C_out, Ho, Wo) output of a 2-D convolution (cross-correlation, as ``torch.conv2d``);
    ``weight_finite`` as ``conv_transpose2d``'s."""
    compile_ahead.start_once()  # the first convolution of a process: a network is about to run
    x, weight = np.ascontiguousarray(x), np.ascontiguousarray(weight)
    s = _layout(x.shape, weight, stride, padding, dilation, groups, out_size)
    if s.N == 0:  # an empty batch: an empty output, as PyTorch
        return np.zeros((0, s.Cout, s.Ho, s.Wo), dtype=x.dtype)
    full = _full_output_size(s)
    if full != (s.Ho, s.Wo):
        # fewer output places than the input gives in a stride-1 dim (a transposed convolution's input gradient,
        # when its output_padding added rows): the whole output, then its first rows and columns
        whole = conv2d(x, weight, bias, stride, padding, dilation, groups, full, weight_finite)
        return np.ascontiguousarray(whole[:, :, :s.Ho, :s.Wo])
    if not _known_or_checked(weight, weight_finite):
        # see conv_nonfinite: no inf or NaN weight may meet a padding zero
        out = conv2d(x, np.where(np.isfinite(weight), weight, 0), bias, stride, padding, dilation, groups, out_size,
                     True)
        return add_nonfinite_taps(x, weight, stride, padding, dilation, groups, out)
    out = np.empty((s.N, s.Cout, s.Ho, s.Wo), dtype=x.dtype)
    if is_depthwise(s):
        out = depthwise_conv2d(s, x, weight, out, _workspace)
        return out if bias is None else conv2d_add_bias(out, bias)
    if tiles(s, x.itemsize):
        out = conv2d_patches(x, weight, out, _workspace)
        return out if bias is None else conv2d_add_bias(out, bias)
    channel_bias = np.zeros(s.Cout, dtype=x.dtype) if bias is None else np.ascontiguousarray(bias, dtype=x.dtype)
    pixel_tiled = _pixel_tile_layout(s, x.dtype)
    if pixel_tiled is not None:
        return conv2d_pixel_tiles(x, weight, pixel_tiled, channel_bias, out, _workspace)
    shifted = _shifted_layout(s, x.dtype)
    if shifted is not None:
        return conv2d_shifted(x, weight, shifted, channel_bias, out, _workspace)
    if conv_direct.use_direct(s):
        return conv_direct.direct_conv(x, weight, s.ph, s.pw, channel_bias, out, _workspace)
    w = weight.reshape(s.groups, s.coutg, s.rows_g)
    if s.kind == "pointwise" and s.H * s.W == 1 and s.groups == 1:  # (N, C, 1, 1): one GEMM for the batch
        np.matmul(x.reshape(s.N, s.C), w[0].T, out=out.reshape(s.N, s.Cout))
        return out if bias is None else conv2d_add_bias(out, bias)
    if conv_columns.pointwise_folded(s):  # the batch's samples side by side: one GEMM
        columns = _workspace("cols", (s.Cout, x.size // s.C), x.dtype)
        from_channel_major(np.matmul(w[0], channel_major(x, _workspace), out=columns), out)
        return out if bias is None else conv2d_add_bias(out, bias)
    if s.kind == "pointwise":
        xs = x.reshape(s.N, s.groups, s.Cg, s.H * s.W)
        planes = out.reshape(s.N, s.groups, s.coutg, s.Ho * s.Wo)
        for n in range(s.N):
            for g in range(s.groups):
                np.matmul(w[g], xs[n, g], out=planes[n, g])
        return out if bias is None else conv2d_add_bias(out, bias)
    planes = out.reshape(s.N, s.Cout, s.Ho * s.Wo)
    for n0, nk, y0, R in s.chunks(x.itemsize):
        cols = s.fill_columns(x, n0, nk, y0, R, x.dtype)
        direct = s.direct(nk)
        target = s.band_of(planes, n0, y0, R) if direct else _workspace("wide", (s.Cout, cols.shape[1]), x.dtype)
        for g in range(s.groups):
            np.matmul(w[g], cols[s.group_rows(g)], out=target[s.group_channels(g)])
        if not direct:
            narrow_rows(target.reshape(s.Cout, nk, R * s.Wp), True, s.Wp, n0, y0, R, channel_bias, out)
        elif bias is not None:
            out[n0, :, y0:y0 + R] += channel_bias[:, None, None]
    return out


def conv2d_add_bias(out, bias):
    """out[:, c] += bias[c], in place on a fresh (N, C, H, W) output; returns out."""
    out += np.asarray(bias, dtype=out.dtype).reshape(1, -1, 1, 1)
    return out


def _gradients(grad_out, x, weight, stride, padding, dilation, groups, input_shape, need_input, need_weight,
               weight_finite=None):
    """(grad_input, grad_weight) of ``conv2d``; either is None when not needed (x may then be None)."""
    grad_out, weight = np.ascontiguousarray(grad_out), np.ascontiguousarray(weight)
    x = np.ascontiguousarray(x) if need_weight else None
    dtype = grad_out.dtype
    # An inf or NaN in x (for the weight gradient) or in the weight (for the input gradient) must reach exactly the
    # places PyTorch's gradients have it: no product with a padding zero or a junk column may make a NaN.
    nan_weight = need_input and not _known_or_checked(weight, weight_finite)
    s = _layout(input_shape, weight, stride, padding, dilation, groups, grad_out.shape[2:], nan_weight)
    if tuple(grad_out.shape[:2]) != (s.N, s.Cout) or (need_weight and tuple(x.shape) != s.input_shape) or \
            s.input_shape[1] != weight.shape[1] * groups:
        raise ValueError(f"conv2d gradients: grad_output of shape {tuple(grad_out.shape)} and input of shape "
                         f"{None if x is None else tuple(x.shape)} do not fit input shape {s.input_shape} and "
                         f"weight shape {tuple(weight.shape)}")
    if s.N == 0:  # an empty batch: zero gradients, as PyTorch
        return (np.zeros(s.input_shape, dtype) if need_input else None,
                np.zeros(weight.shape, dtype) if need_weight else None)
    full = _full_output_size(s)
    if full != (s.Ho, s.Wo):
        # A transposed convolution's output_padding with stride 1 (and dilation > 1): the windows over its extra
        # rows or columns are output places whose gradient is zero. Written out, the geometry is a plain one.
        padded = np.zeros(grad_out.shape[:2] + full, dtype)
        padded[:, :, :s.Ho, :s.Wo] = grad_out
        return _gradients(padded, x, weight, stride, padding, dilation, groups, input_shape, need_input,
                          need_weight, weight_finite)
    if is_depthwise(s) and not nan_weight:  # plane by plane, padding taps skipped: exact with inf or NaN in x
        return (depthwise_conv_transpose2d(s, grad_out, weight, _workspace) if need_input else None,
                depthwise_weight_grad(s, grad_out, x, _workspace) if need_weight else None)
    if need_weight and not need_input:
        layout = _weight_grad_shifted_layout(s, dtype)
        if layout is not None:  # grad_out times the shifted windows of x, tap by tap: no columns, no junk places,
            # so exact with inf or NaN in x (no pass over x to look for them: 1.4 ms per small U-Net step)
            return None, conv2d_weight_grad_shifted(x, grad_out, layout, _workspace)
    if tiles(s, dtype.itemsize):  # no padding: exact even with inf or NaN
        return (conv_transpose2d_patches(grad_out, weight, s.input_shape, _workspace) if need_input else None,
                weight_grad_patches(grad_out, x, weight, _workspace) if need_weight else None)
    x_finite = not need_weight or all_finite(x)
    if not x_finite and not nan_weight:
        s = _layout(input_shape, weight, stride, padding, dilation, groups, grad_out.shape[2:], True)
    w = weight.reshape(s.groups, s.coutg, s.rows_g)
    if need_input and not need_weight and not nan_weight:
        flipped_layout = _flipped_layout(s)
        for choose, compute in ((_pixel_tile_layout, conv2d_pixel_tiles), (_shifted_layout, conv2d_shifted)):
            layout = None if flipped_layout is None else choose(flipped_layout, dtype)
            if layout is not None:  # C^T grad_out as the flipped kernel's convolution, the kernel read in place
                return compute(grad_out, weight, layout, np.zeros(s.C, dtype), np.empty(s.input_shape, dtype),
                               _workspace, transposed=True), None
        if _input_grad_as_convolution(s) and not conv_direct.use_direct(s):
            # C^T grad_out as a convolution: the flipped kernel over grad_out padded by dilation*(k-1) - padding
            return conv2d(grad_out, flipped(weight), None, (1, 1), _flipped_padding(s), (s.dh, s.dw), 1,
                          (s.H, s.W)), None
        if conv_direct.use_direct(s):
            return conv_direct.direct_input_grad(s, grad_out, weight, _workspace), None
    if need_weight and not need_input and conv_direct.use_direct_weight_grad(s):
        return None, conv_direct.direct_weight_grad(s, grad_out, x, x_finite, _workspace)
    grad_w = WeightGrad(s, dtype) if need_weight else None
    if s.kind == "pointwise":
        grad_x = backward_pointwise(s, grad_out, x, w, grad_w, need_input)
    else:
        grad_x = backward_columns(s, grad_out, x, w, grad_w, need_input)
    return grad_x, (grad_w.result(weight.shape) if need_weight else None)


conv_transpose2d, conv2d_weight_grad = conv_products(_gradients)


def _full_output_size(s):
    """The output size of conv2d over the whole input in a stride-1 dim (H + 2 padding - dilation (k - 1)) when
    fewer places were asked for: what the kernels assume. Else the size asked for (a strided dim's kernels bound
    each window; padding='same' with an even kernel asks for one place more, padded on one side)."""
    return tuple(out if stride != 1 else max(out, size + 2 * pad - dil * (k - 1))
                 for size, out, stride, pad, dil, k in ((s.H, s.Ho, s.sh, s.ph, s.dh, s.kh),
                                                        (s.W, s.Wo, s.sw, s.pw, s.dw, s.kw)))


def _flippable(s):
    """Whether conv2d's input gradient (the transposed convolution) is a stride-1 convolution of the output's
    gradient with the flipped kernel: stride 1, no groups, a padding the kernel's reach covers."""
    return (s.sh, s.sw, s.groups) == (1, 1, 1) and s.kind != "pointwise" and \
        0 <= s.ph <= s.dh * (s.kh - 1) and 0 <= s.pw <= s.dw * (s.kw - 1)


def _flipped_layout(s):
    """The _Layout of the convolution that computes conv2d's input gradient with the flipped kernel, when there is
    one (``_flippable``), else None."""
    if not _flippable(s):
        return None
    return _Layout((s.N, s.Cout, s.Ho, s.Wo), (s.C, s.Cout, s.kh, s.kw), (1, 1), _flipped_padding(s), (s.dh, s.dw),
                   1, (s.H, s.W))


def _input_grad_as_convolution(s):
    """Whether conv2d's input gradient is cheaper through im2col as a convolution of the output's gradient with
    the flipped kernel: when it has fewer output than input channels, its columns have C_out*kh*kw rows instead
    of col2im's C_in*kh*kw (measured on 4x64x64: 64 -> 32 channels 7.6 ms -> 5.0 ms; 128 -> 64 at 32x32 5.0 ->
    4.0 ms; with as many channels each way the two tie)."""
    return _flippable(s) and s.Cout < s.C


def _flipped_padding(s):
    """The padding of the convolution that computes conv2d's input gradient with the flipped kernel."""
    return s.dh * (s.kh - 1) - s.ph, s.dw * (s.kw - 1) - s.pw


def _stride1_layout(s, dtype):
    """The ShiftedLayout of a stride-1, single-group convolution that is not a plain 1x1 GEMM, if it fits one (see
    ShiftedLayout.samples), else None: what both shifted kernels need."""
    if (s.sh, s.sw, s.groups) != (1, 1, 1) or s.kind == "pointwise":
        return None
    layout = ShiftedLayout(s.input_shape, (s.Cout, s.Cg, s.kh, s.kw), (s.ph, s.pw), (s.dh, s.dw), (s.Ho, s.Wo),
                           dtype)
    return layout if layout.samples >= 1 else None


def _shifted_layout(s, dtype):
    """The ShiftedLayout of this convolution when it takes the shifted products (a stride-1 layout, enough places
    and channels: see SHIFTED_MIN_COLUMNS), else None."""
    layout = _stride1_layout(s, dtype)
    if layout is None or layout.computed(layout.samples) < SHIFTED_MIN_COLUMNS or s.Cout < ROWS:
        return None
    return layout


def _pixel_tile_layout(s, dtype):
    """The ShiftedLayout of this convolution when it takes the pixel tiles (conv_pixel_tile_kernels), else None:
    a single-group convolution with PIXEL_TILE_MIN_PIXELS output pixels or more, and output channels for a tile's
    lanes, that is strided (but not tiled by its kernel: conv_patches), or stride 1 on rows narrower than the row
    tiles' LANES. Not a 1x1 kernel: with stride 2 the band would copy 4 times the pixels it reads (ResNet's
    shortcuts, 32x64x32x32 to 128 channels: 6.4-8.4 ms against im2col's 2.8-3.1)."""
    if s.groups != 1 or s.N * s.Ho * s.Wo < PIXEL_TILE_MIN_PIXELS or s.Cout < ROWS or s.kh * s.kw == 1:
        return None
    if (s.sh, s.sw) == (1, 1):
        if s.kind == "pointwise" or s.Wo >= LANES:
            return None
    elif tiles(s, np.dtype(dtype).itemsize):
        return None
    layout = ShiftedLayout(s.input_shape, (s.Cout, s.Cg, s.kh, s.kw), (s.ph, s.pw), (s.dh, s.dw), (s.Ho, s.Wo),
                           dtype, (s.sh, s.sw))
    return layout if layout.samples >= 1 else None


def _weight_grad_shifted_layout(s, dtype):
    """The ShiftedLayout of this convolution when its weight gradient takes the shifted products (a stride-1
    layout, and at least one block of input channels or few enough to fold: see WEIGHT_SHIFTED_MIN_CHANNELS),
    else None. Not on rows narrower than LANES in batches that the pixel tiles would take: the tile sums each
    sample's few pixels apart, and one GEMM over the batch's columns is faster (ResNet-18's 32x512x4x4 to 512
    channels 22.0 ms against 29.1, 128x512x4x4 89.7 against 119.6; on 8x8 images the tile is, 15.3 against 19.0)."""
    if s.C < WEIGHT_SHIFTED_MIN_CHANNELS and not folds(s.C, s.kw):
        return None
    if s.Wo < LANES and s.N * s.Ho * s.Wo >= PIXEL_TILE_MIN_PIXELS:
        return None
    return _stride1_layout(s, dtype)


def conv2d_bias_grad(grad_out):
    """The bias gradient: grad_out (N, C, H, W) summed over N, H and W (pairwise float sums)."""
    N, C = grad_out.shape[0], grad_out.shape[1]
    if grad_out.size == 0:
        return np.zeros(C, grad_out.dtype)
    return np.ascontiguousarray(grad_out).reshape(N, C, -1).sum(axis=2).sum(axis=0)

"""When and how the direct 3x3 kernels (conv_direct_kernels) compute a convolution and its gradients.

They need no columns: they suit few channels, where im2col's GEMMs are too skinny to run fast. The weight
gradient's kernel also serves more channels on large images (``use_direct_weight_grad``), where conv.py does not
take the shifted weight gradient first (6 to 15 input channels, or when the tests switch it off).
"""
import numpy as np

from .conv_direct_kernels import conv_flat, weight_grad_flat
from .conv_layout_kernels import pad_into, narrow_rows

# The direct convolution: at most this many C_in*C_out channel pairs, output rows at least this wide, and
# output pixels (per sample, at pitch Wo+2) computed in chunks of this many by one task.
DIRECT_MAX_PAIRS = 32 * 32
DIRECT_MIN_WIDTH = 8
DIRECT_CHUNK = 1024
# The direct weight gradient: also up to this many channel pairs when a sample has at least this many output
# pixels (measured: 4x64x64x64 -> 32 channels 7.4 -> 4.2 ms, 1x128x256x256 -> 64 74 -> 59 ms; with more pairs
# or smaller images the GEMMs were faster). Chunks of at least this many output pixels per task, and at most
# this many tasks, each summing into its own (C_out, C_in, 3, 3) part.
DIRECT_WEIGHT_MAX_PAIRS = 128 * 64
DIRECT_WEIGHT_MIN_PIXELS = 1024
DIRECT_WEIGHT_CHUNK = 2048
DIRECT_WEIGHT_MAX_TASKS = 64


def _direct_geometry(s):
    """3x3, stride 1, no dilation or groups, the usual paddings, rows wide enough (s: conv.py's _Layout)."""
    return ((s.kh, s.kw, s.sh, s.sw, s.dh, s.dw, s.groups) == (3, 3, 1, 1, 1, 1, 1)
            and 0 <= s.ph <= 2 and 0 <= s.pw <= 2 and s.Ho == s.H + 2 * s.ph - 2 and s.Wo == s.W + 2 * s.pw - 2
            and s.Wo >= DIRECT_MIN_WIDTH)


def use_direct(s):
    """Whether the direct kernels compute this convolution and both its gradients: few channels (measured:
    more channels make the GEMMs efficient enough)."""
    return _direct_geometry(s) and s.C * s.Cout <= DIRECT_MAX_PAIRS


def use_direct_weight_grad(s):
    """Whether the direct kernel computes the weight gradient."""
    return use_direct(s) or (_direct_geometry(s) and s.C * s.Cout <= DIRECT_WEIGHT_MAX_PAIRS
                             and s.Ho * s.Wo >= DIRECT_WEIGHT_MIN_PIXELS)


def direct_conv(x, weight, top, left, channel_bias, out, workspace):
    """out (N, C_out, Ho, Wo) = the 3x3 stride-1 convolution of x placed at (top, left) in a zero-bordered
    (Ho+2, Wo+2) plane, plus channel_bias[c_out]. ``workspace(slot, shape, dtype)`` lends the scratch arrays."""
    N, C = x.shape[:2]
    Cout, Ho, Wo = out.shape[1:]
    Wp = Wo + 2
    xp = pad_into(x, top, left, workspace("direct_in", (N, C, Ho + 2, Wp), x.dtype))
    planes = workspace("direct_out", (N, Cout, Ho * Wp), x.dtype)
    conv_flat(xp.reshape(N, C, -1), weight, Wp, DIRECT_CHUNK, planes)
    return narrow_rows(planes, False, Wp, 0, 0, Ho, channel_bias, out)


def flipped(weight):
    """The (C_in, C_out, kh, kw) weight of the transposed convolution: channel axes swapped, taps flipped."""
    return np.ascontiguousarray(weight.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])


def direct_input_grad(s, grad_out, weight, workspace):
    """conv2d's input gradient: the convolution of grad_out, padded by 2 - padding, with the flipped weight."""
    dtype = grad_out.dtype
    return direct_conv(grad_out, flipped(weight), 2 - s.ph, 2 - s.pw, np.zeros(s.C, dtype=dtype),
                       np.empty((s.N, s.C, s.H, s.W), dtype=dtype), workspace)


def direct_weight_grad(s, grad_out, x, x_finite, workspace):
    """conv2d's weight gradient by ``weight_grad_flat``: partial sums over chunks of output pixels, then added.
    Unless ``x_finite``, the sums skip the junk columns, whose taps reach real pixels at the rows' other ends
    (0 * inf would put a NaN where PyTorch has none)."""
    dtype = grad_out.dtype
    Wp = s.Wo + 2
    xp = pad_into(x, s.ph, s.pw, workspace("direct_in", (s.N, s.C, s.Ho + 2, Wp), dtype))
    gz = pad_into(grad_out, 0, 0, workspace("direct_out", (s.N, s.Cout, s.Ho, Wp), dtype))
    pixels = s.Ho * Wp - 2
    chunk = max(DIRECT_WEIGHT_CHUNK, -(-s.N * pixels // DIRECT_WEIGHT_MAX_TASKS))
    parts = workspace("direct_parts", (s.N * -(-pixels // chunk), s.Cout, s.C, 3, 3), dtype)
    weight_grad_flat(gz.reshape(s.N, s.Cout, -1), xp.reshape(s.N, s.C, -1), Wp, s.Wo, chunk, not x_finite, parts)
    with np.errstate(invalid="ignore"):  # inf - inf is NaN here as in PyTorch, without a warning
        return parts.sum(axis=0)

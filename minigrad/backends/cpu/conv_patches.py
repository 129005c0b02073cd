"""Convolutions whose kernel tiles the image: stride equal to the kernel size, no padding, dilation or groups.

The U-Net's ConvTranspose2d(2f, f, kernel_size=2, stride=2) is one: its taps never overlap, so every input
pixel meets each weight exactly once. Its columns are then just the image's pixels reordered, no larger than
the image: ``move_patches`` lays them out, (C*kh*kw, N*Ho*Wo), and puts them back.
Each of the three products is then one GEMM over the whole batch, with no chunks, bounds tests or additions
(the small U-Net's four transposed convolutions, forward and both gradients: 14.3 -> 9.3 ms; in a training
step 18.8 -> 12.9 ms; benchmarks/README.md).
No padding means no zero ever multiplies a weight: the products are exactly PyTorch's, inf and NaN included.
"""
import numpy as np
from numba import prange

from .jit import kernel

# Larger inputs take conv.py's chunked im2col, whose workspace stays bounded: here the columns are a whole copy.
PATCHES_MAX_BYTES = 256 * 2 ** 20


@kernel(parallel=True)
def move_patches(images, kh, kw, cols, to_columns):
    """Between images (N, C, H, W) and their columns: cols[(c*kh + i)*kw + j, (n*Ho + y)*Wo + v] is
    images[n, c, y*kh + i, v*kw + j], copied into cols when ``to_columns``, else back into images. One kernel
    (one compiled specialization) for both ways; one task per (sample, channel), which touches only its own."""
    N, C, H, W = images.shape
    Ho, Wo = H // kh, W // kw
    if cols.shape[0] != C * kh * kw or cols.shape[1] != N * Ho * Wo or Ho * kh != H or Wo * kw != W:
        raise ValueError("move_patches: images and cols do not fit the kernel size")
    for task in prange(N * C):
        n = task // C
        c = task - n * C
        for i in range(kh):
            for j in range(kw):
                row = cols[(c * kh + i) * kw + j, n * Ho * Wo:(n + 1) * Ho * Wo]
                for y in range(Ho):
                    pixels = images[n, c, y * kh + i, j:]
                    column = row[y * Wo:(y + 1) * Wo]
                    if to_columns:
                        for v in range(Wo):
                            column[v] = pixels[v * kw]
                    else:
                        for v in range(Wo):
                            pixels[v * kw] = column[v]


def tiles(s, itemsize):
    """Whether the convolution of layout s (conv.py's _Layout) has a kernel larger than 1x1 that tiles its input
    exactly, and columns of at most PATCHES_MAX_BYTES. (A 1x1 kernel's columns would be a copy of the input:
    conv.py's pointwise GEMMs read the planes themselves.)"""
    return ((s.sh, s.sw) == (s.kh, s.kw) and s.kh * s.kw > 1 and (s.ph, s.pw) == (0, 0) and (s.dh, s.dw) == (1, 1)
            and s.groups == 1 and (s.Ho * s.kh, s.Wo * s.kw) == (s.H, s.W)
            and s.N * s.C * s.H * s.W * itemsize <= PATCHES_MAX_BYTES)


def channel_major(images, workspace, slot="wide"):
    """(N, C, H, W) as (C, N*H*W) columns, in the workspace's ``slot`` (or the image itself for one sample)."""
    N, C = images.shape[:2]
    if N == 1:
        return images.reshape(C, -1)
    columns = workspace(slot, (C, images.size // C), images.dtype)
    columns.reshape(C, N, -1)[...] = images.reshape(N, C, -1).transpose(1, 0, 2)
    return columns


def from_channel_major(columns, out):
    """out (N, C, H, W) = columns (C, N*H*W), ``channel_major``'s inverse; returns out."""
    N, C = out.shape[:2]
    out.reshape(N, C, -1)[...] = columns.reshape(C, N, -1).transpose(1, 0, 2)
    return out


def conv2d_patches(x, weight, out, workspace):
    """out (N, C_out, Ho, Wo) = conv2d(x, weight, stride=kernel size), without bias. ``workspace(slot, shape,
    dtype)`` lends the scratch arrays (reused: fresh ones would cost their page faults at every call)."""
    kh, kw = weight.shape[2:]
    N, Cout = out.shape[:2]
    cols = workspace("cols", (weight[0].size, out.size // Cout), x.dtype)
    move_patches(x, kh, kw, cols, True)
    if N == 1:
        np.matmul(weight.reshape(Cout, -1), cols, out=out.reshape(Cout, -1))
        return out
    return from_channel_major(np.matmul(weight.reshape(Cout, -1), cols,
                                        out=workspace("wide", (Cout, out.size // Cout), x.dtype)), out)


def conv_transpose2d_patches(grad_out, weight, input_shape, workspace):
    """C^T grad_out: conv2d's input gradient (and the transposed convolution's output), of ``input_shape``."""
    kh, kw = weight.shape[2:]
    grads = channel_major(grad_out, workspace)
    cols = np.matmul(weight.reshape(weight.shape[0], -1).T, grads,
                     out=workspace("cols", (weight[0].size, grads.shape[1]), grad_out.dtype))
    grad_input = np.empty(input_shape, grad_out.dtype)
    move_patches(grad_input, kh, kw, cols, False)
    return grad_input


def weight_grad_patches(grad_out, x, weight, workspace):
    """conv2d's weight gradient: grad_out's columns times the input's patches."""
    kh, kw = weight.shape[2:]
    grads = channel_major(grad_out, workspace)
    cols = workspace("cols", (weight[0].size, grads.shape[1]), x.dtype)
    move_patches(x, kh, kw, cols, True)
    return (grads @ cols.T).reshape(weight.shape)

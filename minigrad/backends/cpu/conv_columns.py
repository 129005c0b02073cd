"""conv2d's backward products as GEMMs: over a 1x1 convolution's planes themselves, or over im2col's columns (the
general path of conv.py, chunk by chunk); the weight gradient summed over the chunks.
"""
import numpy as np

from .conv_layout_kernels import widen_rows
from .conv_patches import channel_major, from_channel_major
from .workspace import workspace

# 1x1 convolutions on planes of at most this many pixels run as one GEMM over the batch, its samples side by side
# (channel-major copies in and out), instead of one small GEMM per sample. Measured (ms, forward / input gradient /
# weight gradient): 32x160x4x4 to 960 channels 1.60/1.68/3.40 -> 1.14/1.16/1.21, 32x96x8x8 to 576 1.75/1.86/2.94
# -> 1.55/1.57/1.72, 32x576x8x8 to 96 1.81/1.76/2.69 -> 1.85/1.71/1.91; on 16x16 planes one GEMM per sample is
# faster (8x256x16x16 to 512: forward 3.12 against 5.05), and on 32x32 twice as fast.
POINTWISE_FOLD_MAX_PIXELS = 64


class WeightGrad:
    """The weight gradient, summed over chunks: grad (C_out/g, K/g) += grad_out_cols @ cols.T per group.

    For a small gradient it is accumulated transposed, as cols @ grad_out_cols.T, which BLAS runs up to twice
    as fast when C_out is small; a large one is not, as transposing it back would cost more than that.
    """

    def __init__(self, s, dtype):
        self.s, self.transposed = s, s.rows_g * s.coutg <= 2 ** 18
        shape = (s.groups, s.rows_g, s.coutg) if self.transposed else (s.groups, s.coutg, s.rows_g)
        self.value = np.empty(shape, dtype=dtype)
        self.started = [False] * s.groups

    def add(self, g, cols, grad_cols):
        """Add the contribution of one chunk for group g: cols (K/g, L), grad_cols (C_out/g, L)."""
        a, b = (cols, grad_cols.T) if self.transposed else (grad_cols, cols.T)
        if self.started[g]:
            self.value[g] += a @ b
        else:
            np.matmul(a, b, out=self.value[g])
            self.started[g] = True

    def result(self, shape):
        value = np.ascontiguousarray(self.value.transpose(0, 2, 1)) if self.transposed else self.value
        return value.reshape(shape)


def backward_pointwise(s, grad_out, x, w, grad_w, need_input):
    if s.H * s.W == 1 and s.groups == 1:  # one pixel per sample (squeeze-and-excitation gates): the batch folded
        g2 = grad_out.reshape(s.N, s.Cout)
        if grad_w is not None:
            grad_w.add(0, x.reshape(s.N, s.C).T, g2.T)
        return (g2 @ w[0]).reshape(s.N, s.C, 1, 1) if need_input else None
    if pointwise_folded(s):  # the batch's samples side by side: one GEMM per product
        grads = channel_major(grad_out, workspace)
        if grad_w is not None:
            grad_w.add(0, channel_major(x, workspace, "cols"), grads)
        if not need_input:
            return None
        columns = np.matmul(w[0].T, grads, out=workspace("cols", (s.C, grads.shape[1]), grads.dtype))
        return from_channel_major(columns, np.empty((s.N, s.C, s.H, s.W), grads.dtype))
    g_planes = grad_out.reshape(s.N, s.groups, s.coutg, s.Ho * s.Wo)
    grad_x = np.empty((s.N, s.C, s.H, s.W), dtype=grad_out.dtype) if need_input else None
    xs = x.reshape(s.N, s.groups, s.Cg, s.H * s.W) if grad_w is not None else None
    gxs = grad_x.reshape(s.N, s.groups, s.Cg, s.H * s.W) if need_input else None
    for n in range(s.N):
        for g in range(s.groups):
            if grad_w is not None:
                grad_w.add(g, xs[n, g], g_planes[n, g])
            if need_input:
                np.matmul(w[g].T, g_planes[n, g], out=gxs[n, g])
    return grad_x


def pointwise_folded(s):
    """Whether this 1x1 convolution runs as one GEMM over the batch (see POINTWISE_FOLD_MAX_PIXELS)."""
    return s.kind == "pointwise" and s.groups == 1 and s.N > 1 and s.H * s.W <= POINTWISE_FOLD_MAX_PIXELS


def backward_columns(s, grad_out, x, w, grad_w, need_input):
    dtype = grad_out.dtype
    chunks = list(s.chunks(grad_out.itemsize))
    # Row bands of one sample share input rows, so their input gradients add up; the flat col2im writes
    # whole samples at once when there are no bands, the general one always adds.
    accumulate = s.kind == "general" or any(R < s.Ho for _, _, _, R in chunks)
    grad_x = None
    if need_input:
        grad_x = (np.zeros if accumulate else np.empty)((s.N, s.C, s.H, s.W), dtype=dtype)
    for n0, nk, y0, R in chunks:
        if s.direct(nk):
            wide = s.band_of(grad_out.reshape(s.N, s.Cout, s.Ho * s.Wo), n0, y0, R)
        else:
            wide = widen_rows(grad_out, n0, y0, R, s.Wp, workspace("wide", (s.Cout, nk * R * s.Wp), dtype))
        if grad_w is not None:
            cols = s.fill_columns(x, n0, nk, y0, R, dtype)
        else:
            cols = workspace("cols", (s.K, nk * R * s.Wp), dtype)
        for g in range(s.groups):
            group_grad = wide[s.group_channels(g)]
            if grad_w is not None:
                grad_w.add(g, cols[s.group_rows(g)], group_grad)
            if need_input:  # the columns were used: overwrite them with their gradient
                np.matmul(w[g].T, group_grad, out=cols[s.group_rows(g)])
        if need_input:
            s.add_columns_to(cols, n0, nk, y0, R, grad_x, accumulate)
    return grad_x

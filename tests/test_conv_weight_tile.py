"""The shifted weight gradient of the CPU backend (conv_shifted.conv2d_weight_grad_shifted,
conv_weight_tile_kernels) against PyTorch and a float64 reference.

The ``weight_shifted`` fixture lets every stride-1 single-group convolution's weight gradient take it, however few
its input channels, and records the layouts taken. Tolerances as in test_conv.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare, conv3x3_taken, recorded
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_shifted
from minigrad.backends.cpu import conv_weight_tile_kernels as kernels

TOL = dict(atol=1e-4, rtol=1e-4)


@pytest.fixture
def weight_shifted(monkeypatch):
    monkeypatch.setattr(cpu_conv, "WEIGHT_SHIFTED_MIN_CHANNELS", 0)
    return recorded(monkeypatch, cpu_conv, "_weight_grad_shifted_layout")


# (batch, C_in, C_out, H, W, kernel, conv2d keyword arguments): input channels past one block of 16 and output
# channels past one tile's 8, dilation, asymmetric and 'same' paddings, non-square kernels, a single pixel
CASES = [(3, 17, 9, 9, 11, (3, 3), dict(padding=1)), (2, 16, 16, 10, 8, (3, 3), dict(padding=0)),
         (2, 5, 4, 9, 10, (3, 3), dict(padding=2)), (1, 6, 5, 12, 7, (3, 2), dict(padding="same")),
         (2, 20, 3, 11, 13, (3, 3), dict(padding=2, dilation=2)), (2, 3, 2, 8, 9, (5, 3), dict(padding=(2, 1))),
         (3, 2, 4, 7, 6, (2, 2), dict(padding=(1, 0))), (1, 1, 1, 1, 1, (3, 3), dict(padding=1)),
         (2, 33, 8, 4, 4, (1, 3), dict(padding=(0, 1))), (2, 4, 3, 11, 13, (3, 3), dict(padding=2, dilation=2)),
         (2, 3, 16, 12, 10, (3, 3), dict(padding=1))]


@pytest.mark.parametrize("batch,cin,cout,h,w,kernel,kwargs", CASES, ids=[str(c) for c in CASES])
def test_weight_gradient_matches_torch(weight_shifted, batch, cin, cout, h, w, kernel, kwargs):
    out = compare(lambda x, wt: F.conv2d(x, wt, **kwargs), shapes=[(batch, cin, h, w), (cout, cin) + kernel],
                  torch_fn=lambda x, wt: torch.nn.functional.conv2d(x, wt, **kwargs), **TOL)
    assert out[0].dtype == minigrad.float32
    assert weight_shifted and all(layout is not None for layout in weight_shifted)


def _reference(x, grad_out, padding, dilation, kernel):
    """The weight gradient in float64, by PyTorch."""
    w = torch.zeros((grad_out.shape[1], x.shape[1]) + kernel, dtype=torch.float64)
    return torch.ops.aten.convolution_backward(
        torch.from_numpy(grad_out).double(), torch.from_numpy(x).double(), w, None, [1, 1], list(padding),
        list(dilation), False, [0, 0], 1, [False, True, False])[1].numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunks", ["one", "rows", "samples"])
def test_sums_in_chunks_equal_one_sum(monkeypatch, dtype, chunks):
    """Partial sums over chunks of rows (CHUNK_PIXELS) or of samples (a band of one sample at a time) add up to the
    same gradient, in the input's dtype, as float64's to its rounding."""
    if chunks == "rows":
        monkeypatch.setattr(kernels, "CHUNK_PIXELS", 1)  # one output row per partial sum
    if chunks == "samples":  # room for one sample's band (20 channels x 10 rows x 9) and its borders, not two
        monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES", np.dtype(dtype).itemsize * 20 * (10 * 9 + 100))
    rng = np.random.default_rng(3)
    x, grad_out = rng.standard_normal((3, 20, 9, 8)).astype(dtype), rng.standard_normal((3, 11, 9, 8)).astype(dtype)
    s = cpu_conv._layout(x.shape, np.empty((11, 20, 3, 3)), (1, 1), (1, 1), (1, 1), 1, (9, 8))
    layout = cpu_conv._weight_grad_shifted_layout(s, dtype)
    assert layout is not None and (layout.samples == 1) == (chunks == "samples")
    got = conv_shifted.conv2d_weight_grad_shifted(x, grad_out, layout, lambda slot, shape, dt: np.empty(shape, dt))
    assert got.dtype == dtype
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, _reference(x, grad_out, (1, 1), (1, 1), (3, 3)), rtol=tolerance, atol=tolerance)


def _kernel_arguments(C=18, Cout=9, N=2, H=5, W=6, dtype=np.float32):
    """Blocks of a 3x3 convolution's band (padding 1: S = H + 1, Wp = W + 1), grad_out, shifts and an output."""
    rng = np.random.default_rng(C * 10 + Cout)
    x, grad = rng.standard_normal((N, C, H, W)).astype(dtype), rng.standard_normal((N, Cout, H, W)).astype(dtype)
    S, Wp = H + 1, W + 1
    length = (1 + N * S + 2) * Wp + 2
    blocks = kernels.fill_channel_blocks(x, 1, 1, S, Wp, np.full((-(-C // 16), length, 16), np.nan, dtype))
    shifts = np.array([i * Wp + j for i in range(3) for j in range(3)], np.int64)
    return x, grad, blocks, shifts, S, Wp, np.full((Cout, C, 9), np.nan, dtype)


@pytest.mark.parametrize("C,fold,step", [(16, 1, 1), (40, 1, 1), (3, 3, 1), (5, 3, 2)])
def test_blocks_hold_the_band(C, fold, step):
    """Whole blocks (written place by place), a partial one and folded column taps (lane by lane) hold the zero-
    bordered band of conv_shifted's layout, read at each lane's offset: every place, borders included."""
    rng = np.random.default_rng(C)
    N, H, W, top, left = 3, 5, 7, 2, 1
    S, Wp = H + 3, W + 2
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    length = (top + N * S + 2) * Wp + 5
    band = np.zeros((C, length + (fold - 1) * step), np.float32)
    for k in range(N):
        for y in range(H):
            place = (top + k * S + y) * Wp + left
            band[:, place:place + W] = x[k, :, y]
    want = np.zeros((-(-C * fold // 16) * 16, length), np.float32)
    for lane in range(C * fold):
        c, offset = divmod(lane, fold)
        want[lane] = band[c, offset * step:offset * step + length]
    blocks = np.full((-(-C * fold // 16), length, 16), np.nan, np.float32)
    kernels.fill_channel_blocks(x, top, left, S, Wp, blocks, fold, step)
    np.testing.assert_array_equal(blocks.transpose(0, 2, 1).reshape(-1, length), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("C,Cout", [(18, 9), (16, 8), (3, 1), (40, 17)])
@pytest.mark.parametrize("threads", [1, 2, 5])
def test_kernel_writes_every_element_once_and_accumulates(monkeypatch, dtype, C, Cout, threads):
    """The NaN-filled blocks and output are overwritten everywhere (borders and unused lanes with zeros); the
    output holds the gradient, and with ``accumulate`` twice it. With more threads than block pairs (one pair for
    16 channels to 8, or fewer), their taps are split among the threads."""
    monkeypatch.setattr(kernels, "get_num_threads", lambda: threads)
    x, grad, blocks, shifts, S, Wp, out = _kernel_arguments(C, Cout, dtype=dtype)
    assert not np.isnan(blocks).any() and np.all(blocks[-1, :, C - 16 * (blocks.shape[0] - 1):] == 0)
    kernels.shifted_weight_grad(blocks, grad, shifts, S, Wp, out)
    want = _reference(x, grad, (1, 1), (1, 1), (3, 3)).reshape(Cout, C, 9)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    assert out.dtype == dtype
    np.testing.assert_allclose(out, want, rtol=tolerance, atol=tolerance)
    kernels.shifted_weight_grad(blocks, grad, shifts, S, Wp, out, accumulate=True)
    np.testing.assert_allclose(out, 2 * want, rtol=tolerance, atol=tolerance)


BLOCK_CHANGES = ["blocks too short", "lanes", "block count", "dtype", "strided input", "width past the pitch",
                 "rows past the samples' spacing", "negative padding"]


@pytest.mark.parametrize("change", BLOCK_CHANGES)
def test_fill_refuses_what_would_write_out_of_bounds(change):
    x, _, blocks, _, S, Wp, _ = _kernel_arguments()
    top = 1
    if change == "blocks too short":  # the last sample's last pixel is written at (1 + S + H)*Wp - 1
        blocks = blocks[:, :(1 + S + x.shape[2]) * Wp - 1].copy()
    elif change == "lanes":
        blocks = np.zeros(blocks.shape[:2] + (8,), blocks.dtype)
    elif change == "block count":
        blocks = np.zeros((1,) + blocks.shape[1:], blocks.dtype)
    elif change == "dtype":
        blocks = blocks.astype(np.float64)
    elif change == "strided input":
        x = np.repeat(x, 2, axis=3)[..., ::2]
    elif change == "width past the pitch":
        Wp = x.shape[3]
    elif change == "rows past the samples' spacing":
        S = x.shape[2] - 1
    elif change == "negative padding":
        top = -1
    with pytest.raises(ValueError):
        kernels.fill_channel_blocks(x, top, 1, S, Wp, blocks)


KERNEL_CHANGES = ["blocks too short", "negative shift", "taps", "dtype", "output channels", "input channels",
                  "strided grad", "strided output", "width past the pitch", "rows past the samples' spacing"]


@pytest.mark.parametrize("change", KERNEL_CHANGES)
def test_kernel_refuses_what_would_read_or_write_out_of_bounds(change):
    _, grad, blocks, shifts, S, Wp, out = _kernel_arguments()
    if change == "blocks too short":  # the last pixel's last tap reads (S + H - 1)*Wp + W - 1 + shifts[-1]
        blocks = blocks[:, :(S + grad.shape[2] - 1) * Wp + grad.shape[3] - 1 + shifts[-1]].copy()
    elif change == "negative shift":
        shifts = shifts - 1
    elif change == "taps":
        shifts = shifts[:-1]
    elif change == "dtype":
        out = out.astype(np.float64)
    elif change == "output channels":
        out = np.zeros((out.shape[0] + 1,) + out.shape[1:], out.dtype)
    elif change == "input channels":
        out = np.zeros((out.shape[0], 33, 9), out.dtype)
    elif change == "strided grad":
        grad = np.repeat(grad, 2, axis=3)[..., ::2]
    elif change == "strided output":
        out = np.zeros(out.shape[:2] + (18,), out.dtype)[..., ::2]
    elif change == "width past the pitch":
        Wp = grad.shape[3] - 1
    elif change == "rows past the samples' spacing":
        S = grad.shape[2] - 1
    with pytest.raises(ValueError):
        kernels.shifted_weight_grad(blocks, grad, shifts, S, Wp, out)


def test_kernel_leaves_numba_settings_as_they_were(monkeypatch):
    """The tile compiles with LLVM's SLP vectorizer for that compile only: Numba's setting is back afterwards."""
    from numba.core import config
    monkeypatch.setattr(kernels, "_compiled", set())  # as in a fresh process
    monkeypatch.setattr(config, "SLP_VECTORIZE", 0)
    x, grad, blocks, shifts, S, Wp, out = _kernel_arguments()
    kernels.shifted_weight_grad(blocks, grad, shifts, S, Wp, out)
    assert config.SLP_VECTORIZE == 0 and np.isfinite(out).all()


def test_unet_weight_gradients_take_the_shifted_path():
    """The default threshold: every U-Net 3x3 convolution with 16 input channels or more (small, full and
    examples/train_unet.py's levels, the 4x4 bottleneck too), and the first, with 3, its column taps folded into
    the lanes; not 6 to 15 channels, too many to fold (the direct kernel or im2col)."""
    def taken(input_shape, cout):
        return conv3x3_taken(cpu_conv._weight_grad_shifted_layout, input_shape, cout)
    assert taken((4, 16, 128, 128), 16) and taken((4, 256, 8, 8), 256) and taken((1, 1024, 16, 16), 512)
    assert taken((8, 128, 4, 4), 256) and taken((1, 64, 256, 256), 64) and taken((8, 32, 16, 16), 16)
    assert taken((4, 3, 128, 128), 16) and taken((8, 3, 64, 64), 16) and taken((1, 3, 256, 256), 64)
    assert not taken((8, 15, 64, 64), 16) and not taken((8, 6, 64, 64), 16)
    # 4x4 images in a batch that the pixel tiles take (ResNet-18's last stage on CIFAR): one GEMM is faster
    assert not taken((32, 512, 4, 4), 512) and taken((32, 256, 8, 8), 256)


@pytest.mark.parametrize("cin", [3, 20])  # folded column taps, and whole blocks
def test_a_batch_split_in_two_sums_as_the_whole(cin):
    """Each sample's sums are added in float64: the gradients of two halves of a batch, added in float32 (as two
    processes' all-reduce does), equal the whole batch's to float32's rounding of those two additions."""
    rng = np.random.default_rng(7)
    x, grad_out = rng.standard_normal((6, cin, 12, 12)).astype(np.float32), \
        rng.standard_normal((6, 8, 12, 12)).astype(np.float32)
    w = np.zeros((8, cin, 3, 3), np.float32)

    def weight_grad(part):
        return cpu_conv.conv2d_weight_grad(x[part], grad_out[part], w, (1, 1), (1, 1), (1, 1), 1)
    halves = weight_grad(slice(0, 3)), weight_grad(slice(3, 6))
    ulp = np.finfo(np.float32).eps * np.maximum(np.abs(halves[0]), np.abs(halves[1]))
    assert np.all(np.abs(weight_grad(slice(0, 6)) - (halves[0] + halves[1])) <= 2 * ulp)

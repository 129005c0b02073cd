"""The pixel tiles of the CPU backend (conv_pixel_tile_kernels): strided convolutions, and stride-1 ones on images
narrower than a vector, against PyTorch and a float64 reference.

The ``pixel_tiled`` fixture lowers the size thresholds so that these small cases take the pixel tiles, and
records which convolutions did. Tolerances as in test_conv.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare, recorded
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_columns, conv_shifted
from minigrad.backends.cpu.conv_pixel_tile_kernels import pixel_tile_convolution

TOL = dict(atol=1e-4, rtol=1e-4)


@pytest.fixture
def pixel_tiled(monkeypatch):
    """Every convolution that qualifies, however small, takes the pixel tiles; returns the list of layouts taken
    (None for the convolutions that did not)."""
    monkeypatch.setattr(cpu_conv, "PIXEL_TILE_MIN_PIXELS", 0)
    monkeypatch.setattr(cpu_conv, "ROWS", 1)  # also fewer output channels than a tile's lanes
    return recorded(monkeypatch, cpu_conv, "_pixel_tile_layout")


# (batch, C_in, C_out, H, W, kernel, conv2d keyword arguments): strides that skip the last rows or columns, a
# stride of 1 on rows narrower than a vector (whose input gradient takes the tiles too), 2x1 with stride 2,
# dilation, padding as wide as the kernel reaches, output channels past one tile and a lone last block
CASES = [(3, 5, 7, 9, 11, (3, 3), dict(stride=2, padding=1)), (2, 4, 19, 10, 8, (3, 3), dict(stride=2)),
         (2, 3, 4, 9, 10, (3, 3), dict(stride=(2, 3), padding=2)), (2, 6, 5, 12, 7, (2, 1), dict(stride=2)),
         (2, 4, 3, 11, 13, (3, 3), dict(stride=2, padding=2, dilation=2)),
         (2, 3, 9, 8, 9, (5, 3), dict(stride=3, padding=(2, 1))), (3, 2, 4, 7, 6, (2, 2), dict(stride=(1, 2))),
         (3, 6, 17, 4, 4, (3, 3), dict(padding=1)), (2, 5, 33, 5, 3, (3, 3), dict(padding=(1, 2))),
         (1, 1, 1, 5, 5, (3, 3), dict(stride=2, padding=2))]


@pytest.mark.parametrize("batch,cin,cout,h,w,kernel,kwargs", CASES, ids=[str(c) for c in CASES])
@pytest.mark.parametrize("bias", [False, True])
def test_pixel_tiles_match_torch(pixel_tiled, batch, cin, cout, h, w, kernel, kwargs, bias):
    shapes = [(batch, cin, h, w), (cout, cin) + kernel] + ([(cout,)] if bias else [])
    out = compare(lambda x, wt, *b: F.conv2d(x, wt, *b, **kwargs), shapes=shapes,
                  torch_fn=lambda x, wt, *b: torch.nn.functional.conv2d(x, wt, *b, **kwargs), **TOL)
    assert out[0].dtype == minigrad.float32
    assert pixel_tiled[0] is not None  # the forward pass
    if kwargs.get("stride", 1) == 1:  # the input gradient: the flipped kernel's stride-1 convolution, as narrow
        assert len(pixel_tiled) >= 2 and pixel_tiled[1] is not None


def test_conv_transpose2d_of_narrow_images_takes_them(pixel_tiled):
    """ConvTranspose2d's output is conv2d's input gradient: on 4x4 images the pixel tiles compute it."""
    compare(lambda x, wt, b: F.conv_transpose2d(x, wt, b, padding=1), shapes=[(3, 9, 4, 4), (9, 18, 3, 3), (18,)],
            torch_fn=lambda x, wt, b: torch.nn.functional.conv_transpose2d(x, wt, b, padding=1), **TOL)
    assert any(layout is not None for layout in pixel_tiled)


def _reference(x, weight, bias, stride, padding, dilation):
    """The convolution in float64 by PyTorch."""
    return torch.nn.functional.conv2d(torch.tensor(x, dtype=torch.float64), torch.tensor(weight, dtype=torch.float64),
                                      torch.tensor(bias, dtype=torch.float64), stride, padding, dilation).numpy()


def _lend_nan(slot, shape, dtype):
    """A workspace whose scratch arrays start as NaN: a band place read but not written shows in the output."""
    return np.full(shape, np.nan, dtype)


def _layout(x, weight, stride, padding, dilation, out_size):
    return conv_shifted.ShiftedLayout(x.shape, weight.shape, padding, dilation, out_size, x.dtype, stride)


# (N, C, C_out, H, W, kernel, stride, padding, dilation): pixels that are not a multiple of a tile's (the last tile
# partial), output channels that are not a multiple of a tile's lanes, a single output pixel
GEOMETRIES = [(3, 5, 16, 9, 11, (3, 3), (2, 2), (1, 1), (1, 1)), (2, 4, 19, 4, 4, (3, 3), (1, 1), (1, 1), (1, 1)),
              (1, 3, 8, 5, 5, (5, 5), (1, 1), (0, 0), (1, 1)), (2, 2, 33, 12, 10, (3, 3), (3, 2), (2, 0), (2, 1)),
              (4, 7, 9, 6, 7, (1, 1), (2, 2), (0, 0), (1, 1))]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=[str(g) for g in GEOMETRIES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("samples", [None, 1])
def test_kernel_against_float64(monkeypatch, geometry, dtype, samples):
    """Every output pixel and channel, a band whose unwritten places would be NaN, and bands of one sample at a
    time (the chunks' outputs the same bits as the whole batch's)."""
    N, C, Cout, H, W, kernel, stride, padding, dilation = geometry
    rng = np.random.default_rng(1)
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    weight = rng.standard_normal((Cout, C) + kernel).astype(dtype)
    bias = rng.standard_normal(Cout).astype(dtype)
    want = _reference(x, weight, bias, stride, padding, dilation)
    layout = _layout(x, weight, stride, padding, dilation, want.shape[2:])
    whole = cpu_conv.conv2d_pixel_tiles(x, weight, layout, bias, np.empty(want.shape, dtype), _lend_nan)
    if samples:
        itemsize = np.dtype(dtype).itemsize  # room for one bordered sample and the band's ends, not two
        monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES",
                            C * (layout.S * layout.Wp + layout.band_length(0)) * itemsize)
        layout = _layout(x, weight, stride, padding, dilation, want.shape[2:])
        assert layout.samples == 1
        got = cpu_conv.conv2d_pixel_tiles(x, weight, layout, bias, np.empty(want.shape, dtype), _lend_nan)
        np.testing.assert_array_equal(got, whole)
    assert whole.dtype == dtype
    np.testing.assert_allclose(whole, want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


def test_a_sample_has_the_same_bits_in_any_batch():
    """N processes compute what one does: each output pixel is its own sum, whatever the batch around it."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 16, 4, 4)).astype(np.float32)
    weight, bias = rng.standard_normal((24, 16, 3, 3)).astype(np.float32), np.zeros(24, np.float32)
    layout = _layout(x, weight, (1, 1), (1, 1), (1, 1), (4, 4))
    whole = cpu_conv.conv2d_pixel_tiles(x, weight, layout, bias, np.empty((5, 24, 4, 4), np.float32), _lend_nan)
    for k in range(5):
        alone = _layout(x[k:k + 1], weight, (1, 1), (1, 1), (1, 1), (4, 4))
        got = cpu_conv.conv2d_pixel_tiles(x[k:k + 1], weight, alone, bias, np.empty((1, 24, 4, 4), np.float32),
                                          _lend_nan)
        np.testing.assert_array_equal(got[0], whole[k])


def test_sizes_are_checked_before_the_kernel():
    x, weight = np.zeros((2, 3, 6, 6), np.float32), np.zeros((8, 3, 3, 3), np.float32)
    shifts, bias = np.array([0, 1, 2, 8, 9, 10, 16, 17, 18]), np.zeros(8, np.float32)
    out = np.empty((2, 8, 3, 3), np.float32)
    good = (x, 1, 1, 7, 8, (2, 2), weight, shifts, bias, out, _lend_nan)
    pixel_tile_convolution(*good)
    bad = [dict(x=np.zeros((2, 4, 6, 6), np.float32)), dict(out=np.empty((3, 8, 3, 3), np.float32)),
           dict(bias=np.zeros(9, np.float32)), dict(shifts=-shifts), dict(weight=weight.astype(np.float64)),
           dict(S=5), dict(Wp=6), dict(stride=(0, 2)), dict(out=np.empty((2, 8, 3, 3), np.int32))]
    names = ["x", "top", "left", "S", "Wp", "stride", "weight", "shifts", "bias", "out", "workspace"]
    for change in bad:
        arguments = dict(zip(names, good), **change)
        with pytest.raises(ValueError, match="do not fit"):
            pixel_tile_convolution(*arguments.values())


def test_default_thresholds():
    """ResNet-18's CIFAR layers take the pixel tiles (4x4 images, 3x3 kernels of stride 2); the U-Nets' layers do
    not (rows of 8 pixels or more, the transposed convolutions' tiled kernels, and examples/train_unet.py's 4x4
    bottleneck of 128 pixels, which would compile one more kernel before the first step)."""
    def taken(input_shape, cout, kernel=(3, 3), stride=(1, 1), padding=(1, 1)):
        N, C, H, W = input_shape
        out_size = tuple((size + 2 * p - k) // s + 1 for size, k, s, p in zip((H, W), kernel, stride, padding))
        s = cpu_conv._layout(input_shape, np.empty((cout, C) + kernel), stride, padding, (1, 1), 1, out_size)
        return cpu_conv._pixel_tile_layout(s, np.float32) is not None
    assert taken((32, 512, 4, 4), 512) and taken((32, 64, 32, 32), 128, stride=(2, 2))
    assert not taken((32, 64, 32, 32), 128, (1, 1), (2, 2), (0, 0))  # ResNet's 1x1 shortcuts: im2col is faster
    assert not taken((8, 128, 4, 4), 256) and not taken((4, 256, 8, 8), 256) and not taken((1, 64, 256, 256), 64)
    assert not taken((4, 32, 64, 64), 16, (2, 2), (2, 2), (0, 0))  # the U-Net's tiled ConvTranspose2d
    assert not taken((64, 4, 4, 4), 4)  # fewer output channels than a block's


def _small_cifar_network(nn):
    """The paths of this file and their neighbours at the default thresholds, in a few layers: a stride-2 3x3
    convolution to 8x8 and another to 4x4 (pixel tiles), a 3x3 convolution on 4x4 images in a batch of 32 (pixel
    tiles forward and for its input gradient, its weight gradient by one GEMM), a 1x1 one on 4x4 planes (one GEMM
    for the batch)."""
    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.Conv2d(16, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                         nn.Conv2d(32, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU(),
                         nn.Conv2d(32, 24, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(24, 10))


def test_a_small_cifar_network_trains_as_pytorch_in_float64(monkeypatch):
    """Three SGD steps (momentum, weight decay) of the same network from the same weights: every loss and every
    parameter equal PyTorch's in float64, through the default thresholds' paths (asserted)."""
    pixel_layouts = recorded(monkeypatch, cpu_conv, "_pixel_tile_layout")
    folded = recorded(monkeypatch, conv_columns, "pointwise_folded")
    torch.manual_seed(0)
    theirs = _small_cifar_network(torch.nn).double()
    ours = _small_cifar_network(minigrad.nn).double()
    ours.load_state_dict({k: minigrad.tensor(v.numpy(), dtype=v.numpy().dtype) for k, v in theirs.state_dict().items()})
    optimizers = [torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4),
                  minigrad.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)]
    rng = np.random.default_rng(3)
    for _ in range(3):
        x, y = rng.standard_normal((32, 3, 16, 16)), rng.integers(0, 10, 32)
        losses = []
        for lib, model, optimizer in zip((torch, minigrad), (theirs, ours), optimizers):
            optimizer.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        assert abs(losses[0] - losses[1]) <= 1e-12 * abs(losses[0])
    for (name, theirs_p), ours_p in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(ours_p.detach().numpy(), theirs_p.detach().numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)
    assert sum(layout is not None for layout in pixel_layouts) >= 3 and any(folded)

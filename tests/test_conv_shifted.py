"""The shifted-window convolution of the CPU backend (conv_shifted, conv_tile_kernels) against PyTorch and im2col.

The ``shifted`` fixture lowers the size thresholds so that these small cases take the shifted path, and counts
the convolutions that did. Tolerances as in test_conv.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare, conv3x3_taken, output_and_gradients, recorded
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_direct
from minigrad.backends.cpu import conv_shifted
from minigrad.backends.cpu import conv_tile_kernels

TOL = dict(atol=1e-4, rtol=1e-4)

@pytest.fixture
def shifted(monkeypatch):
    """Every stride-1 single-group convolution that fits takes the shifted path; returns the list of layouts
    taken (None for the convolutions that did not)."""
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 0)
    monkeypatch.setattr(cpu_conv, "ROWS", 1)  # also fewer channels than a tile's rows: its padded rows are tested
    return recorded(monkeypatch, cpu_conv, "_shifted_layout")


# (batch, C_in, C_out, H, W, kernel, conv2d keyword arguments)
CASES = [(3, 5, 7, 9, 11, (3, 3), dict(padding=1)), (2, 4, 6, 10, 8, (3, 3), dict(padding=0)),
         (2, 3, 4, 9, 10, (3, 3), dict(padding=2)), (1, 6, 5, 12, 7, (3, 2), dict(padding="same")),
         (2, 4, 3, 11, 13, (3, 3), dict(padding=2, dilation=2)), (2, 3, 2, 8, 9, (5, 3), dict(padding=(2, 1))),
         (3, 2, 4, 7, 6, (2, 2), dict(padding=(1, 0))), (1, 1, 1, 5, 5, (3, 3), dict(padding=1))]


@pytest.mark.parametrize("batch,cin,cout,h,w,kernel,kwargs", CASES, ids=[str(c) for c in CASES])
@pytest.mark.parametrize("bias", [False, True])
def test_shifted_path_matches_torch(shifted, batch, cin, cout, h, w, kernel, kwargs, bias):
    shapes = [(batch, cin, h, w), (cout, cin) + kernel] + ([(cout,)] if bias else [])
    out = compare(lambda x, wt, *b: F.conv2d(x, wt, *b, **kwargs), shapes=shapes,
                  torch_fn=lambda x, wt, *b: torch.nn.functional.conv2d(x, wt, *b, **kwargs), **TOL)
    assert out[0].dtype == minigrad.float32
    assert len(shifted) >= 2 and all(layout is not None for layout in shifted[:2])  # forward and input gradient


def test_chunks_of_one_sample(shifted, monkeypatch):
    """A band that holds one sample at a time gives the same numbers as one that holds the batch."""
    # room for one sample's band rows (4 channels x 11 rows x 11 floats) and the borders around it, not two
    monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES", 4 * 4 * 11 * 11 + 4 * 4 * 100)
    compare(lambda x, wt, b: F.conv2d(x, wt, b, padding=1), shapes=[(3, 4, 10, 10), (6, 4, 3, 3), (6,)],
            torch_fn=lambda x, wt, b: torch.nn.functional.conv2d(x, wt, b, padding=1), **TOL)
    assert shifted[0] is not None and shifted[0].samples == 1


def test_too_large_a_sample_falls_back_to_im2col(shifted, monkeypatch):
    monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES", 64)
    compare(lambda x, wt: F.conv2d(x, wt, padding=1), shapes=[(2, 3, 9, 9), (4, 3, 3, 3)],
            torch_fn=lambda x, wt: torch.nn.functional.conv2d(x, wt, padding=1), **TOL)
    assert shifted and all(layout is None for layout in shifted)


def test_shifted_and_im2col_paths_agree_in_float64(monkeypatch):
    """float64 through both paths, to 1e-12: the shifted path is the same sum in another order."""
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 5, 13, 12)), rng.standard_normal((7, 5, 3, 3)), rng.standard_normal(7)
    upstream = rng.standard_normal((2, 7, 13, 12))
    results = []
    for columns in (0, 2 ** 62):
        monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", columns)
        monkeypatch.setattr(cpu_conv, "ROWS", 1)
        monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", -1)
        results.append(output_and_gradients(lambda *t: F.conv2d(*t, padding=1), (x, w, b), upstream))
        assert all(r.dtype == np.float64 for r in results[-1])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_unet_sized_convolutions_take_the_shifted_path():
    """The default thresholds: every U-Net convolution of at least 128 output places (all levels of the small and
    the full one, and of examples/train_unet.py's, 3 input channels included) takes it; smaller images, and fewer
    output channels than a tile's rows, do not."""
    def taken(input_shape, cout):
        return conv3x3_taken(cpu_conv._shifted_layout, input_shape, cout)
    assert taken((1, 64, 256, 256), 64) and taken((4, 64, 64, 64), 32) and taken((4, 64, 32, 32), 64)
    assert taken((4, 3, 128, 128), 16) and taken((4, 16, 128, 128), 16) and taken((4, 32, 32, 32), 64)
    assert taken((1, 512, 32, 32), 512) and taken((4, 128, 16, 16), 128)
    assert taken((1, 1024, 16, 16), 1024) and taken((4, 256, 8, 8), 256)
    assert taken((8, 128, 4, 4), 256)
    assert not taken((2, 256, 4, 4), 256) and not taken((4, 16, 128, 128), 3)


def _reference_convolution(band, weight, shifts, S, Wp, bias, out_shape):
    """out[k, co, y, x] = bias[co] + sum over c, t of weight[co, c, t] * band[c, (k*S + y)*Wp + x + shifts[t]],
    in float64."""
    N, Cout, Ho, Wo = out_shape
    w = weight.reshape(Cout, weight.shape[1], -1).astype(np.float64)
    places = ((np.arange(N)[:, None, None] * S + np.arange(Ho)[:, None]) * Wp + np.arange(Wo)).reshape(-1)
    total = sum(w[:, :, t] @ band[:, places + shift].astype(np.float64) for t, shift in enumerate(shifts))
    return (total + bias[:, None]).reshape(Cout, N, Ho, Wo).transpose(1, 0, 2, 3)


def _reference_band(x, top, left, S, Wp, length):
    """conv_shifted's band, built by numpy: sample k's pixel (y, x) at (top + k*S + y)*Wp + left + x, zeros
    elsewhere."""
    N, C, H, W = x.shape
    band = np.zeros((C, length), x.dtype)
    body = band[:, top * Wp + left:(top + N * S) * Wp + left].reshape(C, N, S, Wp)
    body[:, :, :H, :W] = x.transpose(1, 0, 2, 3)
    return band


def _geometry(N, Ho, Wo, bordered):
    """Rows of pitch Wo + 2, samples Ho + 1 rows apart, read by 6 taps. Without borders the input's samples fill
    their rows whole (each band value one of x's); with them, x's rows start 1 row and 2 columns in."""
    S, Wp = Ho + 1, Wo + 2
    shifts = np.array([0, 1, Wp, Wp + 2, 2 * Wp, 2 * Wp + 1], np.int64)
    top, left, H, W = (1, 2, S - 1, Wp - 2) if bordered else (0, 0, S, Wp)
    return top, left, S, Wp, shifts, (H, W)


def _lend_nan(slot, shape, dtype):
    """A workspace whose scratch arrays start as NaN: a band place read but not written shows in the output."""
    return np.full(shape, np.nan, dtype)


# (C_out, N, Ho, Wo): channels that are not a multiple of the tile's rows, rows of whole segments and of a partial
# one, an odd count of segments (the last tile has one), a single pixel
SIZES = [(8, 2, 3, 8), (5, 1, 3, 8), (19, 2, 2, 13), (16, 3, 1, 5), (3, 1, 1, 1), (9, 2, 4, 16)]


@pytest.mark.parametrize("cout,N,Ho,Wo", SIZES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("split_tiles", [False, True])
@pytest.mark.parametrize("bordered", [False, True])
@pytest.mark.parametrize("chunked", [False, True])
def test_shifted_convolution_writes_every_pixel_once(monkeypatch, cout, N, Ho, Wo, dtype, transposed, split_tiles,
                                                     bordered, chunked):
    """Every output pixel gets its sum plus the bias over the band of x, and nothing outside the output is written
    (NaN-filled, the output is checked whole); the dtype is kept. ``transposed`` reads a (C, C_out, kh, kw)
    weight's flipped transpose in place. ``split_tiles``: the threads split the tiles, as for a large band (else
    they own whole blocks where the blocks split evenly). ``bordered``: x's rows sit inside zero borders.
    ``chunked``: one input channel per pass over the tiles, the first written, the others added (the output's NaNs
    must all be overwritten by the first)."""
    if split_tiles:
        monkeypatch.setattr(conv_tile_kernels, "OWN_BLOCKS_MAX_BAND_BYTES", -1)
    if chunked:
        monkeypatch.setattr(conv_tile_kernels, "CHUNK_BYTES", 1)
    rng = np.random.default_rng(cout * 100 + Wo)
    C = 3
    top, left, S, Wp, shifts, (H, W) = _geometry(N, Ho, Wo, bordered)
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    weight = rng.standard_normal((C, cout, 2, 3) if transposed else (cout, C, 2, 3)).astype(dtype)
    used = weight.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1] if transposed else weight
    bias = rng.standard_normal(cout).astype(dtype)
    out = np.full((N, cout, Ho, Wo), np.nan, dtype)
    conv_tile_kernels.shifted_convolution(x, top, left, S, Wp, weight, shifts, bias, out, _lend_nan, transposed)
    assert out.dtype == dtype
    band = _reference_band(x, top, left, S, Wp, conv_tile_kernels.band_reach(N, Ho, Wo, S, Wp, shifts) + Wp)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, _reference_convolution(band, used, shifts, S, Wp, bias, out.shape),
                               rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("shape,top,left,S,Wp", [((2, 3, 4, 5), 1, 1, 5, 6), ((1, 2, 3, 3), 0, 2, 3, 6),
                                                 ((3, 1, 2, 7), 2, 0, 4, 7)])
def test_the_band_holds_the_samples_in_their_borders(shape, top, left, S, Wp):
    """The band the kernel fills (in a NaN-filled scratch array) against numpy's, every place."""
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    lent = {}

    def workspace(slot, shape, dtype):
        return lent.setdefault(slot, _lend_nan(slot, shape, dtype))
    out = np.empty((shape[0], 8, S, Wp - 1), np.float32)
    conv_tile_kernels.shifted_convolution(x, top, left, S, Wp, np.ones((8, shape[1], 1, 2), np.float32),
                                          np.array([0, 1]), np.zeros(8, np.float32), out, workspace)
    band = lent["shifted_band"]
    np.testing.assert_array_equal(band, _reference_band(x, top, left, S, Wp, band.shape[1]))


CHANGES = ["negative shift", "weight channels", "taps", "dtype", "bias length", "output channels", "input samples",
           "input rows past the samples' spacing", "input past the pitch", "negative border", "strided input",
           "strided weight", "strided output", "transposed channels", "width past the pitch",
           "rows past the samples' spacing"]


@pytest.mark.parametrize("change", CHANGES)
def test_shifted_convolution_refuses_what_the_kernel_would_read_or_write_out_of_bounds(change):
    C, Cout, N, Ho, Wo = 2, 3, 2, 3, 8
    top, left, S, Wp, shifts, (H, W) = _geometry(N, Ho, Wo, True)
    x = np.zeros((N, C, H, W), np.float32)
    weight = np.zeros((Cout, C, 2, 3), np.float32)
    bias, out = np.zeros(Cout, np.float32), np.zeros((N, Cout, Ho, Wo), np.float32)
    if change == "negative shift":
        shifts = shifts - 1
    elif change == "weight channels":
        weight = np.zeros((Cout, C + 1, 2, 3), np.float32)
    elif change == "taps":
        weight = np.zeros((Cout, C, 1, 3), np.float32)
    elif change == "dtype":
        out = out.astype(np.float64)
    elif change == "bias length":
        bias = np.zeros(Cout - 1, np.float32)
    elif change == "output channels":
        out = np.zeros((N, Cout + 1, Ho, Wo), np.float32)
    elif change == "input samples":
        x = np.zeros((N + 1, C, H, W), np.float32)
    elif change == "input rows past the samples' spacing":
        x = np.zeros((N, C, S + 1, W), np.float32)
    elif change == "input past the pitch":
        x = np.zeros((N, C, H, Wp - left + 1), np.float32)
    elif change == "negative border":
        top = -1
    elif change == "strided input":
        x = np.zeros((N, C, H, 2 * W), np.float32)[..., ::2]
    elif change == "strided weight":
        weight = np.zeros((Cout, C, 2, 6), np.float32)[..., ::2]
    elif change == "strided output":
        out = np.zeros((N, Cout, Ho, 2 * Wo), np.float32)[..., ::2]
    elif change == "width past the pitch":
        out = np.zeros((N, Cout, Ho, Wp + 1), np.float32)
    elif change == "rows past the samples' spacing":
        out = np.zeros((N, Cout, S + 1, Wo), np.float32)
    transposed = change == "transposed channels"  # a (C_out, C) weight given where (C, C_out) is read
    with pytest.raises(ValueError):
        conv_tile_kernels.shifted_convolution(x, top, left, S, Wp, weight, shifts, bias, out, _lend_nan, transposed)


def test_shifted_convolution_leaves_numba_settings_as_they_were(monkeypatch):
    """The kernel's tile compiles with LLVM's SLP vectorizer switched on for that compile only: Numba's setting is
    back to the user's afterwards (and the kernel still computes the same sums)."""
    from numba.core import config
    monkeypatch.setattr(conv_tile_kernels, "_compiled", set())  # as in a fresh process
    monkeypatch.setattr(config, "SLP_VECTORIZE", 0)
    x, weight = np.ones((1, 2, 1, 16), np.float32), np.full((8, 2, 1, 2), 0.5, np.float32)
    out = np.zeros((1, 8, 1, 13), np.float32)
    conv_tile_kernels.shifted_convolution(x, 0, 0, 1, 16, weight, np.array([0, 3]), np.ones(8, np.float32), out,
                                          _lend_nan)
    assert config.SLP_VECTORIZE == 0 and np.all(out == 3.0)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_sample_has_the_same_output_bits_in_any_batch(monkeypatch, chunked):
    """Alone, the threads own blocks of output channels; in a batch of three whose band is too large for that,
    they split the tiles. Each sample's output is the same, bit for bit, chunked over its input channels or not:
    N processes of a data-parallel run compute what one does."""
    monkeypatch.setattr(conv_tile_kernels, "OWN_BLOCKS_MAX_BAND_BYTES", 4 * 5 * 160)  # one sample's band, not three
    if chunked:
        monkeypatch.setattr(conv_tile_kernels, "CHUNK_BYTES", 1)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 5, 9, 10)).astype(np.float32)
    weight = rng.standard_normal((16, 5, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(16).astype(np.float32)
    top, left, S, Wp = 1, 1, 10, 11
    shifts = np.array([i * Wp + j for i in range(3) for j in range(3)])
    lent, owned = {}, []
    kernel = conv_tile_kernels._shifted_convolution

    def recording(*args):
        owned.append(args[15])  # own_blocks
        return kernel(*args)
    recording.compile = kernel.compile
    monkeypatch.setattr(conv_tile_kernels, "_shifted_convolution", recording)

    def workspace(slot, shape, dtype):
        return lent.setdefault((slot, shape), np.full(shape, np.nan, dtype))
    whole = np.empty((3, 16, 9, 10), np.float32)
    conv_tile_kernels.shifted_convolution(x, top, left, S, Wp, weight, shifts, bias, whole, workspace)
    for k in range(3):
        alone = np.empty((1, 16, 9, 10), np.float32)
        conv_tile_kernels.shifted_convolution(x[k:k + 1], top, left, S, Wp, weight, shifts, bias, alone, workspace)
        np.testing.assert_array_equal(alone[0], whole[k])
    assert owned == [False, True, True, True]

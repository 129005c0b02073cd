"""The shifted-GEMM convolution of the CPU backend (conv_shifted, blas.gemm) against PyTorch and the im2col path.

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
from helpers import compare, output_and_gradients, recorded
from minigrad.backends.cpu import blas
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_direct
from minigrad.backends.cpu import conv_shifted

TOL = dict(atol=1e-4, rtol=1e-4)

pytestmark = pytest.mark.skipif(not blas.has_gemm(np.float32), reason="numpy's BLAS is not its bundled OpenBLAS")


@pytest.fixture
def shifted(monkeypatch):
    """Every stride-1 single-group convolution that fits takes the shifted path; returns the list of layouts
    taken (None for the convolutions that did not)."""
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 0)
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_PRODUCTS", 0)
    monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", -1)
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
    monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES", 4 * (4 + 6) * 12 * 11 + 4 * 4 * 200)
    compare(lambda x, wt, b: F.conv2d(x, wt, b, padding=1), shapes=[(3, 4, 10, 10), (6, 4, 3, 3), (6,)],
            torch_fn=lambda x, wt, b: torch.nn.functional.conv2d(x, wt, b, padding=1), **TOL)
    assert shifted[0] is not None and shifted[0].samples == 1


def test_too_large_a_sample_falls_back_to_im2col(shifted, monkeypatch):
    monkeypatch.setattr(conv_shifted, "SHIFTED_MAX_BYTES", 64)
    compare(lambda x, wt: F.conv2d(x, wt, padding=1), shapes=[(2, 3, 9, 9), (4, 3, 3, 3)],
            torch_fn=lambda x, wt: torch.nn.functional.conv2d(x, wt, padding=1), **TOL)
    assert shifted and all(layout is None for layout in shifted)


def test_shifted_and_im2col_paths_agree_in_float64(monkeypatch):
    """float64 (BLAS's dgemm) through both paths, to 1e-12: the shifted path is the same sum in another order."""
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 5, 13, 12)), rng.standard_normal((7, 5, 3, 3)), rng.standard_normal(7)
    upstream = rng.standard_normal((2, 7, 13, 12))
    results = []
    for columns in (0, 2 ** 62):
        monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", columns)
        monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_PRODUCTS", 0)
        monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", -1)
        results.append(output_and_gradients(lambda *t: F.conv2d(*t, padding=1), (x, w, b), upstream))
        assert all(r.dtype == np.float64 for r in results[-1])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_without_numpy_openblas_the_im2col_path_is_taken(monkeypatch):
    """Where numpy brings another BLAS, has_gemm is False and convolutions still work (im2col)."""
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 0)
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_PRODUCTS", 0)
    monkeypatch.setattr(conv_shifted, "has_gemm", lambda dtype: False)
    monkeypatch.setattr(conv_shifted, "gemm", None)  # would fail if called
    compare(lambda x, wt: F.conv2d(x, wt, padding=1), shapes=[(2, 8, 9, 9), (4, 8, 3, 3)],
            torch_fn=lambda x, wt: torch.nn.functional.conv2d(x, wt, padding=1), **TOL)


def test_unet_sized_convolutions_take_the_shifted_path():
    """The default thresholds: the full U-Net's first level (64 channels at 256x256) takes it, a 512-channel
    32x32 convolution of batch 1 and a 4x32x32x32 one do not (measured slower there)."""
    def taken(input_shape, cout):
        s = cpu_conv._layout(input_shape, np.empty((cout, input_shape[1], 3, 3)), (1, 1), (1, 1), (1, 1), 1,
                             input_shape[2:])
        return cpu_conv._shifted_layout(s, np.float32) is not None
    assert taken((1, 64, 256, 256), 64) and taken((4, 64, 64, 64), 32) and taken((4, 128, 32, 32), 64)
    assert not taken((1, 512, 32, 32), 512) and not taken((4, 32, 32, 32), 64)


def test_gemm_adds_into_strided_views():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((4, 30)).astype(np.float32)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = base[:, 5:25]  # rows 30 apart
    c = np.ones((5, 40), np.float32)[1:4, 10:30]
    expected = a @ b + 1
    blas.gemm(a, b, c, 1.0)
    np.testing.assert_allclose(c, expected, rtol=1e-6, atol=1e-6)
    c[...] = np.nan  # beta = 0 ignores what was there, as BLAS
    np.testing.assert_allclose(blas.gemm(a, b, c, 0.0), a @ b, rtol=1e-6, atol=1e-6)
    d = np.zeros((3, 20))
    np.testing.assert_allclose(blas.gemm(a.astype(np.float64), b.astype(np.float64), d, 0.0), a @ b, rtol=1e-6)


@pytest.mark.parametrize("a,b,c,error", [
    (np.ones((3, 4), np.float32), np.ones((5, 2), np.float32), np.ones((3, 2), np.float32), ValueError),
    (np.ones((3, 4), np.float32), np.ones((4, 2), np.float32), np.ones((3, 3), np.float32), ValueError),
    (np.ones((3, 4), np.float32), np.ones((4, 2), np.float64), np.ones((3, 2), np.float32), TypeError),
    (np.ones((3, 4), np.float16), np.ones((4, 2), np.float16), np.ones((3, 2), np.float16), TypeError),
    (np.ones((3, 8), np.float32)[:, ::2], np.ones((4, 2), np.float32), np.ones((3, 2), np.float32), ValueError),
    (np.ones((4, 3), np.float32).T, np.ones((4, 2), np.float32), np.ones((3, 2), np.float32), ValueError),
    (np.ones((3, 4), np.float32), np.ones((4, 2), np.float32), np.ones(6, np.float32), ValueError),
    (np.ones((3, 4), np.float32), np.ones((4, 2), np.float32)[::-1], np.ones((3, 2), np.float32), ValueError),
], ids=["inner", "result", "mixed", "half", "strided-columns", "transposed", "1-d", "reversed-rows"])
def test_gemm_refuses_what_blas_would_read_out_of_bounds(a, b, c, error):
    with pytest.raises(error):
        blas.gemm(a, b, c, 0.0)


def test_gemm_refuses_a_read_only_result():
    c = np.zeros((2, 2), np.float32)
    c.flags.writeable = False
    with pytest.raises(ValueError):
        blas.gemm(np.ones((2, 3), np.float32), np.ones((3, 2), np.float32), c, 0.0)

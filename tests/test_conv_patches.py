"""Convolutions whose kernel tiles the image (conv_patches: stride = kernel size) against PyTorch and im2col.

Tolerances as in test_conv.py.
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
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_patches

TOL = dict(atol=1e-4, rtol=1e-4)


@pytest.fixture
def patches(monkeypatch):
    """Counts the convolutions (forward or backward) that took the patches path."""
    return recorded(monkeypatch, cpu_conv, "tiles")


# (batch, C_in, C_out, H, W, kernel): the U-Net's 2x2, and 3x3 and 2x3 tiles, batch 1 and more
CASES = [(2, 6, 4, 5, 7, (2, 2)), (1, 3, 5, 4, 4, (2, 2)), (3, 4, 2, 3, 2, (3, 3)), (2, 5, 3, 4, 3, (2, 3))]


@pytest.mark.parametrize("batch,cin,cout,h,w,kernel", CASES, ids=str)
@pytest.mark.parametrize("bias", [False, True])
def test_transposed_convolution_matches_torch(patches, batch, cin, cout, h, w, kernel, bias):
    shapes = [(batch, cin, h, w), (cin, cout) + kernel] + ([(cout,)] if bias else [])
    out = compare(lambda x, wt, *b: F.conv_transpose2d(x, wt, *b, stride=kernel), shapes=shapes,
                  torch_fn=lambda x, wt, *b: torch.nn.functional.conv_transpose2d(x, wt, *b, stride=kernel), **TOL)
    assert out[0].dtype == minigrad.float32
    assert patches and all(patches)  # forward, input and weight gradients


@pytest.mark.parametrize("batch,cin,cout,h,w,kernel", CASES, ids=str)
def test_patchify_convolution_matches_torch(patches, batch, cin, cout, h, w, kernel):
    shapes = [(batch, cin, h * kernel[0], w * kernel[1]), (cout, cin) + kernel, (cout,)]
    compare(lambda x, wt, b: F.conv2d(x, wt, b, stride=kernel), shapes=shapes,
            torch_fn=lambda x, wt, b: torch.nn.functional.conv2d(x, wt, b, stride=kernel), **TOL)
    assert patches and all(patches)


def test_a_remainder_row_is_not_tiled(patches):
    """A 2x2 stride-2 convolution of a 7x6 image leaves its last row out: the general path computes it."""
    compare(lambda x, wt: F.conv2d(x, wt, stride=2), shapes=[(2, 3, 7, 6), (4, 3, 2, 2)],
            torch_fn=lambda x, wt: torch.nn.functional.conv2d(x, wt, stride=2), **TOL)
    assert patches and not any(patches)


def test_a_1x1_kernel_takes_the_pointwise_gemms(patches):
    """A 1x1 kernel tiles every image, but its columns would be a copy of the input: the pointwise path reads the
    planes themselves (the U-Net's last layer: forward 0.80 -> 0.53 ms, weight gradient 1.14 -> 0.71 ms)."""
    compare(lambda x, wt, b: F.conv2d(x, wt, b), shapes=[(3, 5, 4, 6), (2, 5, 1, 1), (2,)],
            torch_fn=lambda x, wt, b: torch.nn.functional.conv2d(x, wt, b), **TOL)
    assert patches and not any(patches)


def test_patches_and_general_paths_agree_in_float64(monkeypatch):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((3, 5, 4, 6)), rng.standard_normal((5, 7, 2, 2)), rng.standard_normal(7)
    upstream = rng.standard_normal((3, 7, 8, 12))
    results = []
    for limit in (2 ** 40, 0):  # the patches path, then (no columns allowed) the general one
        monkeypatch.setattr(conv_patches, "PATCHES_MAX_BYTES", limit)
        results.append(output_and_gradients(lambda *t: F.conv_transpose2d(*t, stride=2), (x, w, b), upstream))
        assert all(r.dtype == np.float64 for r in results[-1])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("where", ["input", "weight"])
def test_inf_and_nan_reach_exactly_torchs_entries(patches, where):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((3, 2, 2, 2)).astype(np.float32)
    if where == "input":
        x[0, 1, 2, 3], x[1, 0, 0, 0] = np.inf, np.nan
    else:
        w[1, 0, 1, 0], w[2, 1, 0, 1] = -np.inf, np.nan
    results = []
    for lib in (minigrad, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in (x, w)]
        out = lib.nn.functional.conv_transpose2d(*leaves, stride=2)
        out.sum().backward()
        results.append([out.detach().numpy()] + [leaf.grad.numpy() for leaf in leaves])
    for got, want in zip(*results):
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    assert patches and all(patches)


def test_kernel_refuses_arrays_that_do_not_fit():
    x = np.zeros((1, 2, 4, 4), np.float32)
    with pytest.raises(ValueError):
        conv_patches.move_patches(x, 2, 2, np.zeros((8, 3), np.float32), True)
    with pytest.raises(ValueError):
        conv_patches.move_patches(np.zeros((1, 2, 4, 5), np.float32), 2, 2, np.zeros((8, 4), np.float32), False)

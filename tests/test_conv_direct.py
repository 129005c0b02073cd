"""The direct 3x3 convolution kernels of the CPU backend (conv_direct_kernels) against PyTorch and the im2col path.

Tolerances as in test_conv.py: sums of up to C_in*9 products of N(0, 1) numbers, in another order than PyTorch's.
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
from minigrad.backends.cpu import conv_direct

TOL = dict(atol=1e-4, rtol=1e-4)


@pytest.fixture
def direct_calls(monkeypatch):
    """Counts the convolutions that take the direct path (forward or backward); the shifted products, which
    would take most of these ones first (test_conv_shifted.py), are switched off."""
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 2 ** 62)
    monkeypatch.setattr(cpu_conv, "WEIGHT_SHIFTED_MIN_CHANNELS", 2 ** 62)
    return recorded(monkeypatch, conv_direct, "use_direct")


def _args(padding):
    return (lambda x, w, *b: F.conv2d(x, w, *b, padding=padding)), \
        (lambda x, w, *b: torch.nn.functional.conv2d(x, w, *b, padding=padding))


# (batch, C_in, C_out, H, W, padding, bias): odd sizes, channel counts not multiples of the kernels' blocks
CASES = [(1, 3, 16, 16, 16, 1, False), (2, 16, 16, 13, 11, 1, True), (3, 5, 7, 9, 17, 1, True),
         (1, 32, 32, 12, 8, 1, False), (2, 4, 3, 10, 12, 0, True), (1, 6, 5, 8, 10, 2, False),
         (2, 1, 1, 21, 30, 1, True), (1, 2, 9, 40, 11, (1, 0), True)]


@pytest.mark.parametrize("batch,cin,cout,h,w,padding,bias", CASES)
def test_direct_path_matches_torch(direct_calls, batch, cin, cout, h, w, padding, bias):
    fn, torch_fn = _args(padding)
    shapes = [(batch, cin, h, w), (cout, cin, 3, 3)] + ([(cout,)] if bias else [])
    out = compare(fn, shapes=shapes, torch_fn=torch_fn, **TOL)
    assert out[0].dtype == minigrad.float32
    assert direct_calls and all(direct_calls)  # forward and backward both took the direct path


@pytest.mark.parametrize("requires", [[True, False, True], [False, True, False], [False, True, True]],
                         ids=["only-input-grad", "only-weight-grad", "weight-and-bias"])
def test_direct_path_gradient_subsets(direct_calls, requires):
    fn, torch_fn = _args(1)
    compare(fn, shapes=[(2, 8, 11, 12), (6, 8, 3, 3), (6,)], torch_fn=torch_fn, requires_grad=requires, **TOL)
    assert direct_calls and all(direct_calls)


def test_direct_path_non_contiguous_input(direct_calls):
    compare(lambda x, w: F.conv2d(x.transpose(2, 3), w, padding=1), shapes=[(2, 4, 10, 9), (8, 4, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x.transpose(2, 3), w, padding=1), **TOL)
    assert direct_calls and all(direct_calls)


def test_direct_path_float64(direct_calls):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 9, 10)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    out = compare(lambda x, w, b: F.conv2d(x, w, b, padding=1), inputs=[x, w, b],
                  torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), atol=1e-10, rtol=1e-10)
    assert out[0].dtype == minigrad.float64
    leaves = tuple(minigrad.tensor(a, dtype=minigrad.float64, requires_grad=True) for a in (x[:1, :, :8], w, b))
    assert minigrad.gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=1), leaves)
    assert direct_calls and all(direct_calls)


def test_direct_path_transposed_convolution(direct_calls):
    """A stride-1 3x3 conv_transpose2d is the input gradient of a conv2d: its forward pass is direct too."""
    compare(lambda x, w, b: F.conv_transpose2d(x, w, b, padding=1), shapes=[(2, 6, 9, 10), (6, 5, 3, 3), (5,)],
            torch_fn=lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, padding=1), **TOL)
    assert direct_calls and all(direct_calls)


def test_other_convolutions_keep_the_im2col_path(direct_calls):
    for args in (dict(stride=2, padding=1), dict(padding=2, dilation=2), dict(padding=1, groups=2)):
        compare(lambda x, w: F.conv2d(x, w, **args), shapes=[(1, 4, 12, 12), (4, 4 // args.get("groups", 1), 3, 3)],
                torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, **args), **TOL)
    compare(lambda x, w: F.conv2d(x, w, padding=1), shapes=[(1, 64, 10, 10), (64, 64, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, padding=1), **TOL)  # many channels
    compare(lambda x, w: F.conv2d(x, w, padding=1), shapes=[(1, 4, 6, 6), (4, 4, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, padding=1), **TOL)  # narrow rows
    assert direct_calls and not any(direct_calls)


@pytest.mark.parametrize("shape,padding", [((3, 16, 17, 19), 1), ((1, 5, 8, 33), 0), ((2, 3, 9, 9), 2)])
def test_direct_and_im2col_paths_agree(monkeypatch, shape, padding):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((6, shape[1], 3, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    upstream = rng.standard_normal((shape[0], 6, shape[2] + 2 * padding - 2, shape[3] + 2 * padding - 2))
    results = []
    for direct in (True, False):
        monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", 2 ** 30 if direct else -1)
        monkeypatch.setattr(conv_direct, "DIRECT_WEIGHT_MAX_PAIRS", 2 ** 30 if direct else -1)
        results.append(output_and_gradients(lambda *t: F.conv2d(*t, padding=padding), (x, w, b), upstream))
        assert all(r.dtype == np.float32 for r in results[-1])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize("where", ["inside", "edge columns"])
def test_direct_path_propagates_nan_and_inf(direct_calls, where):
    x = np.ones((1, 2, 10, 10), dtype=np.float32)
    if where == "inside":
        x[0, 1, 4, 5], x[0, 0, 7, 2] = np.nan, np.inf
    else:  # first and last columns: the direct kernels' junk columns must not carry them into other taps
        x[0, 1, 4, 9], x[0, 0, 7, 0] = np.inf, -np.inf
    w = np.ones((3, 2, 3, 3), dtype=np.float32)
    ours = [minigrad.tensor(a, requires_grad=True) for a in (x, w)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w)]
    results = []
    for conv, leaves in ((F.conv2d, ours), (torch.nn.functional.conv2d, theirs)):
        out = conv(*leaves, padding=1)
        out.sum().backward()
        results.append([out.detach().numpy()] + [leaf.grad.numpy() for leaf in leaves])
    for got, want in zip(*results):
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    grad_w = results[0][2]
    assert np.isinf(grad_w).any()
    if where == "edge columns":  # inf and -inf in different taps: no NaN, and the other taps stay finite
        assert not np.isnan(grad_w).any() and np.isfinite(grad_w).any()
    assert direct_calls and all(direct_calls)


@pytest.mark.parametrize("cin,cout,kernel,padding,dilation", [(8, 4, (3, 3), 1, 1), (6, 2, (3, 2), "same", 1),
                                                                 (5, 3, (3, 3), (2, 1), 2), (7, 2, (2, 3), 0, 1)],
                         ids=str)
def test_input_gradient_as_a_flipped_convolution(monkeypatch, cin, cout, kernel, padding, dilation):
    """With fewer output than input channels, conv2d's input gradient is the convolution of the output's gradient
    with the flipped kernel (C^T as a convolution); same numbers as PyTorch's, asymmetric 'same' padding too."""
    taken = recorded(monkeypatch, cpu_conv, "_input_grad_as_convolution")
    monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", 0)  # not the direct kernels, which flip on their own
    monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 2 ** 62)  # nor the shifted ones (test_conv_shifted.py)
    args = dict(padding=padding, dilation=dilation)
    compare(lambda x, w: F.conv2d(x, w, **args), shapes=[(2, cin, 9, 10), (cout, cin) + kernel],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, **args), **TOL)
    assert True in taken


@pytest.mark.parametrize("cin,cout,size,padding", [(40, 30, 32, 1), (36, 34, 34, 0), (48, 24, 34, 2)])
def test_direct_weight_gradient_for_more_channels(monkeypatch, cin, cout, size, padding):
    """More channel pairs than the direct convolution takes, on images of at least DIRECT_WEIGHT_MIN_PIXELS: the
    weight gradient alone takes the direct kernel (with a small task cap, so chunks grow), the rest does not. (With
    16 input channels or more the shifted weight gradient comes first: switched off here.)"""
    monkeypatch.setattr(conv_direct, "DIRECT_WEIGHT_MAX_TASKS", 3)
    monkeypatch.setattr(cpu_conv, "WEIGHT_SHIFTED_MIN_CHANNELS", 2 ** 62)
    taken = recorded(monkeypatch, conv_direct, "use_direct_weight_grad")
    fn, torch_fn = _args(padding)
    compare(fn, shapes=[(2, cin, size, size), (cout, cin, 3, 3)], torch_fn=torch_fn, **TOL)
    assert taken == [True] and not conv_direct.use_direct(cpu_conv._layout(
        (2, cin, size, size), np.empty((cout, cin, 3, 3)), (1, 1), (padding, padding), (1, 1), 1,
        (size + 2 * padding - 2,) * 2))

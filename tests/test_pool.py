"""Max and average pooling against PyTorch: random configurations, indices, ties, NaN, modules, errors."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from devices import sized
from helpers import compare
from minigrad.ops.pool import pool_output_size

TF = torch.nn.functional


def _random_configs(count, seed, dilation):
    """Valid random configurations: kernel 1–4, stride 1–3, padding ≤ kernel/2, odd sizes, ceil_mode."""
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < count:
        k = tuple(int(v) for v in rng.integers(1, 5, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        d = tuple(int(v) for v in rng.integers(1, 3, 2)) if dilation else (1, 1)
        ceil = bool(rng.integers(0, 2))
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(3, 12)), int(rng.integers(3, 12)))
        if min(pool_output_size(n, kk, ss, pp, dd, ceil) for n, kk, ss, pp, dd in zip(shape[2:], k, s, p, d)) < 1:
            continue
        configs.append((shape, k, s, p, d, ceil))
    return configs


@pytest.mark.parametrize("shape,k,s,p,d,ceil", sized(_random_configs(30, seed=1, dilation=True), simulator=6))
def test_max_pool2d_random_configs_with_indices(shape, k, s, p, d, ceil, device):
    compare(lambda x: F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True), shapes=[shape],
            torch_fn=lambda x: TF.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True), device=device)


@pytest.mark.parametrize("shape,k,s,p,_,ceil", sized(_random_configs(30, seed=2, dilation=False), simulator=4))
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d_random_configs(shape, k, s, p, _, ceil, count_include_pad, device):
    compare(lambda x: F.avg_pool2d(x, k, s, p, ceil, count_include_pad), shapes=[shape],
            torch_fn=lambda x: TF.avg_pool2d(x, k, s, p, ceil, count_include_pad), device=device)


@pytest.mark.parametrize("divisor", [1, 3, 7])
def test_avg_pool2d_divisor_override(divisor, device):
    compare(lambda x: F.avg_pool2d(x, 3, 2, 1, True, False, divisor), shapes=[(2, 3, 7, 6)],
            torch_fn=lambda x: TF.avg_pool2d(x, 3, 2, 1, True, False, divisor), device=device)


@pytest.mark.parametrize("shape", [(2, 3, 8, 10), (1, 2, 9, 7), (3, 16, 16)])
@pytest.mark.parametrize("ceil", [False, True])
def test_unet_2x2_stride_2_pool_fast_path(shape, ceil, device):
    compare(lambda x: F.max_pool2d(x, 2, 2, ceil_mode=ceil, return_indices=True), shapes=[shape],
            torch_fn=lambda x: TF.max_pool2d(x, 2, 2, ceil_mode=ceil, return_indices=True), device=device)


@pytest.mark.parametrize("k,s", [(2, 2), (3, 1), (3, 2)])
def test_max_pool2d_ties_take_the_first_maximum(k, s, device):
    # Few distinct values: most windows hold ties, and overlapping windows share argmaxes.
    x = np.random.default_rng(4).integers(0, 3, (2, 2, 7, 8)).astype(np.float32)
    compare(lambda x: F.max_pool2d(x, k, s, padding=1, return_indices=True), inputs=[x],
            torch_fn=lambda x: TF.max_pool2d(x, k, s, padding=1, return_indices=True), device=device)


@pytest.mark.parametrize("k", [2, 3])
def test_max_pool2d_nan_propagates_like_torch(k, device):
    x = np.random.default_rng(5).standard_normal((1, 2, 6, 6)).astype(np.float32)
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = x[0, 1, 4, 3] = np.nan
    out, idx = F.max_pool2d(minigrad.tensor(x, device=device), k, 1, return_indices=True)
    t_out, t_idx = TF.max_pool2d(torch.tensor(x), k, 1, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), t_out.numpy())  # NaN positions equal too
    np.testing.assert_array_equal(idx.numpy(), t_idx.numpy())


@pytest.mark.parametrize("shape", [(2, 1, 1, 9), (3, 2, 5, 7)])
def test_max_pool2d_window_wholly_in_the_padding(shape, device):
    """ceil_mode with dilation can make a window that lies wholly in the padding: -inf, with an index past the
    plane, as PyTorch's. PyTorch's backward then writes that gradient past the plane (into the next sample's, or
    past the buffer: a heap corruption, so it is not run here); minigrad drops it, and writes each other window's
    gradient at its maximum."""
    args = dict(kernel_size=(2, 1), stride=(3, 2), padding=(1, 0), dilation=(2, 2), ceil_mode=True)
    values = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    theirs, their_indices = torch.nn.functional.max_pool2d(torch.tensor(values), return_indices=True, **args)
    x = minigrad.tensor(values, device=device, requires_grad=True)
    ours, indices = F.max_pool2d(x, return_indices=True, **args)
    np.testing.assert_array_equal(ours.detach().cpu().numpy(), theirs.numpy())
    np.testing.assert_array_equal(indices.cpu().numpy(), their_indices.numpy())
    upstream = np.random.default_rng(1).standard_normal(tuple(ours.shape)).astype(np.float32)
    ours.backward(minigrad.tensor(upstream, device=device))
    plane = shape[2] * shape[3]
    expected = np.zeros((shape[0] * shape[1], plane), np.float32)
    for p, (places, grads) in enumerate(zip(their_indices.numpy().reshape(len(expected), -1),
                                            upstream.reshape(len(expected), -1))):
        for place, grad in zip(places, grads):
            if place < plane:
                expected[p, place] += grad
    np.testing.assert_allclose(x.grad.cpu().numpy().reshape(expected.shape), expected, rtol=1e-6)


def test_modules_match_torch():
    compare(lambda x: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)(x), shapes=[(2, 3, 9, 8)],
            torch_fn=lambda x: torch.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)(x))
    compare(lambda x: nn.AvgPool2d((2, 3), stride=(1, 2), count_include_pad=False, padding=1)(x),
            shapes=[(2, 3, 6, 7)],
            torch_fn=lambda x: torch.nn.AvgPool2d((2, 3), stride=(1, 2), count_include_pad=False, padding=1)(x))
    out, idx = nn.MaxPool2d(2, return_indices=True)(minigrad.randn(1, 2, 4, 4))
    assert idx.dtype == minigrad.int64 and tuple(idx.shape) == (1, 2, 2, 2)


def test_float64_stays_float64():
    x = minigrad.randn(1, 2, 5, 5, dtype=minigrad.float64, requires_grad=True)
    for y in (F.max_pool2d(x, 3, 1), F.avg_pool2d(x, 3, 1, 1)):
        y.sum().backward()
        assert y.dtype == x.grad.dtype == minigrad.float64


def test_gradcheck_float64():
    gradcheck = minigrad.gradcheck
    rng = np.random.default_rng(0)
    # Distinct, well-separated values so no max changes within the finite-difference step.
    x = minigrad.tensor(rng.permutation(50)[:2 * 5 * 5].reshape(1, 2, 5, 5) / 4.0, dtype=minigrad.float64,
                        requires_grad=True)
    assert gradcheck(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert gradcheck(lambda x: F.avg_pool2d(x, 3, 2, 1, True, False), (x,))


def test_errors():
    x = minigrad.zeros(1, 2, 5, 5)
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(x, 3, padding=2)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match=r"Given input size: \(2x5x5\). Calculated output size: \(2x0x0\). "
                                           r"Output size is too small"):
        F.max_pool2d(x, 7)
    with pytest.raises(RuntimeError, match="3D or 4D"):
        F.max_pool2d(minigrad.zeros(5, 5), 2)
    with pytest.raises(RuntimeError, match="stride should be greater than zero"):
        F.max_pool2d(x, 2, stride=0)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)


@pytest.mark.parametrize("shape,output_size", [((2, 3, 7, 7), (1, 1)), ((2, 3, 7, 9), (3, 4)), ((3, 10, 6), (4, None)),
                                               ((1, 2, 5, 5), 2), ((2, 3, 8, 8), (2, 4)), ((1, 1, 3, 3), 5),
                                               ((2, 2, 6, 6), 1)])
def test_adaptive_avg_pool2d(shape, output_size, device):
    compare(lambda x: F.adaptive_avg_pool2d(x, output_size), shapes=[shape],
            torch_fn=lambda x: TF.adaptive_avg_pool2d(x, output_size), device=device)


def test_adaptive_avg_pool2d_module_nan_pattern_and_errors():
    ours, theirs = minigrad.nn.AdaptiveAvgPool2d((2, 3)), torch.nn.AdaptiveAvgPool2d((2, 3))
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 7)).astype(np.float32)
    x[0, 0, 0, 0], x[0, 1, 4, 6] = np.inf, np.nan  # each reaches only the windows that hold it
    compare(ours, inputs=[x], torch_fn=theirs, grad=False)
    with pytest.raises(ValueError, match="Expected 3D or 4D"):
        F.adaptive_avg_pool2d(minigrad.ones(4, 4), 2)
    x64 = minigrad.tensor(np.random.default_rng(1).standard_normal((1, 2, 5, 7)), dtype=minigrad.float64,
                          requires_grad=True)
    assert minigrad.gradcheck(lambda t: F.adaptive_avg_pool2d(t, (2, 3)), (x64,))

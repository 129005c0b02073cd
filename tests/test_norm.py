"""Batch normalisation against PyTorch: forward, gradients, running statistics, modes, state_dict, errors."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

TF = torch.nn.functional
SHAPES = [(2, 3, 4, 5), (3, 4, 1, 7), (1, 2, 3, 3), (5, 3), (2, 3, 6)]


def _data(shape, seed=0, offset=0.0, spread=1.0):
    rng = np.random.default_rng(seed)
    return (offset + spread * rng.standard_normal(shape)).astype(np.float32)


@pytest.mark.parametrize("shape", SHAPES)
def test_training_forward_and_gradients_of_input_weight_bias(shape, device):
    C = shape[1]
    compare(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
            inputs=[_data(shape, offset=2.0, spread=3.0), _data((C,), 1), _data((C,), 2)],
            torch_fn=lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True), device=device)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 3)])
def test_training_without_affine(shape, device):
    compare(lambda x: F.batch_norm(x, None, None, training=True), inputs=[_data(shape)],
            torch_fn=lambda x: TF.batch_norm(x, None, None, training=True), device=device)


def test_weight_only_and_bias_only():
    x, p = _data((2, 3, 4, 4)), _data((3,), 1)
    compare(lambda x, w: F.batch_norm(x, None, None, weight=w, training=True), inputs=[x, p],
            torch_fn=lambda x, w: TF.batch_norm(x, None, None, weight=w, training=True))
    compare(lambda x, b: F.batch_norm(x, None, None, bias=b, training=True), inputs=[x, p],
            torch_fn=lambda x, b: TF.batch_norm(x, None, None, bias=b, training=True))


def test_large_mean_keeps_the_variance_accurate(device):
    # A mean 10^3 times the spread: a naive float32 E[x²] − E[x]² would lose every digit of the variance.
    x = _data((4, 3, 16, 16), offset=1000.0, spread=1.0)
    out = F.batch_norm(minigrad.tensor(x, device=device), None, None, training=True).numpy()
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(0, 2, 3), keepdims=True), x64.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, (x64 - mean) / np.sqrt(var + 1e-5), atol=2e-4)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 3)])
def test_eval_uses_running_statistics_and_gradients(shape, device):
    C = shape[1]
    rng = np.random.default_rng(3)
    inputs = [_data(shape), _data((C,), 4), rng.uniform(0.5, 2.0, C).astype(np.float32),
              _data((C,), 5), _data((C,), 6)]
    compare(lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False), inputs=inputs,
            requires_grad=[True, False, False, True, True],
            torch_fn=lambda x, m, v, w, b: TF.batch_norm(x, m, v, w, b, training=False), device=device)


@pytest.mark.parametrize("training", [True, False])
def test_gradient_of_input_only_with_frozen_affine(training, device):
    C = 3
    inputs = [_data((2, C, 4, 3)), _data((C,), 4), np.full(C, 1.5, np.float32), _data((C,), 5), _data((C,), 6)]
    compare(lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=training), inputs=inputs,
            requires_grad=[True, False, False, False, False], device=device,
            torch_fn=lambda x, m, v, w, b: TF.batch_norm(x, m.clone(), v.clone(), w, b, training=training))


@pytest.mark.parametrize("training", [True, False])
def test_fused_batch_norm_relu(training, device):
    C = 4
    rng = np.random.default_rng(7)
    inputs = [_data((2, C, 5, 3)), _data((C,), 1), rng.uniform(0.5, 2.0, C).astype(np.float32),
              _data((C,), 2), _data((C,), 3)]
    compare(lambda x, m, v, w, b: F.batch_norm_relu(x, m, v, w, b, training=training), inputs=inputs,
            requires_grad=[True, False, False, True, True], device=device,
            torch_fn=lambda x, m, v, w, b: TF.relu(TF.batch_norm(x, m.clone(), v.clone(), w, b,
                                                                  training=training)))


def test_functional_updates_running_buffers_in_place():
    x = _data((3, 4, 5, 5), offset=1.0, spread=2.0)
    rm, rv = minigrad.zeros(4), minigrad.ones(4)
    trm, trv = torch.zeros(4), torch.ones(4)
    array_before = rm.array
    F.batch_norm(minigrad.tensor(x), rm, rv, training=True, momentum=0.25)
    TF.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.25)
    assert rm.array is array_before
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), atol=1e-6, rtol=1e-6)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), atol=1e-6, rtol=1e-6)  # unbiased variance
    assert rm.dtype == minigrad.float32 and rv.dtype == minigrad.float32


def _train_both(mg_layer, th_layer, shape, steps=4):
    for step in range(steps):
        x = _data(shape, seed=10 + step, offset=step - 1.5, spread=1.0 + step)
        out = mg_layer(minigrad.tensor(x)).detach()
        expected = th_layer(torch.tensor(x))
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_running_statistics_after_training_steps_and_eval_output(momentum):
    mg, th = nn.BatchNorm2d(3, momentum=momentum), torch.nn.BatchNorm2d(3, momentum=momentum)
    _train_both(mg, th, (2, 3, 5, 4))
    np.testing.assert_allclose(mg.running_mean.numpy(), th.running_mean.numpy(), atol=1e-6, rtol=1e-5)
    np.testing.assert_allclose(mg.running_var.numpy(), th.running_var.numpy(), atol=1e-6, rtol=1e-5)
    assert mg.num_batches_tracked.item() == th.num_batches_tracked.item() == 4
    assert mg.num_batches_tracked.dtype == minigrad.int64 and tuple(mg.num_batches_tracked.shape) == ()
    mg.eval()
    th.eval()
    x = _data((2, 3, 5, 4), seed=99)
    np.testing.assert_allclose(mg(minigrad.tensor(x)).detach().numpy(), th(torch.tensor(x)).detach().numpy(),
                               atol=1e-5, rtol=1e-4)
    assert mg.num_batches_tracked.item() == 4  # eval does not count


def test_batchnorm1d_running_statistics():
    mg, th = nn.BatchNorm1d(5), torch.nn.BatchNorm1d(5)
    _train_both(mg, th, (6, 5))
    _train_both(mg, th, (3, 5, 4), steps=2)
    np.testing.assert_allclose(mg.running_var.numpy(), th.running_var.numpy(), atol=1e-6, rtol=1e-5)


def test_affine_false_and_untracked_statistics():
    mg = nn.BatchNorm2d(3, affine=False, track_running_stats=False)
    th = torch.nn.BatchNorm2d(3, affine=False, track_running_stats=False)
    assert mg.weight is None and mg.running_mean is None and list(mg.parameters()) == []
    assert list(mg.state_dict()) == list(th.state_dict()) == []
    mg.eval()
    th.eval()
    _train_both(mg, th, (2, 3, 4, 4), steps=1)  # eval still normalises with the batch's statistics


@pytest.mark.parametrize("kwargs", [{}, dict(bias=False), dict(affine=False), dict(momentum=None)])
def test_repr_and_state_dict_keys_match_torch(kwargs):
    mg, th = nn.BatchNorm2d(4, **kwargs), torch.nn.BatchNorm2d(4, **kwargs)
    assert repr(mg) == repr(th)
    assert list(mg.state_dict()) == list(th.state_dict())
    assert [n for n, _ in mg.named_parameters()] == [n for n, _ in th.named_parameters()]


def test_bias_false_scales_without_a_shift():
    th = torch.nn.BatchNorm2d(3, bias=False)
    with torch.no_grad():
        th.weight.mul_(1.5)
    mg = nn.BatchNorm2d(3, bias=False)
    mg.load_state_dict({k: v.numpy() for k, v in th.state_dict().items()})
    x = _data((2, 3, 4, 4), offset=0.5)
    mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    g = _data((2, 3, 4, 4), seed=7)
    out, expected = mg(mx), th(tx)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-5, rtol=1e-4)
    out.backward(minigrad.tensor(g))
    expected.backward(torch.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(mg.weight.grad.numpy(), th.weight.grad.numpy(), atol=1e-4, rtol=1e-4)


def test_state_dict_keys_order_and_load_from_torch():
    th = torch.nn.BatchNorm2d(4)
    assert list(nn.BatchNorm2d(4).state_dict()) == list(th.state_dict())
    _train_both(nn.BatchNorm2d(4), th, (2, 4, 3, 3), steps=3)
    with torch.no_grad():
        th.weight.mul_(1.5)
        th.bias.add_(0.25)
    mg = nn.BatchNorm2d(4)
    mg.load_state_dict({k: v.numpy() for k, v in th.state_dict().items()})
    assert mg.num_batches_tracked.item() == 3
    mg.eval()
    th.eval()
    x = _data((2, 4, 3, 3), seed=5)
    np.testing.assert_allclose(mg(minigrad.tensor(x)).detach().numpy(), th(torch.tensor(x)).detach().numpy(),
                               atol=1e-5, rtol=1e-4)


def test_module_gradients_reach_parameters():
    mg, th = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    x = _data((2, 3, 4, 4), offset=0.5)
    g = _data((2, 3, 4, 4), seed=1)
    (mg(minigrad.tensor(x)) * minigrad.tensor(g)).sum().backward()
    (th(torch.tensor(x)) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(mg.weight.grad.numpy(), th.weight.grad.numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(mg.bias.grad.numpy(), th.bias.grad.numpy(), atol=1e-5, rtol=1e-4)


def test_float64_stays_float64():
    x = minigrad.tensor(_data((2, 3, 4, 4)).astype(np.float64), dtype=minigrad.float64, requires_grad=True)
    w = minigrad.ones(3, dtype=minigrad.float64, requires_grad=True)
    y = F.batch_norm(x, None, None, w, training=True)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == minigrad.float64


def test_gradcheck_float64():
    gradcheck = minigrad.gradcheck
    rng = np.random.default_rng(0)

    def t(shape):
        return minigrad.tensor(rng.standard_normal(shape), dtype=minigrad.float64, requires_grad=True)

    x, w, b = t((2, 3, 3, 2)), t((3,)), t((3,))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    m = minigrad.tensor(rng.standard_normal(3), dtype=minigrad.float64)
    v = minigrad.tensor(rng.uniform(0.5, 2, 3), dtype=minigrad.float64)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, m, v, w, b, training=False), (x, w, b))
    # Shift away from zero so no output sits on the ReLU's kink within the finite-difference step.
    assert gradcheck(lambda x, w, b: F.batch_norm_relu(x, m, v, w, b + 0.05, training=False), (x, w, b))


def test_errors_name_the_layer_and_sizes():
    with pytest.raises(RuntimeError, match="running_mean should contain 8 elements not 16"):
        nn.BatchNorm2d(16)(minigrad.zeros(2, 8, 4, 4))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(minigrad.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(minigrad.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm2d(3)(minigrad.zeros(1, 3, 1, 1))
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements"):
        F.batch_norm(minigrad.zeros(2, 3), minigrad.zeros(4), minigrad.ones(4), training=True)
    with pytest.raises(RuntimeError, match="evaluation mode"):
        F.batch_norm(minigrad.zeros(2, 3), None, None, training=False)

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare

TF = torch.nn.functional


@pytest.mark.parametrize("shape", [(7,), (2, 3, 4, 5), ()])
@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_pointwise_activations(name, shape, device):
    compare(lambda x: getattr(x, name)(), shapes=[shape], device=device)
    compare(lambda x: getattr(minigrad, name)(x), shapes=[shape], torch_fn=getattr(torch, name), device=device)
    compare(lambda x: getattr(F, name)(x), shapes=[shape], torch_fn=getattr(TF, name), device=device)


@pytest.mark.parametrize("slope", [0.01, 0.2, -0.5])
def test_leaky_relu(slope, device):
    compare(lambda x: F.leaky_relu(x, slope), shapes=[(3, 4, 5)], torch_fn=lambda x: TF.leaky_relu(x, slope),
            device=device)
    compare(lambda x: F.leaky_relu(x), shapes=[(6,)], torch_fn=lambda x: TF.leaky_relu(x), device=device)


def test_relu_kernels_on_non_contiguous_input_and_dtypes():
    compare(lambda x: x.permute(2, 0, 1).relu(), shapes=[(3, 4, 5)])
    compare(lambda x: F.leaky_relu(x.transpose(0, 1), 0.1), shapes=[(3, 4)],
            torch_fn=lambda x: TF.leaky_relu(x.transpose(0, 1), 0.1))
    out = compare(lambda x: x.relu(), inputs=[np.linspace(-1, 1, 9)])
    assert out[0].dtype == minigrad.float64
    x = minigrad.tensor([-1.0, 0.0, 2.0, float("nan")], requires_grad=True)
    y = x.relu()
    assert y.dtype == minigrad.float32 and np.isnan(y.detach().numpy()[3])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 1, 1])  # 0 at 0, passed at NaN, as torch


def test_sigmoid_and_tanh_saturate_without_warnings():
    big = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        compare(lambda x: x.sigmoid(), inputs=[big])
        compare(lambda x: x.tanh(), inputs=[big])


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_and_log_softmax(name, dim, device):
    compare(lambda x: getattr(x, name)(dim), shapes=[(2, 3, 4)], device=device)
    compare(lambda x: getattr(F, name)(x, dim=dim), shapes=[(2, 3, 4)],
            torch_fn=lambda x: getattr(TF, name)(x, dim=dim), device=device)
    compare(lambda x: getattr(minigrad, name)(x, dim), shapes=[(2, 3, 4)],
            torch_fn=lambda x: getattr(torch, name)(x, dim), device=device)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_is_stable_for_huge_logits(name):
    logits = np.array([[1e4, 0.0, -1e4], [1e4, 1e4 - 1, 3.0], [-1e4, -1e4, -1e4]], dtype=np.float32)
    out = compare(lambda x: getattr(x, name)(1), inputs=[logits])
    assert np.all(np.isfinite(out[0].detach().numpy()))


def test_softmax_without_dim_warns_and_picks_torch_legacy_dim():
    with pytest.warns(UserWarning, match="Implicit dimension"):
        compare(lambda x: F.softmax(x), shapes=[(3, 4)], torch_fn=lambda x: TF.softmax(x, dim=1))


def test_softmax_dim_out_of_range():
    with pytest.raises(IndexError, match="Dimension out of range"):
        minigrad.ones(2, 3).softmax(2)


@pytest.mark.parametrize("fn", [
    lambda x: x.relu(), lambda x: F.leaky_relu(x, 0.1), lambda x: x.sigmoid(), lambda x: x.tanh(),
    lambda x: x.softmax(1), lambda x: x.log_softmax(-1), lambda x: x.softmax(0) * x],
    ids=["relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "softmax_product"])
def test_gradcheck_activations(fn):
    rng = np.random.default_rng(0)
    values = rng.standard_normal((3, 4))
    values[np.abs(values) < 0.05] = 0.5  # keep away from relu's kink, where differences are meaningless
    x = minigrad.tensor(values, dtype=minigrad.float64, requires_grad=True)
    assert minigrad.gradcheck(fn, (x,))

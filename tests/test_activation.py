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


@pytest.mark.parametrize("size", [100, 16383, 16384, 40000], ids=["serial", "serial-last", "parallel-first",
                                                                    "parallel"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_kernels_serial_and_parallel(size, dtype):
    # below backends/cpu/activation.SERIAL_BELOW elements the kernels run on one thread: both paths, with
    # saturating, infinite and NaN inputs, against PyTorch, dtype kept
    rng = np.random.default_rng(size)
    x = (rng.standard_normal(size) * 8).astype(dtype)
    x[:4] = [np.inf, -np.inf, np.nan, 90.0]
    out = compare(lambda t: t.sigmoid(), inputs=[x], atol=1e-6, rtol=1e-5)
    assert out[0].dtype == getattr(minigrad, dtype)


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


SMOOTH = [("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}), ("elu", {}),
          ("elu", {"alpha": 0.7}), ("selu", {}), ("celu", {"alpha": 2.0}), ("softplus", {}),
          ("softplus", {"beta": 2, "threshold": 3}), ("logsigmoid", {}), ("hardtanh", {}),
          ("hardtanh", {"min_val": -0.5, "max_val": 2.0}), ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {})]
# each activation's kinks and thresholds, where PyTorch's gradient takes one side
KINKS = np.array([-3.0, -1.0, -0.5, 0.0, 1.0, 1.5, 2.0, 3.0, 6.0, -7.0, 8.0, 25.0, -25.0], dtype=np.float32)


@pytest.mark.parametrize("name,options", SMOOTH, ids=[f"{n}-{'-'.join(map(str, o.values()))}" for n, o in SMOOTH])
def test_smooth_and_piecewise_activations(name, options, device):
    compare(lambda x: getattr(F, name)(x, **options), shapes=[(3, 4, 5)], low=-4.0, high=4.0,
            torch_fn=lambda x: getattr(TF, name)(x, **options), device=device)
    compare(lambda x: getattr(F, name)(x, **options), inputs=[KINKS],
            torch_fn=lambda x: getattr(TF, name)(x, **options), device=device)


@pytest.mark.parametrize("name,options", SMOOTH, ids=[f"{n}-{'-'.join(map(str, o.values()))}" for n, o in SMOOTH])
def test_activation_modules_match_torch(name, options):
    module = {"gelu": "GELU", "silu": "SiLU", "mish": "Mish", "elu": "ELU", "selu": "SELU", "celu": "CELU",
              "softplus": "Softplus", "logsigmoid": "LogSigmoid", "hardtanh": "Hardtanh", "relu6": "ReLU6",
              "hardsigmoid": "Hardsigmoid", "hardswish": "Hardswish"}[name]
    ours, theirs = getattr(minigrad.nn, module)(**options), getattr(torch.nn, module)(**options)
    assert repr(ours) == repr(theirs)
    compare(ours, shapes=[(2, 6)], torch_fn=theirs)


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6", "hardsigmoid",
                                  "hardswish"])
def test_inplace_activations(name):
    values = np.linspace(-4, 4, 9, dtype=np.float32)
    x, t = minigrad.tensor(values), torch.tensor(values)
    assert getattr(F, name)(x, inplace=True) is x
    getattr(TF, name)(t, inplace=True)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


def test_activations_of_huge_inputs_stay_finite_as_torch():
    big = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], dtype=np.float32)
    for name in ("silu", "mish", "softplus", "logsigmoid", "elu", "gelu"):
        compare(lambda x: getattr(F, name)(x), inputs=[big], torch_fn=getattr(TF, name))


@pytest.mark.parametrize("channels", [1, 3])
def test_prelu(channels, device):
    compare(lambda x, w: F.prelu(x, w), inputs=[np.random.default_rng(0).standard_normal((2, 3, 4, 4),
                                                                                        dtype=np.float32),
                                                 np.array([0.25, -0.5, 1.5][:channels], dtype=np.float32)],
            torch_fn=TF.prelu, device=device)
    ours, theirs = minigrad.nn.PReLU(channels), torch.nn.PReLU(channels)
    assert repr(ours) == repr(theirs) and ours.weight.tolist() == theirs.weight.tolist()
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F.prelu(minigrad.ones(2, 5), minigrad.ones(3))


def test_activation_argument_errors_as_torch():
    with pytest.raises(RuntimeError, match="approximate argument"):
        F.gelu(minigrad.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(minigrad.ones(2), 1.0, -1.0)


@pytest.mark.parametrize("name,options", SMOOTH[:11], ids=[f"{n}-{'-'.join(map(str, o.values()))}"
                                                           for n, o in SMOOTH[:11]])
def test_smooth_activations_by_central_differences(name, options):
    x = minigrad.tensor(np.random.default_rng(2).uniform(-3, 3, (3, 5)), dtype=minigrad.float64,
                        requires_grad=True)
    assert minigrad.gradcheck(lambda t: getattr(F, name)(t, **options), (x,))


@pytest.mark.parametrize("name,options", SMOOTH, ids=[f"{n}-{'-'.join(map(str, o.values()))}" for n, o in SMOOTH])
def test_activations_in_float64_equal_torch_to_its_last_digits(name, options):
    """PyTorch's own constants included: its hardsigmoid backward scales by 1/6 rounded to float32, in float64 too.
    (PyTorch's vectorized tanh, from Sleef, differs from numpy's by an ulp on a fifth of these inputs; in gelu-tanh's
    gradient, a sum of two terms that nearly cancel, that ulp is 1e-15: hence atol 2e-15, a few ulps of 1.)"""
    x = np.random.default_rng(7).uniform(-4, 4, (4, 6))
    compare(lambda t: getattr(F, name)(t, **options), inputs=[x], torch_fn=lambda t: getattr(TF, name)(t, **options),
            atol=2e-15, rtol=1e-13)

"""Unary math against PyTorch: rounding, sin cos, erf expm1, reciprocal rsqrt square; values, gradients, dtypes,
signed zeros and non-finite inputs, on the CPU and (MINIGRAD_TEST_DEVICE=cuda) the GPU."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

# halves, signed zeros, integers beyond float32's fraction, non-finite values
EDGES = np.array([-2.5, -1.5, -0.5, -0.3, -0.0, 0.0, 0.3, 0.5, 0.7, 1.5, 2.5, 3.5, 4.4999995, 0.49999997,
                  8388609.0, -1e10, 1e30, np.inf, -np.inf, np.nan], dtype=np.float32)
NAMES = ["floor", "ceil", "round", "trunc", "fix", "sin", "cos", "erf", "expm1", "reciprocal", "rsqrt", "square"]


@pytest.mark.parametrize("name", NAMES)
def test_values_and_gradients_equal_torch(name, device):
    low, high = (0.2, 4.0) if name == "rsqrt" else (-3.0, 3.0)
    compare(lambda x: getattr(x, name)(), shapes=[(4, 5)], low=low, high=high, device=device)
    compare(lambda x: getattr(minigrad, name)(x), shapes=[(7,)], low=low, high=high,
            torch_fn=getattr(torch, name), device=device)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sin", "cos", "erf", "expm1", "reciprocal"])
def test_edge_values_keep_torch_signs_and_non_finite_results(name, device):
    with np.errstate(all="ignore"):
        ours = getattr(minigrad, name)(minigrad.tensor(EDGES, device=device)).cpu().numpy()
    theirs = getattr(torch, name)(torch.tensor(EDGES)).numpy()
    finite = np.isfinite(theirs)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(ours[~finite & ~np.isnan(theirs)], theirs[~finite & ~np.isnan(theirs)])
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=2e-7, atol=0)
    np.testing.assert_array_equal(np.signbit(ours[~np.isnan(ours)]), np.signbit(theirs[~np.isnan(theirs)]))


@pytest.mark.parametrize("decimals", [1, 2, -1, -2])
def test_round_with_decimals(decimals, device):
    values = np.array([1.2345, -1.2355, 1234.5, 1250.0, -0.05, 0.15, 99.95], dtype=np.float32)
    compare(lambda x: minigrad.round(x, decimals=decimals), inputs=[values],
            torch_fn=lambda x: torch.round(x, decimals=decimals), device=device)


def test_dtypes_follow_torch():
    integers = minigrad.tensor([1, -2, 3])
    for name in ("floor", "ceil", "round", "trunc", "square"):
        out = getattr(minigrad, name)(integers)
        assert out.dtype == minigrad.int64, name
        assert out.tolist() == getattr(torch, name)(torch.tensor([1, -2, 3])).tolist()
    for name in ("sin", "cos", "erf", "expm1", "reciprocal", "rsqrt"):
        assert getattr(minigrad, name)(integers.abs()).dtype == minigrad.float32, name
    doubles = minigrad.tensor([0.5, 1.5], dtype=minigrad.float64)
    for name in NAMES:
        assert getattr(doubles, name)().dtype == minigrad.float64, name


def test_in_place_versions():
    for name in NAMES:
        x = minigrad.tensor([0.4, 1.5, 2.6])
        t = torch.tensor([0.4, 1.5, 2.6])
        returned = getattr(x, name + "_")()
        getattr(t, name + "_")()
        assert returned is x
        np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["sin", "cos", "erf", "expm1", "reciprocal", "rsqrt"])
def test_central_differences_in_float64(name):
    x = minigrad.tensor(np.random.default_rng(1).uniform(0.3, 2.0, (3, 4)), dtype=minigrad.float64,
                        requires_grad=True)
    assert minigrad.gradcheck(lambda t: getattr(t, name)(), (x,))


FLOAT_OF_INTEGERS = ["sqrt", "exp", "log", "sin", "cos", "tanh", "sigmoid", "rsqrt", "log1p", "expm1", "erf",
                     "reciprocal", "log2", "log10", "exp2", "atan", "asin", "lgamma", "digamma", "erfinv", "sinh",
                     "erfc", "logit", "sinc", "asinh", "tan", "cosh", "deg2rad", "rad2deg"]


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "int16", "int8", "bool"])
def test_float_functions_of_integer_tensors_are_float32_as_torch(dtype):
    """PyTorch computes exp, sqrt, sigmoid... of an integer or bool tensor in float32 (until 2026-11-30 minigrad
    kept sqrt, exp, log, log1p and tanh in numpy's float64 or float16, and sigmoid in the integer dtype)."""
    values = [True, False] if dtype == "bool" else [1, 4]
    for name in FLOAT_OF_INTEGERS:
        ours = getattr(minigrad.tensor(values, dtype=getattr(minigrad, dtype)), name)()
        theirs = getattr(torch.tensor(values, dtype=getattr(torch, dtype)), name)()
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1] == "float32", name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, err_msg=name)

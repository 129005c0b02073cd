"""Trigonometric, hyperbolic and special functions, and PyTorch's alias names, against PyTorch: values, every
gradient, dtypes, domain edges and non-finite inputs, on the CPU and (MINIGRAD_TEST_DEVICE=cuda) the GPU."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

# (name, low, high): inputs inside each function's domain, away from its poles
UNARY = [("tan", -1.2, 1.2), ("asin", -0.9, 0.9), ("acos", -0.9, 0.9), ("atan", -3, 3), ("sinh", -3, 3),
         ("cosh", -3, 3), ("asinh", -3, 3), ("acosh", 1.1, 4), ("atanh", -0.9, 0.9), ("erfc", -3, 3),
         ("deg2rad", -200, 200), ("rad2deg", -3, 3), ("sinc", -3, 3), ("logit", 0.05, 0.95)]
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
           "arctanh": "atanh", "negative": "neg", "absolute": "abs"}
EDGES = np.array([-np.inf, -1e30, -100.0, -2.0, -1.0, -0.5, -0.0, 0.0, 1e-30, 0.5, 1.0, 2.0, 100.0, 1e30, np.inf,
                  np.nan], dtype=np.float32)


@pytest.mark.parametrize("name,low,high", UNARY)
def test_values_and_gradients_equal_torch(name, low, high, device):
    compare(lambda x: getattr(x, name)(), shapes=[(4, 5)], low=low, high=high, device=device)
    compare(lambda x: getattr(minigrad, name)(x), shapes=[(7,)], low=low, high=high,
            torch_fn=getattr(torch, name), device=device)


@pytest.mark.parametrize("name", ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erfc",
                                  "signbit", "isposinf", "isneginf", "sinc", "logit"])
def test_edge_values_follow_torch(name, device):
    ours = getattr(minigrad, name)(minigrad.tensor(EDGES, device=device)).cpu().numpy()
    theirs = getattr(torch, name)(torch.tensor(EDGES)).numpy()
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)], rtol=2e-6, atol=0)


@pytest.mark.parametrize("name", ["atan2", "hypot", "xlogy", "logaddexp", "logaddexp2"])
def test_two_argument_functions_broadcast_with_gradients(name, device):
    low = 0.2 if name == "xlogy" else -3
    compare(lambda a, b: getattr(minigrad, name)(a, b), shapes=[(3, 1), (1, 4)], low=low, high=3,
            torch_fn=getattr(torch, name), device=device)
    compare(lambda a, b: getattr(a, name)(b), shapes=[(2, 3), (2, 3)], low=low, high=3, device=device)


@pytest.mark.parametrize("name", ["atan2", "hypot", "xlogy", "logaddexp", "logaddexp2"])
def test_two_argument_edges(name, device):
    a = np.repeat(EDGES, EDGES.size)
    b = np.tile(EDGES, EDGES.size)
    ours = getattr(minigrad, name)(minigrad.tensor(a, device=device), minigrad.tensor(b, device=device))
    theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy()
    ours = ours.cpu().numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    from devices import SIMULATED
    # logaddexp2 adds its scaled rest by a fused multiply-add, which the simulator rounds twice (-1 + 1: 0, not
    # PyTorch's -1.06e-8)
    atol = 1e-7 if name == "logaddexp2" and device == "cuda" and SIMULATED else 1e-30
    np.testing.assert_allclose(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)], rtol=2e-6, atol=atol)


def test_xlogy_is_zero_where_x_is_zero_and_its_gradients_follow_torch():
    compare(lambda x, y: minigrad.xlogy(x, y), inputs=[np.array([0.0, 0.0, 2.0, 1.5], np.float32),
                                                       np.array([0.0, 3.0, 0.5, np.nan], np.float32)],
            torch_fn=torch.xlogy)


def test_logit_with_eps_clamps_and_stops_the_gradient_outside():
    values = np.array([0.0, 1e-4, 0.3, 0.9999, 1.0], np.float32)
    compare(lambda x: minigrad.logit(x, eps=1e-3), inputs=[values], torch_fn=lambda x: torch.logit(x, eps=1e-3))


@pytest.mark.parametrize("alias,name", sorted(ALIASES.items()))
def test_alias_names_give_the_same_op(alias, name):
    x = minigrad.tensor([0.25, -0.5, 0.75])
    np.testing.assert_array_equal(getattr(minigrad, alias)(x).numpy(), getattr(minigrad, name)(x).numpy())
    # (numpy's libm and PyTorch's SLEEF may round the last bit differently)
    np.testing.assert_allclose(getattr(x, alias)().numpy(), getattr(torch, alias)(torch.tensor(x.numpy())).numpy(),
                               rtol=2.4e-7)


def test_arithmetic_and_comparison_aliases():
    a, b = minigrad.tensor([1.0, 2.0, 3.0]), minigrad.tensor([2.0, 2.0, 1.0])
    ta, tb = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.0, 1.0])
    for name in ("divide", "true_divide", "subtract", "multiply", "greater", "greater_equal", "less", "less_equal",
                 "not_equal"):
        np.testing.assert_array_equal(getattr(a, name)(b).numpy(), getattr(ta, name)(tb).numpy(), err_msg=name)
        np.testing.assert_array_equal(getattr(minigrad, name)(a, b).numpy(), getattr(torch, name)(ta, tb).numpy())
    assert minigrad.subtract(a, b, alpha=2).tolist() == torch.subtract(ta, tb, alpha=2).tolist()
    assert minigrad.divide(a, b, rounding_mode="floor").tolist() == [0.0, 1.0, 3.0]
    assert minigrad.clip(a, 1.5, 2.5).tolist() == [1.5, 2.0, 2.5]
    assert minigrad.clamp_min(a, 2).tolist() == [2.0, 2.0, 3.0] and minigrad.clamp_max(a, 2).tolist() == [1, 2, 2]
    assert minigrad.positive(a) is a
    with pytest.raises(RuntimeError, match="on a bool tensor is not supported"):  # (PyTorch's class)
        minigrad.positive(a > 1)


def test_in_place_forms():
    for name, value in (("tan_", 0.5), ("asin_", 0.5), ("atanh_", 0.5), ("erfc_", 0.5), ("sinh_", 0.5),
                        ("logit_", 0.25), ("deg2rad_", 90.0), ("arctan_", 0.5)):
        x, t = minigrad.tensor([value]), torch.tensor([value])
        assert getattr(x, name)() is x
        getattr(t, name)()
        np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6, err_msg=name)
    x, t = minigrad.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0])
    for name in ("eq_", "ne_", "lt_", "ge_", "greater_", "less_equal_"):
        y, u = x.clone(), t.clone()
        getattr(y, name)(2.0)
        getattr(u, name)(2.0)
        assert y.dtype == minigrad.float32 and y.tolist() == u.tolist(), name


def test_dtypes_follow_torch():
    integers = minigrad.tensor([1, 2, 3])
    for name in ("tan", "atan", "sinh", "asinh", "erfc", "deg2rad", "sinc"):
        assert getattr(minigrad, name)(integers).dtype == minigrad.float32, name
    doubles = minigrad.tensor([0.5], dtype=minigrad.float64)
    for name, _, _ in UNARY:
        assert getattr(minigrad, name)(doubles).dtype == minigrad.float64, name
    assert minigrad.atan2(integers, integers).dtype == minigrad.float32
    assert minigrad.signbit(integers).dtype == minigrad.bool


def test_type_promotion_functions():
    assert minigrad.promote_types(minigrad.int64, minigrad.float32) == minigrad.float32
    assert minigrad.promote_types(minigrad.uint8, minigrad.int32) == minigrad.int32
    assert minigrad.result_type(minigrad.tensor([1, 2]), 1.5) == minigrad.float32
    assert minigrad.result_type(minigrad.tensor([1.0], dtype=minigrad.float64), minigrad.tensor(1.0)) \
        == minigrad.float64
    assert minigrad.result_type(2, 3.0) == minigrad.float32
    assert minigrad.can_cast(minigrad.int64, minigrad.float32) and not minigrad.can_cast(minigrad.float32,
                                                                                          minigrad.int64)


@pytest.mark.parametrize("name,low,high", [u for u in UNARY if u[0] not in ("deg2rad", "rad2deg")])
def test_central_differences_in_float64(name, low, high):
    x = minigrad.tensor(np.random.default_rng(2).uniform(low, high, (3, 4)), dtype=minigrad.float64,
                        requires_grad=True)
    assert minigrad.gradcheck(lambda t: getattr(minigrad, name)(t), (x,))


def test_two_argument_central_differences_in_float64():
    rng = np.random.default_rng(3)
    a, b = (minigrad.tensor(rng.uniform(0.3, 2, (3, 4)), dtype=minigrad.float64, requires_grad=True)
            for _ in range(2))
    for name in ("atan2", "hypot", "xlogy", "logaddexp", "logaddexp2"):
        assert minigrad.gradcheck(getattr(minigrad, name), (a, b)), name

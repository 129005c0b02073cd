"""NaN and Inf in a convolution's input or weight reach exactly the gradient entries PyTorch's do, on every path
(direct, flat, general, shifted GEMMs, pixel tiles), at borders, corners and inside, and in one weight tap."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F

GEOMETRIES = [(3, 4, 8, dict(padding=1)), (3, 4, 8, {}), (16, 16, 16, dict(padding=1)),
              (3, 4, 9, dict(stride=2, padding=1)), (40, 40, 8, dict(padding=1)), (3, 4, 8, dict(dilation=2)),
              (3, 4, 17, dict(stride=2, padding=1)), (20, 9, 16, dict(stride=2))]


def patterns(x, w, kwargs):
    out = []
    for lib in (minigrad, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        result = lib.nn.functional.conv2d(xt, wt, **kwargs)
        result.sum().backward()
        out.append([(np.isnan(g), np.isinf(g)) for g in (result.detach().numpy(), xt.grad.numpy(), wt.grad.numpy())])
    return out


@pytest.mark.parametrize("cin, cout, size, kwargs", GEOMETRIES)
@pytest.mark.parametrize("where", ["border", "corner", "interior", "weight tap"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("path", ["default", "shifted", "pixel tiles"])
def test_nan_inf_patterns_equal_torch(monkeypatch, cin, cout, size, kwargs, where, value, path):
    from minigrad.backends.cpu import conv as cpu_conv, conv_direct
    if path == "pixel tiles":  # strided ones, and those on rows narrower than a vector, however small
        monkeypatch.setattr(cpu_conv, "PIXEL_TILE_MIN_PIXELS", 0)
        monkeypatch.setattr(cpu_conv, "ROWS", 1)
    if path == "shifted":  # every stride-1 convolution that fits takes the shifted products, however small
        monkeypatch.setattr(cpu_conv, "SHIFTED_MIN_COLUMNS", 0)
        monkeypatch.setattr(cpu_conv, "ROWS", 1)
        monkeypatch.setattr(conv_direct, "DIRECT_MAX_PAIRS", -1)
        monkeypatch.setattr(cpu_conv, "WEIGHT_SHIFTED_MIN_CHANNELS", 0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, cin, size, size)).astype(np.float32)
    w = rng.standard_normal((cout, cin, 3, 3)).astype(np.float32)
    if where == "weight tap":
        w[0, 0, 0, 2] = value
    else:
        x[{"border": (0, 0, 0, 3), "corner": (1, 1, size - 1, size - 1), "interior": (0, 1, 3, 4)}[where]] = value
    with np.errstate(invalid="ignore"):
        mine, theirs = patterns(x, w, kwargs)
    for (m_nan, m_inf), (t_nan, t_inf), name in zip(mine, theirs, ("output", "input gradient", "weight gradient")):
        np.testing.assert_array_equal(m_nan, t_nan, err_msg=f"NaN pattern of the {name}")
        np.testing.assert_array_equal(m_inf, t_inf, err_msg=f"Inf pattern of the {name}")


def test_the_quick_finiteness_test_is_exact():
    """all_finite's sum of squares overflows for huge finite values: it then looks at the elements themselves."""
    from minigrad.backends.cpu.conv_nonfinite import all_finite
    huge = np.full((3, 4), 1e30, np.float32)
    assert all_finite(huge) and all_finite(np.zeros(0, np.float32)) and all_finite(huge.T)
    for value in (np.inf, -np.inf, np.nan):
        bad = huge.copy()
        bad[2, 1] = value
        assert not all_finite(bad) and not all_finite(bad.astype(np.float64))


@pytest.mark.parametrize("transposed", [False, True])
def test_the_weight_is_checked_once_per_forward_and_backward(monkeypatch, transposed):
    """The forward pass looks for inf and NaN in the weight; its backward pass reuses the answer (the saved weight
    cannot change in between), and an inf weight still reaches PyTorch's pattern in the input gradient."""
    from minigrad.backends.cpu import conv as cpu_conv
    looked = []
    monkeypatch.setattr(cpu_conv, "all_finite", lambda a: looked.append(a.shape) or bool(np.isfinite(a).all()))
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 4, 3, 3)).astype(np.float32)
    w[1, 2, 0, 0] = np.inf
    x = rng.standard_normal((2, 4, 8, 8)).astype(np.float32)
    grads = []
    for lib in (minigrad, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        op = lib.nn.functional.conv_transpose2d if transposed else lib.nn.functional.conv2d
        op(xt, wt, padding=1).sum().backward()
        grads.append(np.isnan(xt.grad.numpy()))
    assert looked.count(w.shape) == 1
    np.testing.assert_array_equal(grads[0], grads[1])

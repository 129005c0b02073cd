"""nn.init against torch.nn.init: gains and fans exactly, distributions statistically (fixed seeds, large tensors)."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad.nn import init

SHAPE = (600, 500)  # 300 000 draws: sample statistics are within ~0.3 % of the truth (see _assert_same_law)
NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_calculate_gain_equals_torch(nonlinearity):
    assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)


@pytest.mark.parametrize("slope", [0, 0.2, 1, math.sqrt(5), -0.5])
def test_leaky_relu_gain_with_slope_equals_torch(slope):
    assert init.calculate_gain("leaky_relu", slope) == torch.nn.init.calculate_gain("leaky_relu", slope)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.2")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(3, 5), (8, 4, 3, 3), (2, 3, 4, 5, 6), (7, 1, 1)])
def test_fans_equal_torch(shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init._calculate_fan_in_and_fan_out(minigrad.empty(*shape)) == expected


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(minigrad.empty(5))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(minigrad.empty(5))


def _ours(fn, shape=SHAPE, seed=0, **kwargs):
    minigrad.manual_seed(seed)
    t = minigrad.empty(*shape)
    out = fn(t, **kwargs)
    assert out is t and t.dtype == minigrad.float32 and t.grad_fn is None
    return t.numpy().astype(np.float64)


def _theirs(fn, shape=SHAPE, seed=0, **kwargs):
    torch.manual_seed(seed)
    t = torch.empty(shape)
    fn(t, **kwargs)
    return t.numpy().astype(np.float64)


def _assert_same_law(ours, theirs, uniform, mean, std):
    """Both samples have the given mean and std; uniform ones also share the bound sqrt(3)·std.

    With n = 300 000 draws the standard error of the mean is std/550 and that of the std
    at most std/390 (uniform) or std/775 (normal); the tolerances are >= 4 of them."""
    for sample in (ours, theirs):
        assert abs(sample.mean() - mean) < 0.01 * std
        assert abs(sample.std() - std) < 0.01 * std
    if uniform:
        bound = math.sqrt(3.0) * std
        for sample in (ours, theirs):
            assert mean - bound <= sample.min() < mean - bound + 1e-3 * bound
            assert mean + bound - 1e-3 * bound < sample.max() <= mean + bound
    else:  # a normal sample of this size reaches about 4.5 std, and its kurtosis is 3
        for sample in (ours, theirs):
            z = (sample - mean) / std
            assert 4.0 < np.abs(z).max() < 6.0
            assert abs((z ** 4).mean() - 3.0) < 0.1


CASES = {
    "uniform": (lambda m: m.uniform_, dict(a=-0.5, b=1.5), True, 0.5, 2 / math.sqrt(12)),
    "normal": (lambda m: m.normal_, dict(mean=0.3, std=2.0), False, 0.3, 2.0),
    "xavier_uniform": (lambda m: m.xavier_uniform_, dict(gain=1.7), True, 0.0, 1.7 * math.sqrt(2 / 1100)),
    "xavier_normal": (lambda m: m.xavier_normal_, dict(gain=0.5), False, 0.0, 0.5 * math.sqrt(2 / 1100)),
    "kaiming_uniform": (lambda m: m.kaiming_uniform_, dict(), True, 0.0, math.sqrt(2 / (1 + 0)) / math.sqrt(500)),
    "kaiming_uniform-a5-fan_out": (lambda m: m.kaiming_uniform_, dict(a=math.sqrt(5), mode="fan_out"), True, 0.0,
                                   math.sqrt(2 / 6) / math.sqrt(600)),
    "kaiming_normal-relu": (lambda m: m.kaiming_normal_, dict(nonlinearity="relu"), False, 0.0,
                            math.sqrt(2) / math.sqrt(500)),
    "kaiming_normal-leaky-fan_out": (lambda m: m.kaiming_normal_, dict(a=0.2, mode="fan_out"), False, 0.0,
                                     math.sqrt(2 / 1.04) / math.sqrt(600)),
    "kaiming_uniform-tanh": (lambda m: m.kaiming_uniform_, dict(nonlinearity="tanh"), True, 0.0,
                             (5 / 3) / math.sqrt(500)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_distribution_matches_torch(name):
    pick, kwargs, uniform, mean, std = CASES[name]
    ours, theirs = _ours(pick(init), **kwargs), _theirs(pick(torch.nn.init), **kwargs)
    _assert_same_law(ours, theirs, uniform, mean, std)


def test_conv_weight_fans_use_the_receptive_field():
    shape = (64, 32, 3, 3)  # fan_in = 288, fan_out = 576; 18 432 draws
    for mode, fan in (("fan_in", 288), ("fan_out", 576)):
        sample = _ours(init.kaiming_uniform_, shape, mode=mode, nonlinearity="relu")
        bound = math.sqrt(3) * math.sqrt(2) / math.sqrt(fan)
        assert sample.max() <= bound and sample.min() >= -bound
        assert sample.max() > 0.99 * bound and sample.min() < -0.99 * bound


def test_constant_zeros_ones():
    t = minigrad.empty(3, 4)
    assert init.constant_(t, 0.25) is t and (t.numpy() == 0.25).all()
    assert (init.zeros_(t).numpy() == 0).all() and (init.ones_(t).numpy() == 1).all()


def test_parameters_are_initialised_in_place_without_recording_a_graph():
    layer = nn.Linear(3, 4)
    weight, storage = layer.weight, layer.weight.array
    init.normal_(weight, std=0.1)
    init.xavier_uniform_(weight)
    assert layer.weight is weight and weight.array is storage  # the same storage, written in place
    assert weight.requires_grad and weight.is_leaf and weight.grad_fn is None
    init.zeros_(layer.bias)
    assert not layer.bias.detach().numpy().any() and layer.bias.requires_grad


def test_seeded_and_reproducible():
    first = _ours(init.kaiming_normal_, (50, 40), seed=7)
    np.testing.assert_array_equal(first, _ours(init.kaiming_normal_, (50, 40), seed=7))
    assert not np.array_equal(first, _ours(init.kaiming_normal_, (50, 40), seed=8))
    a = init.uniform_(minigrad.empty(5), generator=minigrad.Generator().manual_seed(3)).numpy()
    b = init.uniform_(minigrad.empty(5), generator=minigrad.Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="expected a minigrad.Generator"):
        init.uniform_(minigrad.empty(5), generator=np.random.default_rng(3))


def test_mode_errors_and_empty_tensors():
    with pytest.raises(ValueError, match="fan_avg"):
        init.kaiming_uniform_(minigrad.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.kaiming_normal_(minigrad.empty(3, 4), nonlinearity="swish")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init.kaiming_uniform_(minigrad.empty(0, 4))
    assert any("zero-element" in str(w.message) for w in caught)


def test_linear_default_init_matches_torch():
    """PyTorch's Linear: weight kaiming_uniform_(a=sqrt(5)) = U(±1/sqrt(fan_in)), bias U(±1/sqrt(fan_in))."""
    in_features, out_features = 400, 750
    minigrad.manual_seed(0)
    ours = nn.Linear(in_features, out_features)
    torch.manual_seed(0)
    theirs = torch.nn.Linear(in_features, out_features)
    std = 1 / math.sqrt(in_features) / math.sqrt(3)
    _assert_same_law(ours.weight.detach().numpy().astype(np.float64), theirs.weight.detach().numpy().astype(np.float64),
                     True, 0.0, std)
    bound = 1 / math.sqrt(in_features)
    for bias in (ours.bias.detach().numpy(), theirs.bias.detach().numpy()):  # 750 draws
        assert -bound <= bias.min() < -0.98 * bound and 0.98 * bound < bias.max() <= bound
        assert abs(bias.mean()) < 0.1 * bound


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.5, 0.02, 0.46, 0.6), (0.0, 1.0, 1.0, 3.0)])
def test_trunc_normal_has_torchs_law(mean, std, a, b):
    ours, theirs = minigrad.empty(*SHAPE), torch.empty(SHAPE)
    init.trunc_normal_(ours, mean, std, a, b)
    torch.nn.init.trunc_normal_(theirs, mean, std, a, b)
    ours, theirs = ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64)
    assert a <= ours.min() and ours.max() <= b
    spread = b - a
    assert a <= theirs.min() and theirs.max() <= b
    for q in (0.001, 0.1, 0.5, 0.9, 0.999):  # the same law: quantiles within 1 % of [a, b]
        assert abs(np.quantile(ours, q) - np.quantile(theirs, q)) < 0.01 * spread
    assert abs(ours.mean() - theirs.mean()) < 0.01 * spread and abs(ours.std() - theirs.std()) < 0.01 * spread
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(minigrad.empty(10), mean=5.0, std=1.0, a=-1.0, b=2.0)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (8, 3, 3, 3), (5, 5)])
def test_orthogonal_is_torchs_construction(shape):
    """The normal sample, the QR step and its sign fix are PyTorch's: the same seed gives PyTorch's matrix (to
    LAPACK's rounding, in float64); and the result is (semi-)orthogonal times the gain, as torch's."""
    rows, cols = shape[0], int(np.prod(shape[1:]))
    torch.manual_seed(5)
    minigrad.manual_seed(5)
    expected = torch.nn.init.orthogonal_(torch.empty(shape, dtype=torch.float64), gain=1.5).numpy()
    ours = init.orthogonal_(minigrad.empty(*shape, dtype=minigrad.float64), gain=1.5).numpy()
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    weight = minigrad.empty(*shape)
    init.orthogonal_(weight, gain=2.0)
    flat = weight.numpy().reshape(rows, cols).astype(np.float64)
    gram = flat @ flat.T if rows <= cols else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(minigrad.empty(3))


@pytest.mark.parametrize("shape,groups", [((4, 4, 3, 3), 1), ((6, 2, 3), 2), ((4, 3, 3, 3, 3), 1), ((8, 2, 5, 4), 4)])
def test_eye_and_dirac_equal_torch(shape, groups):
    ours, theirs = minigrad.empty(*shape), torch.empty(shape)
    init.dirac_(ours, groups)
    torch.nn.init.dirac_(theirs, groups)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours, theirs = minigrad.empty(3, 5), torch.empty(3, 5)
    np.testing.assert_array_equal(init.eye_(ours).numpy(), torch.nn.init.eye_(theirs).numpy())
    with pytest.raises(ValueError):
        init.dirac_(minigrad.empty(3, 3))
    with pytest.raises(ValueError):
        init.dirac_(minigrad.empty(3, 3, 3), groups=2)
    with pytest.raises(ValueError):
        init.eye_(minigrad.empty(3, 3, 3))

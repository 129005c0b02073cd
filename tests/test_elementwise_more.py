"""fmod, fmax, fmin, float_power, gcd, lcm, isin, dist, normal, unique_consecutive, unravel_index, trapezoid,
pdist and torch.special's names, against PyTorch."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare

rng = np.random.default_rng(0)
EDGES = np.array([-3.5, -2.0, -0.0, 0.0, 1.5, 5.0, np.inf, -np.inf, np.nan], np.float32)


def test_fmod(device):
    compare(lambda a, b: M.fmod(a, b), shapes=[(3, 4), (4,)], low=-5, high=5, torch_fn=torch.fmod, device=device)
    compare(lambda a: a.fmod(1.5), shapes=[(5,)], low=-5, high=5, device=device)
    a, b = np.repeat(EDGES, EDGES.size), np.tile(EDGES, EDGES.size)
    ours = M.fmod(M.tensor(a, device=device), M.tensor(b, device=device)).cpu().numpy()
    theirs = torch.fmod(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(np.signbit(ours[~np.isnan(ours)]), np.signbit(theirs[~np.isnan(theirs)]))
    ints = M.tensor([-7, 7, -7, 7]), M.tensor([2, -2, -2, 2])
    assert M.fmod(*ints).tolist() == torch.fmod(torch.tensor([-7, 7, -7, 7]), torch.tensor([2, -2, -2, 2])).tolist()
    with pytest.raises(RuntimeError):
        M.fmod(M.tensor([1]), M.tensor([0]))


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin(name, device):
    a = np.array([1.0, np.nan, 3.0, np.nan, 2.0, -1.0], np.float32)
    b = np.array([2.0, 1.0, np.nan, np.nan, 2.0, -3.0], np.float32)
    compare(lambda x, y: getattr(M, name)(x, y), inputs=[a, b], torch_fn=getattr(torch, name), device=device)


def test_float_power_gcd_lcm_isin_dist(device):
    compare(lambda a, b: M.float_power(a, b), shapes=[(4,), (4,)], low=0.5, high=2, torch_fn=torch.float_power,
            device=device)
    compare(lambda a: a.float_power(2), shapes=[(3,)], device=device)
    x, y = np.array([12, -18, 0, 7]), np.array([8, 12, 5, 0])
    assert M.gcd(M.tensor(x), M.tensor(y)).tolist() == torch.gcd(torch.tensor(x), torch.tensor(y)).tolist()
    assert M.lcm(M.tensor(x), M.tensor(y)).tolist() == torch.lcm(torch.tensor(x), torch.tensor(y)).tolist()
    assert M.isin(M.tensor(x), M.tensor([0, 7])).tolist() == torch.isin(torch.tensor(x), torch.tensor([0, 7])).tolist()
    assert M.isin(M.tensor(x), M.tensor([0]), invert=True).tolist() == [True, True, False, True]
    for p in (2, 1, 3, float("inf")):
        compare(lambda a, b: M.dist(a, b, p), shapes=[(3, 4), (4,)], torch_fn=lambda a, b: torch.dist(a, b, p),
                device=device)


def test_normal_draws():
    M.manual_seed(0)
    draws = M.normal(M.full((20000,), 2.0), 3.0)
    assert abs(draws.mean().item() - 2) < 0.1 and abs(draws.std().item() - 3) < 0.1
    assert tuple(M.normal(0.0, 1.0, (2, 3)).shape) == (2, 3)
    assert not M.normal(M.zeros(3, requires_grad=True), 1.0).requires_grad


def test_unique_consecutive_unravel_index_trapezoid(device):
    x = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    for kwargs in ({}, dict(return_inverse=True), dict(return_counts=True), dict(return_inverse=True,
                                                                                 return_counts=True)):
        ours = M.unique_consecutive(M.tensor(x), **kwargs)
        theirs = torch.unique_consecutive(torch.tensor(x), **kwargs)
        for o, t in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
            assert o.tolist() == t.tolist()
    rows = np.array([[1, 2], [1, 2], [3, 4], [1, 2]])
    assert M.unique_consecutive(M.tensor(rows), dim=0).tolist() == torch.unique_consecutive(torch.tensor(rows), dim=0).tolist()
    ours = M.unravel_index(M.tensor([0, 5, 11, -1]), (3, 4))
    theirs = torch.unravel_index(torch.tensor([0, 5, 11, -1]), (3, 4))
    assert [o.tolist() for o in ours] == [t.tolist() for t in theirs]
    compare(lambda y: M.trapezoid(y), shapes=[(3, 5)], torch_fn=torch.trapezoid, device=device)
    compare(lambda y: M.trapezoid(y, dx=0.5, dim=0), shapes=[(3, 5)], device=device,
            torch_fn=lambda y: torch.trapezoid(y, dx=0.5, dim=0))
    compare(lambda y, x: M.trapezoid(y, x), inputs=[rng.standard_normal((2, 4)).astype(np.float32),
                                                    np.array([0.0, 0.5, 2.0, 2.5], np.float32)],
            torch_fn=lambda y, x: torch.trapezoid(y, x), device=device)


def test_pdist_and_torch_level_names(device):
    for p in (2, 1, 3):
        compare(lambda x: M.pdist(x, p), shapes=[(5, 3)], torch_fn=lambda x: torch.pdist(x, p), device=device)
    assert tuple(M.t(M.zeros(2, 3)).shape) == (3, 2) and M.half == M.float16 and isinstance(M.float64, M.dtype)
    compare(lambda a, b: M.concatenate([a, b], 1), shapes=[(2, 1), (2, 3)],
            torch_fn=lambda a, b: torch.concatenate([a, b], 1), device=device)


@pytest.mark.parametrize("name,low,high", [("expit", -3, 3), ("logit", 0.1, 0.9), ("erf", -2, 2), ("erfc", -2, 2),
                                           ("ndtr", -3, 3), ("log_ndtr", -3, 3), ("entr", 0.1, 2),
                                           ("sinc", -2, 2), ("expm1", -1, 1), ("exp2", -1, 1)])
def test_special_namespace(name, low, high, device):
    compare(lambda x: getattr(M.special, name)(x), shapes=[(6,)], low=low, high=high,
            torch_fn=getattr(torch.special, name), device=device)


def test_special_two_argument(device):
    compare(lambda a, b: M.special.xlog1py(a, b), shapes=[(5,), (5,)], low=0.1, high=2,
            torch_fn=torch.special.xlog1py, device=device)
    compare(lambda a, b: M.special.xlogy(a, b), shapes=[(5,), (5,)], low=0.1, high=2, torch_fn=torch.special.xlogy,
            device=device)


GAMMA_EDGES = np.array([-np.inf, -3.0, -2.5, -0.5, -0.0, 0.0, 1e-8, 0.3, 1.0, 2.0, 9.5, 10.0, 10.5, 100.0, 1e20,
                        np.inf, np.nan], np.float32)


@pytest.mark.parametrize("name,low,high", [("lgamma", 0.1, 8), ("digamma", 0.1, 8), ("erfinv", -0.95, 0.95),
                                           ("lgamma", -3.9, -0.1), ("digamma", -3.9, -0.1)])
def test_gamma_family_and_erfinv(name, low, high, device):
    compare(lambda x: getattr(x, name)(), shapes=[(4, 5)], low=low, high=high, device=device)
    compare(lambda x: getattr(M, name)(x), shapes=[(7,)], low=low, high=high, torch_fn=getattr(torch, name),
            device=device)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "trigamma", "erfinv"])
def test_gamma_family_edges(name, device):
    values = GAMMA_EDGES if name != "erfinv" else np.array([-np.inf, -1.5, -1.0, -0.999999, -0.5, -0.0, 0.0,
                                                            1e-30, 0.5, 0.9999, 1.0, 2.0, np.nan], np.float32)
    mine = (lambda t: M.polygamma(1, t)) if name == "trigamma" else getattr(M, name)
    theirs_fn = (lambda t: torch.polygamma(1, t)) if name == "trigamma" else getattr(torch, name)
    if name == "trigamma":  # (at the poles PyTorch's trigamma gives a large finite number: compared elsewhere)
        values = values[~np.isin(values, [-3.0])]
    ours = mine(M.tensor(values, device=device)).cpu().numpy()
    theirs = theirs_fn(torch.tensor(values)).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_array_equal(ours[~finite & ~np.isnan(theirs)], theirs[~finite & ~np.isnan(theirs)])
    # float32 rounding: PyTorch's float kernels compute in float32, minigrad's CPU ones in float64
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=3e-6, atol=1e-6)


def test_polygamma_and_mvlgamma(device):
    compare(lambda x: M.polygamma(1, x), shapes=[(6,)], low=0.2, high=5,
            torch_fn=lambda x: torch.polygamma(1, x), device=device)  # (the gradient: polygamma(2, x))
    compare(lambda x: M.polygamma(1, x), shapes=[(6,)], low=-2.9, high=5, grad=False,
            torch_fn=lambda x: torch.polygamma(1, x), device=device)
    compare(lambda x: x.polygamma(0), shapes=[(6,)], low=0.5, high=5, device=device)
    compare(lambda x: M.mvlgamma(x, 3), shapes=[(6,)], low=1.5, high=5, torch_fn=lambda x: torch.mvlgamma(x, 3),
            device=device)
    compare(lambda x: M.polygamma(3, x), shapes=[(6,)], low=0.2, high=5, torch_fn=lambda x: torch.polygamma(3, x),
            device=device)


def test_gamma_family_in_float64_and_central_differences():
    x = M.tensor(np.random.default_rng(4).uniform(0.2, 6, (3, 4)), dtype=M.float64, requires_grad=True)
    for name in ("lgamma", "digamma"):
        np.testing.assert_allclose(getattr(M, name)(x).detach().numpy(),
                                   getattr(torch, name)(torch.tensor(x.detach().numpy())).numpy(), rtol=1e-13)
        assert M.gradcheck(getattr(M, name), (x,))
    y = M.tensor(np.random.default_rng(5).uniform(-0.99, 0.99, 20), dtype=M.float64, requires_grad=True)
    np.testing.assert_allclose(M.erfinv(y).detach().numpy(), torch.erfinv(torch.tensor(y.detach().numpy())).numpy(),
                               rtol=1e-13)
    assert M.gradcheck(M.erfinv, (y,))


def test_special_gamma_names():
    x = M.tensor([0.5, 3.0, 12.0])
    np.testing.assert_allclose(M.special.gammaln(x).numpy(), torch.special.gammaln(torch.tensor(x.numpy())).numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(M.special.psi(x).numpy(), torch.special.psi(torch.tensor(x.numpy())).numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(M.special.i0(M.tensor([0.0, -1.0, 5.0, 20.0])).numpy(),
                               torch.special.i0(torch.tensor([0.0, -1.0, 5.0, 20.0])).numpy(), rtol=1e-6)


CLAMP_INPUT = np.array([[-2.8, -0.1, 0.6, 0.5], [-0.5, np.nan, 1.3, 0.9], [-0.7, -0.7, -0.6, 0.04]])
CLAMP_LOW = np.array([-0.7, -0.5, np.nan, 0.0])  # -0.7 ties the input's -0.7 in column 0
CLAMP_HIGH = np.array([[0.5], [1.0], [-1.0]])  # the last row's bound is below every low one


@pytest.mark.parametrize("bounds", ["both", "low", "high", "low_wider", "float32_input"])
def test_clamp_by_tensors_gives_every_gradient_as_torch(bounds):
    """Tensor bounds broadcast with the input and get gradients: low's where it raised the input (and is below
    high), high's where it lowered it (or is below low); NaN anywhere gives NaN and no gradient. Float64, exact."""
    x, low, high = CLAMP_INPUT, CLAMP_LOW, CLAMP_HIGH
    if bounds == "both":
        compare(lambda a, lo, hi: a.clamp(min=lo, max=hi), inputs=[x, low, high], atol=0, rtol=0)
    elif bounds == "low":
        compare(lambda a, lo: M.clamp(a, min=lo) if isinstance(a, M.Tensor) else torch.clamp(a, min=lo),
                inputs=[x, low], atol=0, rtol=0)
    elif bounds == "high":
        compare(lambda a, hi: a.clip(max=hi), inputs=[x, high], atol=0, rtol=0)
    elif bounds == "low_wider":  # the bound's shape, not the input's, sets the result's
        compare(lambda a, lo: a.clamp(min=lo), inputs=[x[0], np.stack([low, low + 0.3])], atol=0, rtol=0)
    else:  # a float32 input and float64 bounds: the result is float64, as torch's
        compare(lambda a, lo, hi: a.clamp(min=lo, max=hi), inputs=[x.astype(np.float32), low, high], atol=0, rtol=0)


@pytest.mark.parametrize("eps", [None, 1e-6, 0.3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logit_values_and_gradient_equal_torch(eps, dtype):
    """NaN outside [0, 1] (the gradient too) without eps; with it the input clamped to [eps, 1 - eps] and the
    gradient 0 outside; at 0 and 1 infinities. Float64 bit for bit; float32 within 2 ulps, as numpy's float32 log
    and PyTorch's vectorised one round differently (log(0.7 / 0.3): numpy's is one ulp from the true value).
    A NaN input gives NaN, and with eps a NaN gradient: PyTorch's scalar formula, which its vectorised body does
    not follow (0 there; which elements that body takes depends on the machine's vector width), README's
    divergences."""
    x = np.array([-2.0, 0.0, 1e-7, 0.25, 0.4, 1.0, 3.0, np.nan if eps is None else 0.5], dtype=dtype)
    compare(lambda t: t.logit(eps), inputs=[x], atol=0, rtol=0 if dtype == np.float64 else 2.4e-7)
    t = M.tensor(np.array([0.5, np.nan], dtype), requires_grad=True)
    value = t.logit(eps)
    gradient, = M.autograd.grad(value.sum(), t)
    assert np.isnan(value.detach().numpy()[1]) and np.isnan(gradient.numpy()[1])
    assert value.detach().numpy()[0] == 0 and gradient.numpy()[0] == 4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_edge_points_of_sign_sinc_atan2_digamma_equal_torch(dtype):
    """Points where a textbook formula and PyTorch's kernels part: sign(NaN) and sign(-0.0) are +0; sinc's
    gradient is 0 where pi x^2 is 0 (at 0, and at 1e-30 in float32); atan2's gradient is 0 where the squares sum
    to 0 (the origin, 1e-200 in float64); digamma(-1e-30) is 1e30 (the reflection keeps a tiny fraction).
    Values and gradients bit for bit, signs of zeros included, but for float32 atan2's values (numpy's float32
    atan2 rounds pi/4 down, PyTorch's up: one ulp). digamma only in float64: minigrad's float32 digamma is
    computed in float64 and rounded, PyTorch's in float32 (digamma(0.5) 7 ulps from the true value)."""
    points = np.array([np.nan, -0.0, 0.0, 1e-30, -1e-30, 1e-200 if dtype == np.float64 else 1e-40, 0.5, -2.5],
                      dtype)
    cases = [lambda L, t: L.sign(t), lambda L, t: L.sinc(t), lambda L, t: L.atan2(t, t * 0 + t),
             lambda L, t: L.atan2(t, L.zeros_like(t)), lambda L, t: L.digamma(t)]
    for case in cases[:4] if dtype == np.float32 else cases:
        results = []
        for library in (M, torch):
            t = library.tensor(points, requires_grad=True)
            out = case(library, t)
            results.append((out.detach().numpy(), library.autograd.grad(out.sum(), t)[0].numpy()))
        for part, (ours, theirs) in enumerate(zip(*results)):
            if part == 0 and dtype == np.float32 and case in cases[2:4]:
                np.testing.assert_allclose(ours, theirs, rtol=1.2e-7, atol=0)
            else:
                np.testing.assert_array_equal(ours, theirs)
            numbers = ~np.isnan(ours)  # a NaN's sign differs between PyTorch's vectorised body and scalar tail
            np.testing.assert_array_equal(np.signbit(ours[numbers]), np.signbit(theirs[numbers]))

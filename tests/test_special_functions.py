"""torch.special's tails, Bessel and Airy functions and orthogonal polynomials against PyTorch and against mpmath
(40 digits): values in float64 and float32 (dtype kept), PyTorch's gradients where it has them, no graph where it
has none, and the far arguments where a textbook formula overflows or cancels (log_ndtr(-100), ndtri(1e-300),
i0e(800), erfcx(30))."""
import math

import mpmath
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

mpmath.mp.dps = 40
rng = np.random.default_rng(0)

def _exact_ndtri(p):
    with mpmath.workdps(40 - int(mpmath.log10(p))):  # 1 - 2p must keep p's digits
        return mpmath.sqrt(2) * mpmath.erfinv(2 * p - 1)


# name: (points, the exact value by mpmath, relative tolerance against it, relative tolerance against PyTorch)
WIDE = np.concatenate([rng.uniform(-30, 30, 60), np.exp(rng.uniform(-12, 5, 30)) * rng.choice([-1, 1], 30)])
POSITIVE = np.concatenate([rng.uniform(0.01, 40, 60), np.exp(rng.uniform(-12, 6, 30))])
SMOOTH = {
    "erfcx": (np.concatenate([WIDE[np.abs(WIDE) < 26], [30.0, 1e3, 1e8]]),
              lambda v: mpmath.exp(v * v) * mpmath.erfc(v), 1e-15, 1e-12),
    "log_ndtr": (np.concatenate([WIDE, [-100.0, -800.0]]),
                 lambda v: mpmath.log(mpmath.ncdf(v)) if v < 0 else mpmath.log1p(-mpmath.ncdf(-v)), 2e-14, 2e-14),
    "ndtri": (np.concatenate([rng.uniform(0, 1, 60), np.exp(rng.uniform(-700, -1, 30))]), _exact_ndtri, 1e-15, 1e-14),
    "i0": (WIDE, lambda v: mpmath.besseli(0, v), 2e-15, 2e-15),
    "i0e": (np.concatenate([WIDE, [800.0, -1e5]]), lambda v: mpmath.besseli(0, v) * mpmath.exp(-abs(v)), 2e-15, 2e-15),
    "i1": (WIDE, lambda v: mpmath.besseli(1, v), 2e-15, 2e-15),
    "i1e": (np.concatenate([WIDE, [800.0, -1e5]]), lambda v: mpmath.besseli(1, v) * mpmath.exp(-abs(v)), 2e-15, 2e-15),
    "modified_bessel_k0": (POSITIVE, lambda v: mpmath.besselk(0, v), 2e-15, 2e-15),
    "modified_bessel_k1": (POSITIVE, lambda v: mpmath.besselk(1, v), 2e-15, 2e-15),
    "scaled_modified_bessel_k0": (POSITIVE, lambda v: mpmath.besselk(0, v) * mpmath.exp(v), 2e-15, 2e-15),
    "scaled_modified_bessel_k1": (POSITIVE, lambda v: mpmath.besselk(1, v) * mpmath.exp(v), 2e-15, 2e-15),
}
# oscillating functions: absolute tolerances (near their zeros no relative one holds, PyTorch's included)
OSCILLATING = {
    "bessel_j0": (WIDE, lambda v: mpmath.besselj(0, v), 4e-15),
    "bessel_j1": (WIDE, lambda v: mpmath.besselj(1, v), 4e-15),
    "bessel_y0": (POSITIVE[POSITIVE > 1e-3], lambda v: mpmath.bessely(0, v), 4e-15),
    "bessel_y1": (POSITIVE[(POSITIVE > 0.1)], lambda v: mpmath.bessely(1, v), 4e-15),
    "spherical_bessel_j0": (WIDE, lambda v: mpmath.sin(v) / v, 2e-16),
    "airy_ai": (np.concatenate([rng.uniform(-30, 10, 80), [-10.0, 1.0, 0.0]]), mpmath.airyai, 8e-15),
}


def ours_and_theirs(name, points, dtype=np.float64):
    x = points.astype(dtype)
    return getattr(minigrad.special, name)(minigrad.tensor(x)), getattr(torch.special, name)(torch.tensor(x))


def exact(function, points):
    return np.array([float(function(mpmath.mpf(float(v)))) for v in points])


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_functions_against_mpmath_and_torch(name):
    points, truth, to_exact, to_torch = SMOOTH[name]
    ours, theirs = ours_and_theirs(name, points)
    np.testing.assert_allclose(ours.numpy(), exact(truth, points), rtol=8 * to_exact, atol=0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=8 * to_torch, atol=0)


@pytest.mark.parametrize("name", sorted(OSCILLATING))
def test_oscillating_functions_against_mpmath(name):
    points, truth, tolerance = OSCILLATING[name]
    ours, theirs = ours_and_theirs(name, points)
    envelope = np.maximum(1.0, np.abs(points)) ** -0.5 if name != "airy_ai" else 1.0
    assert np.max(np.abs(ours.numpy() - exact(truth, points)) / envelope) < tolerance
    # PyTorch's own errors reach 3e-7 (J, Y at large x) and 4.5e-6 (airy_ai between -10 and -2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5 if name == "airy_ai" else 1e-6)


@pytest.mark.parametrize("name", sorted(SMOOTH) + sorted(OSCILLATING))
def test_float32_keeps_its_dtype_and_rounds_the_float64_value(name):
    points = (SMOOTH.get(name) or OSCILLATING[name])[0]
    ours, theirs = ours_and_theirs(name, points, np.float32)
    assert ours.dtype == minigrad.float32 and theirs.dtype == torch.float32
    wide = getattr(minigrad.special, name)(minigrad.tensor(points.astype(np.float32).astype(np.float64)))
    np.testing.assert_array_equal(ours.numpy(), wide.numpy().astype(np.float32))


@pytest.mark.parametrize("name", ["erfcx", "log_ndtr", "ndtri", "i0", "i0e", "i1", "i1e"])
def test_gradients_are_torch_formulas(name):
    points = {"ndtri": np.array([1e-200, 0.01, 0.3, 0.5, 0.9, 1 - 1e-12]),
              "log_ndtr": np.array([-200.0, -5.0, -1.0, 0.0, 2.0, 9.0])}.get(name, np.array([-40.0, -3.0, -0.2, 1e-20,
                                                                                               0.7, 12.0, 35.0]))
    # (ndtri's slope exp(x^2 / 2) turns an ulp of x = -30 into 1e-13 of the gradient)
    compare(lambda t: getattr(minigrad.special, name)(t) if isinstance(t, minigrad.Tensor) else
            getattr(torch.special, name)(t), inputs=[points], atol=0, rtol=1e-11 if name == "ndtri" else 1e-13)
    smooth = points[1:-1][np.abs(points[1:-1]) > 1e-3]  # (i0e and i1e have a kink at 0)
    assert minigrad.gradcheck(getattr(minigrad.special, name), (minigrad.tensor(smooth, requires_grad=True),))


def test_functions_pytorch_does_not_differentiate_leave_no_graph():
    for name in OSCILLATING:
        x = minigrad.tensor([0.5, 2.0], requires_grad=True)
        assert not getattr(minigrad.special, name)(x).requires_grad
    assert not minigrad.special.chebyshev_polynomial_t(minigrad.tensor([0.5], requires_grad=True), 3).requires_grad


def test_special_values_equal_torch():
    """Zeros, infinities, NaN, -1 and a tiny argument: the same infinities and NaNs as PyTorch's, finite values
    to 1e-14."""
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1e-300])
    for name in list(SMOOTH) + list(OSCILLATING):
        ours, theirs = (t.numpy() for t in ours_and_theirs(name, edges))
        np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(theirs), err_msg=name)
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0, err_msg=name)


POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
               "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_equal_torch(name):
    """Degrees -1 to 12 and 30 (each kernel's trigonometric branch and its recurrence), at the interval's ends,
    inside and outside; n as a tensor broadcast against x and as a number; float64 to 1e-12 and float32."""
    x = np.concatenate([rng.uniform(-1.5, 1.5, 40), [-1.0, 1.0, 0.0, 0.5, 2.0, -3.0]])
    degrees = np.array(list(range(-1, 13)) + [30])
    ours = getattr(minigrad.special, name)(minigrad.tensor(x[:, None]), minigrad.tensor(degrees[None, :]))
    theirs = getattr(torch.special, name)(torch.tensor(x[:, None]), torch.tensor(degrees[None, :]))
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.dtype == minigrad.float64
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)
    single = getattr(minigrad.special, name)(minigrad.tensor(x.astype(np.float32)), 5)
    assert single.dtype == minigrad.float32
    np.testing.assert_allclose(single.numpy(), getattr(torch.special, name)(torch.tensor(x.astype(np.float32)),
                                                                            5).numpy(), rtol=2e-6, atol=2e-6)


def test_polynomial_of_a_number_and_integer_inputs_take_torch_dtypes():
    for library in (minigrad, torch):
        assert str(library.special.hermite_polynomial_h(0.3, library.tensor([2])).dtype).endswith("float32")
        assert str(library.special.legendre_polynomial_p(library.tensor([1, 2]), 3).dtype).endswith("float32")
    np.testing.assert_allclose(minigrad.special.hermite_polynomial_h(0.3, minigrad.tensor([4])).numpy(),
                               [16 * 0.3 ** 4 - 48 * 0.3 ** 2 + 12], rtol=1e-6)
    assert math.isclose(minigrad.special.laguerre_polynomial_l(minigrad.tensor([2.0]), 2).item(), 1 - 4 + 2)

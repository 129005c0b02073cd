"""special.gammainc / gammaincc (igamma / igammac), special.zeta (Hurwitz) and polygamma of every order against
PyTorch's (values, gradients, special values), and against mpmath at 30 digits."""
import numpy as np
import pytest
import torch

import minigrad

S = np.array([1.0, 0.5, 2.0, 3.0, 2.0, 2.0, 4.0, 2.5, 30.0, 1.5, 7.0, 2.0, 1.0001])
Q = np.array([1.0, 1.0, -2.0, -2.5, 0.0, 1e-3, 100.0, -1.5, 1.0, 0.3, -7.5, 1e9, 2.0])
RNG = np.random.default_rng(5)
X = np.array([0.5, 2.0, -1.5, 10.0, 1e-3, 30.0, -0.3, 1e4])


def test_zeta_against_torch_and_mpmath():
    import mpmath
    mpmath.mp.dps = 30
    ours = minigrad.special.zeta(minigrad.tensor(S), minigrad.tensor(Q)).numpy()
    theirs = torch.special.zeta(torch.tensor(S), torch.tensor(Q)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)  # inf and NaN where PyTorch has them
    for s, q, got in zip(S, Q, ours):
        if np.isfinite(got) and q > 0:
            np.testing.assert_allclose(got, float(mpmath.zeta(s, q)), rtol=1e-13)
    q = minigrad.tensor([1.5, 0.2], requires_grad=True)
    tq = torch.tensor([1.5, 0.2], dtype=torch.float64, requires_grad=True)
    minigrad.special.zeta(3.0, q).sum().backward()
    torch.special.zeta(3.0, tq).sum().backward()
    np.testing.assert_allclose(q.grad.numpy(), tq.grad.numpy(), rtol=1e-6)  # (float32 q)
    assert q.grad.dtype == minigrad.float32
    s = minigrad.tensor([3.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="'zeta'"):
        minigrad.special.zeta(s, minigrad.tensor([1.0])).sum().backward()


@pytest.mark.parametrize("order", [1, 2, 3, 5, 8])
def test_polygamma_of_every_order_with_its_gradient(order):
    ours, theirs = minigrad.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    out, expected = minigrad.polygamma(order, ours), torch.polygamma(order, theirs)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(minigrad.tensor(X).polygamma(order).numpy(), expected.detach().numpy(), rtol=1e-13)
    with pytest.raises(RuntimeError, match="negative n"):
        minigrad.polygamma(-1, ours)


def test_incomplete_gamma_against_torch_and_mpmath():
    import mpmath
    mpmath.mp.dps = 30
    a = np.concatenate([RNG.uniform(0.01, 50, 60), [0.0, 0.5, 1.0, 2.0, -1.0, np.inf, 3.0, 1.0, 1e-3, 200.0]])
    x = np.concatenate([RNG.uniform(0, 80, 60), [1.0, 0.0, 2.0, np.inf, 1.0, 1.0, -1.0, np.nan, 1e-5, 180.0]])
    for ours_fn, torch_fn, upper in ((minigrad.special.gammainc, torch.special.gammainc, False),
                                     (minigrad.igammac, torch.igammac, True)):
        ours = ours_fn(minigrad.tensor(a), minigrad.tensor(x)).numpy()
        theirs = torch_fn(torch.tensor(a), torch.tensor(x)).numpy()
        # PyTorch's asymptotic series for large a is off by up to 2e-9 (at a = 35, x = 25): the exact values decide
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-300)
        for i in range(0, 60, 7):
            exact = mpmath.gammainc(a[i], x[i], mpmath.inf, regularized=True) if upper else \
                mpmath.gammainc(a[i], 0, x[i], regularized=True)
            np.testing.assert_allclose(ours[i], float(exact), rtol=1e-12)
    # float32 in, float32 out; the gradient with respect to x is the density, none with respect to a
    xs = minigrad.tensor([0.5, 2.0, 7.0], requires_grad=True)
    minigrad.special.gammainc(minigrad.tensor([1.5, 2.0, 3.0]), xs).sum().backward()
    tx = torch.tensor([0.5, 2.0, 7.0], requires_grad=True)
    torch.special.gammainc(torch.tensor([1.5, 2.0, 3.0]), tx).sum().backward()
    assert xs.grad.dtype == minigrad.float32
    np.testing.assert_allclose(xs.grad.numpy(), tx.grad.numpy(), rtol=1e-6)
    shape = minigrad.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        minigrad.special.gammainc(shape, minigrad.tensor([1.0])).sum().backward()
    np.testing.assert_allclose(minigrad.tensor([2.0, 3.0]).igamma(minigrad.tensor([1.0, 1.0])).numpy(),
                               torch.tensor([2.0, 3.0]).igamma(torch.tensor([1.0, 1.0])).numpy(), rtol=1e-6)

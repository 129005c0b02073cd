"""torch.geqrf, torch.linalg.householder_product (torch.orgqr) and torch.ormqr against PyTorch's: LAPACK's
reflectors, the products and their gradients, in float64."""
import numpy as np
import pytest
import torch

import minigrad

RNG = np.random.default_rng(1)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 6, 4)])
def test_reflectors_products_and_gradients_against_torch(shape):
    a = RNG.standard_normal(shape)
    other = RNG.standard_normal(shape[:-2] + (shape[-2], 2))
    results = []
    for library in (minigrad, torch):
        a_packed, tau = library.geqrf(library.tensor(a))
        A, t = a_packed.clone().requires_grad_(), tau.clone().requires_grad_()
        Q = library.linalg.householder_product(A, t)
        (Q.sum() + (Q ** 2).sum()).backward()
        c = library.tensor(other)
        products = [library.ormqr(a_packed, tau, c), library.ormqr(a_packed, tau, c, transpose=True),
                    library.ormqr(a_packed, tau, c.transpose(-2, -1), left=False),
                    library.orgqr(a_packed, tau), library.tensor(a).geqrf()[1]]
        results.append([a_packed.numpy(), tau.numpy(), Q.detach().numpy(), A.grad.numpy(), t.grad.numpy()] +
                       [p.numpy() for p in products])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)


def test_a_column_already_reduced_has_tau_zero_and_errors():
    a = np.array([[2.0, 1.0], [0.0, 3.0], [0.0, 4.0]])
    ours, theirs = minigrad.geqrf(minigrad.tensor(a)), torch.geqrf(torch.tensor(a))
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(RuntimeError):
        minigrad.linalg.householder_product(minigrad.zeros(2, 3), minigrad.zeros(2))

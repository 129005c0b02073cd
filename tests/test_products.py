"""Products built on matmul (ops/products.py) against PyTorch: values and every gradient."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare


@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_add_products(beta, alpha, device):
    for name, shapes in (("addmm", [(3, 4), (3, 5), (5, 4)]), ("addmm", [(4,), (3, 5), (5, 4)]),
                         ("addmv", [(3,), (3, 5), (5,)]), ("addr", [(3, 4), (3,), (4,)]),
                         ("addbmm", [(3, 4), (2, 3, 5), (2, 5, 4)]), ("baddbmm", [(2, 3, 4), (2, 3, 5), (2, 5, 4)])):
        compare(lambda i, a, b: getattr(M, name)(i, a, b, beta=beta, alpha=alpha), shapes=shapes,
                torch_fn=lambda i, a, b: getattr(torch, name)(i, a, b, beta=beta, alpha=alpha), device=device)
        compare(lambda i, a, b: getattr(i, name)(a, b, beta=beta, alpha=alpha), shapes=shapes, device=device)


def test_beta_zero_ignores_nan_in_input():
    nan = M.full((2, 2), float("nan"))
    assert not M.addmm(nan, M.ones(2, 3), M.ones(3, 2), beta=0).isnan().any()


def test_in_place_add_products():
    x, t = M.ones(2, 2), torch.ones(2, 2)
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert x.addmm_(M.tensor(a), M.tensor(a.T), alpha=0.5) is x
    t.addmm_(torch.tensor(a), torch.tensor(a.T), alpha=0.5)
    np.testing.assert_array_equal(x.numpy(), t.numpy())


@pytest.mark.parametrize("dims,shapes", [(2, [(2, 3, 4), (3, 4, 5)]), (1, [(2, 3), (3, 4)]), (0, [(2,), (3,)]),
                                         (([1, 0], [0, 2]), [(3, 2, 4), (2, 5, 3)]), ([[2], [1]], [(2, 3, 4), (3, 4)])])
def test_tensordot(dims, shapes, device):
    compare(lambda a, b: M.tensordot(a, b, dims), shapes=shapes, torch_fn=lambda a, b: torch.tensordot(a, b, dims),
            device=device)


def test_mv_inner_vdot_kron_cross_chain(device):
    compare(lambda a, b: a.mv(b), shapes=[(3, 4), (4,)], device=device)
    compare(lambda a, b: a.inner(b), shapes=[(2, 3, 4), (5, 4)], device=device)
    compare(lambda a, b: M.inner(a, b), shapes=[(), (2, 3)], torch_fn=torch.inner, device=device)
    compare(lambda a, b: a.vdot(b), shapes=[(5,), (5,)], device=device)
    for shapes in ([(2, 3), (3, 2)], [(2,), (2, 3)], [(2, 1, 3), (3, 2)]):
        compare(lambda a, b: a.kron(b), shapes=shapes, device=device)
    compare(lambda a, b: M.cross(a, b, dim=1), shapes=[(4, 3), (4, 3)], torch_fn=lambda a, b: torch.cross(a, b, dim=1),
            device=device)
    compare(lambda a, b: a.cross(b, dim=0), shapes=[(3, 2), (3, 1)], device=device)
    compare(lambda a, b, c: M.chain_matmul(a, b, c), shapes=[(2, 3), (3, 4), (4, 2)],
            torch_fn=lambda a, b, c: torch.linalg.multi_dot([a, b, c]), device=device)


def test_errors_follow_torch():
    with pytest.raises(RuntimeError):
        M.mv(M.zeros(2, 3), M.zeros(2))
    with pytest.raises(RuntimeError):
        M.tensordot(M.zeros(2, 3), M.zeros(2, 3), 1)
    with pytest.raises(RuntimeError):
        M.cross(M.zeros(4, 2), M.zeros(4, 2), dim=1)


ZEROS = np.array([[2.0, 0.5, 0.0, 3.0, 0.0, 1.5], [0.0, 2.0, 3.0, -1.0, 2.0, 0.5], [1.0, 2.0, -0.5, 3.0, 0.25, 2.0]],
                 np.float32)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumprod_with_zeros(dim, device):
    compare(lambda x: x.cumprod(dim), inputs=[ZEROS], device=device)
    compare(lambda x: M.cumprod(x, dim), shapes=[(3, 4)], torch_fn=lambda x: torch.cumprod(x, dim), device=device)
    assert M.cumprod(M.tensor([1, 2, 3], device=device), 0).tolist() == [1, 2, 6]


def test_cumprod_central_differences_in_float64():
    x = M.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (3, 5)), dtype=M.float64, requires_grad=True)
    assert M.gradcheck(lambda t: t.cumprod(1), (x,))


@pytest.mark.parametrize("dim", [0, 1])
def test_logcumsumexp(dim, device):
    compare(lambda x: x.logcumsumexp(dim), shapes=[(3, 4)], device=device)
    big = np.array([[1e4, 1e4 + 1, -np.inf], [-np.inf, -np.inf, 0.0]], np.float32)
    compare(lambda x: M.logcumsumexp(x, dim), inputs=[big], torch_fn=lambda x: torch.logcumsumexp(x, dim),
            grad=False, device=device)


def test_diff(device):
    compare(lambda x: x.diff(), shapes=[(3, 5)], device=device)
    compare(lambda x: x.diff(n=2, dim=0), shapes=[(4, 3)], device=device)
    compare(lambda x, p, a: M.diff(x, 1, 1, p, a), shapes=[(2, 3), (2, 1), (2, 2)],
            torch_fn=lambda x, p, a: torch.diff(x, 1, 1, p, a), device=device)
    compare(lambda x: x.diff(n=5), shapes=[(2, 3)], device=device)

import numpy as np
import pytest
import torch

import minigrad
from helpers import compare, raises_as_torch

SHAPES = [
    [(3,), (3,)], [(2, 3), (3, 4)], [(3,), (3, 4)], [(2, 3), (3,)], [(5, 2, 3), (3, 4)], [(2, 3), (5, 3, 4)],
    [(5, 2, 3), (5, 3, 4)], [(2, 1, 2, 3), (5, 3, 4)], [(4, 1, 2, 3), (1, 3, 3, 2)], [(3,), (2, 3, 4)],
    [(2, 5, 3), (3,)], [(1, 3), (3, 1)],
    # on CUDA: K = 17 spans two slabs and part of a third, and 20 x 18 several tiles (of 16 x 16 in the simulator)
    [(9, 17), (17, 10)], [(20, 3), (3, 18)]]


@pytest.mark.parametrize("shapes", SHAPES, ids=lambda s: f"{s[0]}@{s[1]}".replace(" ", ""))
def test_matmul_matches_torch(shapes, device):
    out = compare(lambda a, b: a @ b, shapes=shapes, device=device)
    assert out[0].dtype == minigrad.float32


def test_matmul_function_mm_bmm_and_rmatmul():
    compare(lambda a, b: minigrad.matmul(a, b), shapes=[(2, 3), (3, 4)], torch_fn=torch.matmul)
    compare(lambda a, b: a.mm(b), shapes=[(2, 3), (3, 4)])
    compare(lambda a, b: a.bmm(b), shapes=[(4, 2, 3), (4, 3, 5)])
    a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    compare(lambda b: a @ b, shapes=[(3, 2)], torch_fn=lambda b: torch.tensor(a) @ b)


def test_matmul_gradient_for_one_input_only():
    compare(lambda a, b: a @ b, shapes=[(4, 2, 3), (3, 5)], requires_grad=[False, True])
    compare(lambda a, b: a @ b, shapes=[(4, 2, 3), (3, 5)], requires_grad=[True, False])


def test_matmul_float64_and_int():
    compare(lambda a, b: a @ b, inputs=[np.ones((2, 3)), np.ones((3, 2))])
    compare(lambda a, b: a @ b, inputs=[np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)])


def test_matmul_errors_as_torch():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        minigrad.ones(2, 3) @ minigrad.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(2\) must match the size of tensor b \(3\)"):
        minigrad.ones(2, 2, 3) @ minigrad.ones(3, 3, 5)
    for make in (lambda lib: lib.tensor(2.0) @ lib.ones(3),
                 lambda lib: lib.ones(2, 2) @ lib.ones(2, 2, dtype=lib.float64),
                 lambda lib: lib.ones(2, 3).mm(lib.ones(3)), lambda lib: lib.ones(3).mm(lib.ones(3, 2))):
        raises_as_torch(make)
    raises_as_torch(lambda lib: lib.ones(2, 2, 3).bmm(lib.ones(3, 3, 2)))


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(3,), (3, 2)], [(2, 3), (3,)], [(2, 2, 3), (3, 2)],
                                    [(2, 3), (2, 3, 2)], [(2, 1, 2, 3), (3, 3, 2)]])
def test_gradcheck_matmul(shapes):
    rng = np.random.default_rng(0)
    a, b = (minigrad.tensor(rng.standard_normal(s), dtype=minigrad.float64, requires_grad=True) for s in shapes)
    assert minigrad.gradcheck(lambda x, y: x @ y, (a, b))


EINSUM = [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij->ji", [(2, 3)]),
          ("ij->", [(2, 3)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(3,), (2,)]), ("...i,i->...", [(2, 3, 4), (4,)]),
          ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
          ("ij,kj", [(2, 3), (4, 3)]), ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]), ("ik,jk->", [(2, 3), (4, 3)]),
          ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
          ("bii->b", [(2, 3, 3)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]), ("iii->i", [(2, 2, 2)]),
          ("ij,ii->j", [(3, 2), (3, 3)])]


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum(equation, shapes, device):
    compare(lambda *xs: minigrad.einsum(equation, *xs), shapes=shapes,
            torch_fn=lambda *xs: torch.einsum(equation, *xs), device=device)


def test_einsum_errors():
    with pytest.raises(ValueError, match="2 subscripts in the equation for 1 operands"):
        minigrad.einsum("ij,jk->ik", minigrad.ones(2, 2))
    with pytest.raises(RuntimeError):
        minigrad.einsum("ii->i", minigrad.ones(2, 3))


SINGULAR = [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]]]
INDEFINITE = [[[2.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]


@pytest.mark.parametrize("make", [
    lambda lib: lib.linalg.inv(lib.tensor(SINGULAR)), lambda lib: lib.inverse(lib.tensor(SINGULAR[1])),
    lambda lib: lib.linalg.solve(lib.tensor(SINGULAR), lib.ones(2, 2)),
    lambda lib: lib.linalg.cholesky(lib.tensor(INDEFINITE)),
    lambda lib: lib.linalg.cholesky_ex(lib.tensor(INDEFINITE), check_errors=True),
    lambda lib: lib.linalg.inv_ex(lib.tensor(SINGULAR), check_errors=True),
])
def test_linalg_errors_as_torch(make):
    """PyTorch's LinAlgError (a RuntimeError) with its message: the batch element and LAPACK's info."""
    raises_as_torch(make)
    with pytest.raises(minigrad.linalg.LinAlgError):
        make(minigrad)


@pytest.mark.parametrize("name, matrices", [("inv_ex", SINGULAR), ("cholesky_ex", INDEFINITE), ("solve_ex", SINGULAR)])
def test_ex_functions_give_info_as_torch(name, matrices):
    """The *_ex functions return PyTorch's named (result, info): info per matrix, the regular ones' results equal
    (a failed matrix's result is NaN here, PyTorch's LAPACK leaves partial values)."""
    results = []
    for lib in (minigrad, torch):
        args = (lib.tensor(matrices),) + ((lib.ones(2, 2),) if name == "solve_ex" else ())
        results.append(getattr(lib.linalg, name)(*args))
    ours, theirs = results
    assert type(ours).__name__ == type(theirs).__name__
    field = {"inv_ex": "inverse", "cholesky_ex": "L"}.get(name, "result")
    assert ours[1] is ours.info and ours[0] is getattr(ours, field)
    np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
    assert str(ours.info.dtype) == "int32"
    np.testing.assert_allclose(ours[0][0].numpy(), theirs[0][0].numpy(), rtol=1e-6)
    assert np.isnan(ours[0][1].numpy()).all()

"""LU factorization (torch.linalg.lu_factor, lu_factor_ex, lu, lu_solve, torch.lu_unpack, the deprecated
torch.lu / lu_solve) against PyTorch's: factors, pivots, infos, solutions and every gradient, in float64; and
linalg.cholesky_ex's report of a matrix that is not positive-definite."""
import warnings

import numpy as np
import pytest
import torch

import minigrad

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (3, 5), (2, 3, 6, 6)])
def test_factors_solutions_and_gradients_against_torch(shape):
    a = RNG.standard_normal(shape)
    square = shape[-1] == shape[-2]
    b = RNG.standard_normal(shape[:-2] + (shape[-2], 2)) if square else None
    results, weights = [], None
    for library in (minigrad, torch):
        A = library.tensor(a, requires_grad=True)
        P, L, U = library.linalg.lu(A)
        LU, pivots = library.linalg.lu_factor(A)
        outputs = [P, L, U, LU]
        if square:
            B = library.tensor(b)
            outputs += [library.linalg.lu_solve(LU, pivots, B),
                        library.linalg.lu_solve(LU, pivots, B, adjoint=True),
                        library.linalg.lu_solve(LU, pivots, B.transpose(-2, -1), left=False),
                        library.linalg.lu_solve(LU, pivots, B.transpose(-2, -1), left=False, adjoint=True)]
        outputs += list(library.lu_unpack(LU, pivots))
        weights = weights or [RNG.standard_normal(tuple(o.shape)) for o in outputs]
        sum((o * library.tensor(w)).sum() for o, w in zip(outputs, weights)).backward()
        results.append([o.detach().numpy() for o in outputs] + [pivots.numpy(), A.grad.numpy()])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert results[0][-2].dtype == np.int32


@pytest.mark.parametrize("matrix", [[[0.0, 1.0], [0.0, 0.0]], [[0.0, 1.0], [2.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]],
                                    [[0.0, 0.0], [0.0, 0.0]]])
def test_zero_pivots_infos_and_errors_as_torch(matrix):
    ours = minigrad.linalg.lu_factor_ex(minigrad.tensor(matrix))
    theirs = torch.linalg.lu_factor_ex(torch.tensor(matrix))
    for got, expected in zip(ours, theirs):
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
    if int(theirs.info) > 0:
        with pytest.raises(RuntimeError) as mine:
            minigrad.linalg.lu_factor(minigrad.tensor(matrix))
        with pytest.raises(RuntimeError) as torchs:
            torch.linalg.lu_factor(torch.tensor(matrix))
        assert str(mine.value) == str(torchs.value)


def test_deprecated_forms_and_methods():
    a, b = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch's deprecation warnings)
        expected = [t.numpy() for t in torch.lu(torch.tensor(a), get_infos=True)]
        expected.append(torch.lu_solve(torch.tensor(b), *torch.lu(torch.tensor(a))).numpy())
        expected.append(torch.tensor(b).lu_solve(*torch.tensor(a).lu()).numpy())
    got = [t.numpy() for t in minigrad.lu(minigrad.tensor(a), get_infos=True)]
    got.append(minigrad.lu_solve(minigrad.tensor(b), *minigrad.lu(minigrad.tensor(a))).numpy())
    got.append(minigrad.tensor(b).lu_solve(*minigrad.tensor(a).lu()).numpy())
    for mine, theirs in zip(got, expected):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
    with pytest.raises(RuntimeError, match="without pivoting"):
        minigrad.linalg.lu(minigrad.eye(2), pivot=False)


def test_cholesky_ex_reports_the_failing_minor_as_torch():
    matrices = np.array([[[4.0, 2.0, 0.0], [2.0, 5.0, 1.0], [0.0, 1.0, 3.0]],
                         [[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                         [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]]])
    _, info = minigrad.linalg.cholesky_ex(minigrad.tensor(matrices))
    assert info.numpy().tolist() == torch.linalg.cholesky_ex(torch.tensor(matrices)).info.numpy().tolist()
    factor, info = minigrad.linalg.cholesky_ex(minigrad.tensor(matrices[0]))
    np.testing.assert_allclose(factor.numpy(), np.linalg.cholesky(matrices[0]), rtol=1e-12)
    with pytest.raises(RuntimeError):
        minigrad.linalg.cholesky_ex(minigrad.tensor(matrices), check_errors=True)

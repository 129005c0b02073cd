"""minigrad.linalg against torch.linalg: factorizations (values, and gradients where minigrad gives them, in
float64 to 1e-10 and against central differences), norms, products, errors."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare

rng = np.random.default_rng(0)


def _spd(*batch, n=4):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


SQUARE = rng.standard_normal((2, 3, 3))
TOL = dict(rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["inv", "det"])
def test_inverse_and_determinant(name, device):
    compare(lambda a: getattr(M.linalg, name)(a), inputs=[SQUARE], torch_fn=getattr(torch.linalg, name),
            device=device, **TOL)
    compare(lambda a: getattr(M.linalg, name)(a), inputs=[SQUARE.astype(np.float32)],
            torch_fn=getattr(torch.linalg, name), device=device)
    compare(lambda a: getattr(a, "inverse" if name == "inv" else "det")(), inputs=[SQUARE[0]], device=device, **TOL)


def test_determinant_gradient_of_a_singular_matrix_is_the_cofactor_matrix():
    """A deliberate divergence (README): PyTorch 2.13 gives zeros for this rank-2 matrix; the derivative of det is
    its cofactor matrix, which central differences confirm."""
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    a = M.tensor(singular, requires_grad=True)
    M.linalg.det(a).backward()
    cofactors = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(a.grad.numpy(), cofactors, atol=1e-12)
    assert M.gradcheck(M.linalg.det, (M.tensor(singular, requires_grad=True),))


def test_slogdet_and_logdet(device):
    compare(lambda a: M.linalg.slogdet(a), inputs=[SQUARE], torch_fn=torch.linalg.slogdet, device=device, **TOL)
    compare(lambda a: M.logdet(a), inputs=[_spd(2)], torch_fn=torch.logdet, device=device, **TOL)
    assert M.logdet(M.tensor([[-1.0, 0.0], [0.0, 1.0]])).isnan().item()


@pytest.mark.parametrize("b_shape", [(2, 3, 2), (2, 3), (3, 4)])
def test_solve(b_shape, device):
    b = rng.standard_normal(b_shape)
    a = SQUARE if b_shape != (3, 4) else SQUARE[0]
    compare(lambda a, b: M.linalg.solve(a, b), inputs=[a, b], torch_fn=torch.linalg.solve, device=device, **TOL)
    if len(b_shape) == 3:
        left = np.swapaxes(b, -1, -2).copy()
        compare(lambda a, b: M.linalg.solve(a, b, left=False), inputs=[a, left],
                torch_fn=lambda a, b: torch.linalg.solve(a, b, left=False), device=device, **TOL)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(upper, device):
    compare(lambda a: M.linalg.cholesky(a, upper=upper), inputs=[_spd(2)],
            torch_fn=lambda a: torch.linalg.cholesky(a, upper=upper), device=device, **TOL)
    with pytest.raises(RuntimeError):
        M.linalg.cholesky(M.tensor(-np.eye(2)))


def test_eigh_values_and_vectors_with_gradients(device):
    """The gradient through eigenvectors is taken through a sign-invariant function of them (v v^T)."""
    symmetric = _spd(2, n=3)
    compare(lambda a: M.linalg.eigvalsh(a), inputs=[symmetric], torch_fn=torch.linalg.eigvalsh, device=device, **TOL)
    compare(lambda a: (lambda r: (r[0], r[1] @ r[1].transpose(-1, -2) * r[0].unsqueeze(-2)))(M.linalg.eigh(a)),
            inputs=[symmetric], torch_fn=lambda a: (lambda r: (r[0], r[1] @ r[1].transpose(-1, -2)
                                                              * r[0].unsqueeze(-2)))(torch.linalg.eigh(a)),
            device=device, **TOL)


def test_svd_singular_values_and_pinv(device):
    tall = rng.standard_normal((2, 5, 3))
    compare(lambda a: M.linalg.svdvals(a), inputs=[tall], torch_fn=torch.linalg.svdvals, device=device, **TOL)
    u, s, vh = M.linalg.svd(M.tensor(tall), full_matrices=False)
    np.testing.assert_allclose((u * s.unsqueeze(-2) @ vh).numpy(), tall, **TOL)
    assert tuple(M.linalg.svd(M.tensor(tall)).U.shape) == (2, 5, 5)
    compare(lambda a: M.linalg.pinv(a), inputs=[tall], torch_fn=torch.linalg.pinv, device=device, **TOL)
    wide = np.swapaxes(tall, -1, -2).copy()
    for a in (tall, wide, SQUARE):  # through sign-invariant functions of the singular vectors
        compare(lambda a: (lambda r: (r[0] @ r[0].transpose(-1, -2), r[1], r[2].transpose(-1, -2) @ r[2]))(
            M.linalg.svd(a, full_matrices=False)), inputs=[a], device=device, **TOL,
            torch_fn=lambda a: (lambda r: (r[0] @ r[0].mT, r[1], r[2].mT @ r[2]))(torch.linalg.svd(a, full_matrices=False)))
        compare(lambda a: (lambda r: r[0] * r[1].unsqueeze(-2) @ r[2] * 2)(M.linalg.svd(a, full_matrices=False)),
                inputs=[a], device=device, **TOL,
                torch_fn=lambda a: (lambda r: r[0] * r[1].unsqueeze(-2) @ r[2] * 2)(torch.linalg.svd(a, full_matrices=False)))
    with pytest.raises(NotImplementedError):
        M.linalg.svd(M.tensor(tall, requires_grad=True)).U.sum().backward()


def test_qr_reconstructs():
    a = rng.standard_normal((4, 3))
    q, r = M.linalg.qr(M.tensor(a))
    tq, tr = torch.linalg.qr(torch.tensor(a))
    np.testing.assert_allclose(np.abs(q.numpy()), np.abs(tq.numpy()), **TOL)
    np.testing.assert_allclose((q @ r).numpy(), a, **TOL)


@pytest.mark.parametrize("shape,mode", [((4, 3), "reduced"), ((3, 3), "reduced"), ((3, 5), "reduced"),
                                        ((2, 4, 3), "reduced"), ((2, 3, 4), "reduced"), ((3, 5), "complete"),
                                        ((3, 3), "complete")])
def test_qr_values_and_gradients_equal_torch(shape, mode):
    """Both factors and the gradient through both (tall, square, wide; batched), float64, as PyTorch's (the same
    LAPACK signs)."""
    compare(lambda a: M.linalg.qr(a, mode) if isinstance(a, M.Tensor) else torch.linalg.qr(a, mode),
            inputs=[rng.standard_normal(shape)], atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("mode", ["r", "complete"])
def test_qr_refuses_the_gradients_torch_refuses(mode):
    """mode 'r' (an empty Q, as torch's) and 'complete' on a tall matrix compute, and raise PyTorch's error when
    differentiated."""
    a = rng.standard_normal((4, 3))
    ours, theirs = M.linalg.qr(M.tensor(a), mode), torch.linalg.qr(torch.tensor(a), mode)
    assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]
    np.testing.assert_allclose(ours.R.numpy(), theirs.R.numpy(), **TOL)
    messages = []
    for library in (M, torch):
        with pytest.raises(RuntimeError) as error:
            library.linalg.qr(library.tensor(a, requires_grad=True), mode).R.sum().backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf])
def test_matrix_norms(ord, device):
    compare(lambda a: M.linalg.matrix_norm(a, ord), inputs=[SQUARE], torch_fn=lambda a: torch.linalg.matrix_norm(a, ord),
            device=device, **TOL)
    compare(lambda a: M.linalg.norm(a, ord), inputs=[SQUARE[0]], torch_fn=lambda a: torch.linalg.norm(a, ord),
            device=device, **TOL)


def test_vector_norms_products_and_powers(device):
    compare(lambda a: M.linalg.vector_norm(a, 3, dim=1), inputs=[SQUARE], device=device,
            torch_fn=lambda a: torch.linalg.vector_norm(a, 3, dim=1), **TOL)
    compare(lambda a: M.linalg.norm(a), inputs=[SQUARE], torch_fn=torch.linalg.norm, device=device, **TOL)
    compare(lambda a, b, c: M.linalg.multi_dot([a, b, c]), shapes=[(3,), (3, 4), (4,)],
            torch_fn=lambda a, b, c: torch.linalg.multi_dot([a, b, c]), device=device)
    for n in (0, 1, 3, -2):
        compare(lambda a: M.linalg.matrix_power(a, n), inputs=[SQUARE], device=device,
                torch_fn=lambda a: torch.linalg.matrix_power(a, n), **TOL)
    compare(lambda a, b: M.linalg.vecdot(a, b), shapes=[(3, 4), (3, 4)], torch_fn=torch.linalg.vecdot, device=device)


def test_central_differences():
    a = M.tensor(_spd(n=3), requires_grad=True)
    for fn in (M.linalg.inv, M.linalg.det, lambda t: M.linalg.slogdet(t).logabsdet, M.linalg.svdvals,
               lambda t: M.linalg.svd(t, full_matrices=False).U.abs(), lambda t: M.linalg.qr(t).Q,
               lambda t: M.linalg.qr(t).R, lambda t: M.linalg.qr(t[:2]).Q, lambda t: M.linalg.qr(t[:, :2]).R):
        assert M.gradcheck(fn, (a,))
    # cholesky and eigh read one triangle: differentiated along symmetric perturbations
    for fn in (M.linalg.cholesky, M.linalg.eigvalsh, lambda t: M.linalg.eigh(t).eigenvectors.abs()):
        assert M.gradcheck(lambda t: fn((t + t.transpose(0, 1)) / 2), (a,))


def test_errors():
    with pytest.raises(RuntimeError, match="square"):
        M.linalg.inv(M.zeros(2, 3))
    with pytest.raises(RuntimeError):
        M.linalg.inv(M.zeros(2, 2, dtype=M.float64))
    with pytest.raises(RuntimeError, match="floating"):
        M.linalg.det(M.tensor([[1, 2], [3, 4]]))

"""copysign, ldexp, frexp, nextafter, angle, the complex-number names of a real tensor, torch.svd/torch.qr and
torch.histogram, each against PyTorch (values, gradients, dtypes, NaN, infinities and signed zeros)."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

SPECIAL = np.array([1.5, -2.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 3.0], np.float32)
SIGNS = np.array([-1.0, 2.0, -0.0, 1.0, -3.0, 0.0, 1.0, np.nan], np.float32)


@pytest.mark.parametrize("case", [
    lambda a, b: a.copysign(b),
    lambda a, b: a.copysign(-0.0) if isinstance(a, minigrad.Tensor) else a.copysign(-0.0),
    lambda a, b: (a * 0 + 1).copysign(b),
])
def test_copysign_values_and_gradients(case):
    compare(case, inputs=[SPECIAL, SIGNS], requires_grad=[True, True], atol=0, rtol=0)


def test_copysign_broadcasts_and_makes_integers_float():
    compare(lambda a, b: a.copysign(b), shapes=[(3, 1), (4,)])
    assert minigrad.copysign(minigrad.tensor([1, -2]), -1.0).tolist() == [-1.0, -2.0]
    assert minigrad.copysign(minigrad.tensor([1, -2]), -1.0).dtype == minigrad.float32


def test_ldexp_frexp_nextafter():
    exponents = np.array([1, 2, 3, 0, 1, 1, 1, 5])
    compare(lambda a, e: a.ldexp(e), inputs=[SPECIAL, exponents], atol=0, rtol=0)
    compare(lambda a, e: a.ldexp(e), inputs=[SPECIAL, exponents.astype(np.float32) - 3], atol=0, rtol=0)
    # a negative integer exponent: PyTorch's gradient is 0 there (2**e in integers), the derivative is 2**e
    x = minigrad.tensor([3.0, -1.0], dtype=minigrad.float64, requires_grad=True)
    minigrad.ldexp(x, minigrad.tensor([-3, 2])).sum().backward()
    assert x.grad.tolist() == [0.125, 4.0]
    assert minigrad.gradcheck(lambda t: minigrad.ldexp(t, minigrad.tensor([-3, 2])), (x.detach().requires_grad_(),))
    values = np.array([8.0, -0.3, 0.0, 1e-30, 3.5], np.float32)
    ours, theirs = minigrad.frexp(minigrad.tensor(values)), torch.frexp(torch.tensor(values))
    np.testing.assert_array_equal(ours.mantissa.numpy(), theirs.mantissa.numpy())
    np.testing.assert_array_equal(ours.exponent.numpy(), theirs.exponent.numpy())
    assert ours.exponent.dtype == minigrad.int32
    towards = np.array([9.0, -1.0, -1.0, 0.0, 3.5], np.float32)
    np.testing.assert_array_equal(minigrad.nextafter(minigrad.tensor(values), minigrad.tensor(towards)).numpy(),
                                  torch.nextafter(torch.tensor(values), torch.tensor(towards)).numpy())


def test_angle_of_real_tensors_and_its_zero_gradient():
    compare(lambda a: a.angle(), inputs=[SPECIAL], atol=0, rtol=0)
    compare(lambda a: a.angle(), inputs=[np.array([-2, 0, 3])])


def test_complex_names_of_a_real_tensor():
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, -2.0])
        assert x.conj() is x and x.resolve_conj() is x and x.resolve_neg() is x and lib.conj(x) is x
        assert x.real is x and lib.real(x) is x and not x.is_complex()
        with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
            x.imag


@pytest.mark.parametrize("some", [True, False])
def test_legacy_svd_and_qr(some):
    matrix = np.random.default_rng(0).normal(size=(5, 3))
    compare(lambda a: minigrad.svd(a, some=some).S if isinstance(a, minigrad.Tensor) else torch.svd(a, some=some).S,
            inputs=[matrix], atol=1e-12, rtol=1e-12)
    ours, theirs = minigrad.svd(minigrad.tensor(matrix), some=some), torch.svd(torch.tensor(matrix), some=some)
    assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]
    np.testing.assert_allclose(np.abs(ours.V.numpy()[:, :3]), np.abs(theirs.V.numpy()[:, :3]), atol=1e-12)
    q, r = minigrad.tensor(matrix).qr(some=some)
    assert tuple(q.shape) == tuple(torch.linalg.qr(torch.tensor(matrix), "reduced" if some else "complete").Q.shape)
    np.testing.assert_allclose((q @ r).numpy(), matrix, atol=1e-12)
    assert minigrad.svd(minigrad.tensor(matrix), compute_uv=False).U.abs().sum().item() == 0


@pytest.mark.parametrize("arguments", [
    dict(bins=4), dict(bins=3, range=(0.0, 1.0)), dict(bins=3, range=(0.0, 1.0), weighted=True, density=True),
    dict(edges=[0.0, 0.5, 1.0]), dict(bins=5, density=True),
], ids=str)
def test_histogram(arguments):
    values = np.array([0.1, 0.5, 0.5, 0.9, 1.0, -1.0, 0.25], np.float32)
    weights = np.arange(1, 8, dtype=np.float32)
    results = []
    for lib in (minigrad, torch):
        options = {k: v for k, v in arguments.items() if k in ("range", "density")}
        if arguments.get("weighted"):
            options["weight"] = lib.tensor(weights)
        bins = lib.tensor(arguments["edges"]) if "edges" in arguments else arguments["bins"]
        results.append(lib.histogram(lib.tensor(values), bins, **options))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
        assert ours.dtype == minigrad.float32

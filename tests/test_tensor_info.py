"""Small things a PyTorch script reads or calls: tensor properties (is_cpu, get_device, mT, H, retains_grad...),
set_printoptions, creation helpers (logspace, tril/triu_indices, vander, randint_like) and
testing.assert_close, against PyTorch."""
import random

import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare


def test_properties_follow_torch():
    x, t = M.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert x.is_cpu and x.get_device() == t.get_device() == -1
    assert tuple(x.mT.shape) == tuple(t.mT.shape) and tuple(x.mH.shape) == tuple(t.mH.shape)
    assert tuple(M.zeros(2, 3).H.shape) == (3, 2) and tuple(x.adjoint().shape) == tuple(t.adjoint().shape)
    assert not x.is_complex() and x.is_signed() and not M.zeros(2, dtype=M.uint8).is_signed()
    with pytest.raises(RuntimeError):
        M.zeros(3).mT
    leaf = M.ones(2, requires_grad=True)
    inner = leaf * 2
    assert not inner.retains_grad
    inner.retain_grad()
    assert inner.retains_grad and not leaf.retains_grad
    compare(lambda a: a.mT * 2, shapes=[(2, 3, 4)])


REPR_CASES = [[1.5, 2.0], [1.0, 2.0, 3.0], [0.0, 0.0], [1e-5, 1.0], [1e9, 1.0], [[1.25, -3.5], [100.0, 2.0]],
              [float("nan"), 1.0, float("inf")], [1, 2, 300], [True, False], 3.14159, [[1e-5] * 3] * 2,
              np.arange(2000, dtype=np.float32), np.arange(30, dtype=np.float32) / 7,
              np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 5,
              np.random.default_rng(0).standard_normal((5, 40)).astype(np.float32),
              np.arange(3000).reshape(30, 100), np.zeros((0, 3), np.float32), np.zeros(0, np.float32)]


@pytest.mark.parametrize("index", range(len(REPR_CASES)))
def test_tensors_print_as_torch_prints_them(index):
    value = REPR_CASES[index]
    assert repr(M.tensor(value)) == repr(torch.tensor(value))
    assert str(M.tensor(value)) == str(torch.tensor(value))


def test_set_printoptions():
    try:
        M.set_printoptions(precision=2)
        torch.set_printoptions(precision=2)
        assert repr(M.tensor([1 / 3, 2.0])) == repr(torch.tensor([1 / 3, 2.0])) == "tensor([0.33, 2.00])"
        M.set_printoptions(sci_mode=True)
        torch.set_printoptions(sci_mode=True)
        assert repr(M.tensor([1 / 3, 2.0])) == repr(torch.tensor([1 / 3, 2.0]))
        M.set_printoptions(threshold=5, edgeitems=1)
        assert "..." in repr(M.arange(10))
        M.set_printoptions(profile="full")
        assert "..." not in repr(M.arange(2000))
    finally:
        M.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert "..." in repr(M.arange(2000)) and "..." not in repr(M.arange(1000))


def test_creation_helpers():
    np.testing.assert_allclose(M.logspace(-2, 3, 6).numpy(), torch.logspace(-2, 3, 6).numpy(), rtol=1e-6)
    np.testing.assert_allclose(M.logspace(0, 4, 5, base=2).numpy(), torch.logspace(0, 4, 5, base=2).numpy())
    for args in ((4, 4), (3, 5, 1), (5, 3, -1)):
        assert M.tril_indices(*args).tolist() == torch.tril_indices(*args).tolist()
        assert M.triu_indices(*args).tolist() == torch.triu_indices(*args).tolist()
    for n, increasing in ((None, False), (4, True), (1, False)):
        # (PyTorch 2.13's own vander fails its backward: values compared, gradients by central differences)
        compare(lambda x: M.vander(x, n, increasing), shapes=[(3,)], grad=False,
                torch_fn=lambda x: torch.vander(x, n, increasing))
        x = M.tensor([0.5, -1.5, 2.0], dtype=M.float64, requires_grad=True)
        assert M.gradcheck(lambda t: M.vander(t, n, increasing), (x,))
    r = M.randint_like(M.zeros(3, 4, dtype=M.float64), 5, 9)
    assert tuple(r.shape) == (3, 4) and r.dtype == M.float64 and 5 <= r.min().item() and r.max().item() < 9


def test_assert_close():
    M.testing.assert_close(M.tensor([1.0, 2.0]), M.tensor([1.0, 2.0 + 1e-6]))
    with pytest.raises(AssertionError, match="not close"):
        M.testing.assert_close(M.tensor([1.0, 2.0]), M.tensor([1.0, 2.1]))
    with pytest.raises(AssertionError, match="dtype"):
        M.testing.assert_close(M.tensor([1.0]), M.tensor([1.0], dtype=M.float64))
    with pytest.raises(AssertionError, match="shape"):
        M.testing.assert_close(M.zeros(2), M.zeros(3))
    with pytest.raises(AssertionError):
        M.testing.assert_close(M.tensor([float("nan")]), M.tensor([float("nan")]))
    M.testing.assert_close(M.tensor([float("nan"), np.inf]), M.tensor([float("nan"), np.inf]), equal_nan=True)
    M.testing.assert_close({"a": [M.zeros(2)]}, {"a": [M.zeros(2)]})
    M.testing.assert_close(M.tensor([1.0]), M.tensor([1.5]), rtol=0, atol=0.5)
    M.testing.assert_close(1.0, 1.0 + 1e-9)
    with pytest.raises(ValueError):
        M.testing.assert_close(M.zeros(1), M.zeros(1), rtol=0.1)


def test_activation_checkpointing_sparse_init_and_upsample_aliases():
    from minigrad.utils.checkpoint import checkpoint, checkpoint_sequential
    layer = M.nn.Linear(3, 2)
    x = M.ones(4, 3, requires_grad=True)
    checkpoint(layer, x, use_reentrant=False).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.tile(layer.weight.detach().numpy().sum(0), (4, 1)), rtol=1e-6)
    model = M.nn.Sequential(M.nn.Linear(3, 3), M.nn.ReLU(), M.nn.Linear(3, 1))
    np.testing.assert_array_equal(checkpoint_sequential(model, 2, x).detach().numpy(), model(x).detach().numpy())
    weight = M.zeros(10, 6)
    M.nn.init.sparse_(weight, 0.25, std=0.5)
    assert ((weight.numpy() == 0).sum(0) == 3).all() and 0.2 < weight.numpy()[weight.numpy() != 0].std() < 1.0
    import torch.nn.functional as TF
    compare(lambda t: M.nn.functional.upsample_bilinear(t, scale_factor=2), shapes=[(1, 2, 3, 3)],
            torch_fn=lambda t: TF.upsample_bilinear(t, scale_factor=2))
    compare(lambda t: M.nn.functional.upsample_nearest(t, size=(5, 4)), shapes=[(1, 2, 3, 3)],
            torch_fn=lambda t: TF.upsample_nearest(t, size=(5, 4)))


def _random_tensor_text(lib, seed):
    """The repr of a random tensor: 0-4 dims (some long enough to be summarized), a dtype, a scale from 1e-10 to
    1e10, NaN, inf and -0.0 mixed in, requires_grad or a grad_fn."""
    pick = random.Random(seed)
    shape = tuple(pick.choice([0, 1, 7, 11, 1100]) if pick.random() < 0.2 else pick.randint(1, 6)
                  for _ in range(pick.choice([0, 1, 1, 2, 2, 3, 4])))
    shape = shape[:1] if np.prod(shape) > 3000 else shape
    dtype = pick.choice(["float32", "float64", "int64", "int32", "bool", "float16", "uint8", "int8"])
    values = np.random.default_rng(seed).standard_normal(shape) * pick.choice([1, 1e-5, 1e5, 1e10, 1e-10, 100, 0.001])
    if pick.random() < 0.3 and values.size:
        values.reshape(-1)[:3] = [np.nan, np.inf, -0.0][:values.size]
    if dtype[0] in "iu":
        values = np.abs(np.nan_to_num(values, nan=0, posinf=7, neginf=-7).clip(-100, 100))
    t = lib.tensor(values.astype(dtype))
    if dtype.startswith("float") and pick.random() < 0.5:
        t = t.requires_grad_() * (1 if pick.random() < 0.5 else 2)
    return repr(t).replace("minigrad.", "torch.")


def test_random_tensors_print_as_torch():
    """1,000 random tensors print as PyTorch prints them, up to where a suffix wraps: minigrad's dtype names are
    three characters longer ('minigrad.float16'), so PyTorch's rule (a suffix that would pass the line width goes
    on a new line) can wrap one of them a suffix earlier."""
    for seed in range(1000):
        ours, theirs = _random_tensor_text(M, seed), _random_tensor_text(torch, seed)
        assert " ".join(ours.split()) == " ".join(theirs.split()), seed


def test_suffixes_wrap_as_torch():
    """A suffix that would pass 80 columns goes on its own line, indented, as in PyTorch."""
    values = np.array([[0.5842, -0.9565, -0.4374, 0.4759, 1.4029, -0.7967], [np.inf, -np.inf, -1.8655, -0.2104,
                       -0.6534, -0.2351]], np.float32)
    for lib in (M, torch):
        text = repr(lib.tensor(values, requires_grad=True) * 1)
        assert text.endswith("-0.6534, -0.2351]],\n       grad_fn=<MulBackward0>)"), text

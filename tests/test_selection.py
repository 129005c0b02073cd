"""Ops whose output size depends on the values, against PyTorch: nonzero, where(condition), masked_select,
unique, bincount, count_nonzero; and the scans, reductions and matrix helpers added beside them (cumsum,
logsumexp, var_mean/std_mean, sum/mean with dtype, dot, outer, diagonal, diag, trace, lerp, addcmul, addcdiv,
clamp_min/clamp_max, log2/log10/exp2, nan_to_num)."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

M, T = minigrad, torch
INTEGERS = np.array([[0, 3, 0], [1, 0, 2]], dtype=np.int64)


def _same(ours, theirs):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert str(a.dtype) == str(b.dtype).replace("torch.", "")
        np.testing.assert_array_equal(a.cpu().numpy(), b.numpy())


def test_nonzero_where_and_argwhere(device):
    x = M.tensor(INTEGERS, device=device)
    t = T.tensor(INTEGERS)
    _same(M.nonzero(x), T.nonzero(t))
    _same(x.nonzero(as_tuple=True), t.nonzero(as_tuple=True))
    _same(M.where(x > 0), T.where(t > 0))
    _same(M.argwhere(x), T.argwhere(t))
    _same(M.nonzero(M.tensor(5, device=device)), T.nonzero(T.tensor(5)))


def test_masked_select_broadcasts_and_passes_gradients_to_the_selected_places(device):
    mask = np.array([True, False, True, True])
    compare(lambda x, m: M.masked_select(x, m), inputs=[np.random.default_rng(0).standard_normal((3, 4),
                                                                                              dtype=np.float32),
                                                      mask], torch_fn=T.masked_select, device=device)
    with pytest.raises(RuntimeError, match="BoolTensor"):
        M.masked_select(M.ones(2), M.ones(2))


def test_unique_bincount_and_count_nonzero(device):
    values = np.array([3, 1, 3, 2, 1, 1], dtype=np.int64)
    x, t = M.tensor(values, device=device), T.tensor(values)
    _same(M.unique(x), T.unique(t))
    _same(M.unique(x, return_inverse=True, return_counts=True), T.unique(t, return_inverse=True, return_counts=True))
    rows = np.array([[3, 1], [0, 2], [3, 1]], dtype=np.int64)
    _same(M.unique(M.tensor(rows, device=device), dim=0, return_inverse=True),
          T.unique(T.tensor(rows), dim=0, return_inverse=True))
    _same(M.bincount(x), T.bincount(t))
    _same(M.bincount(x, minlength=7), T.bincount(t, minlength=7))
    weights = np.linspace(0.5, 3, 6).astype(np.float32)
    _same(M.bincount(x, M.tensor(weights, device=device)), T.bincount(t, T.tensor(weights)))
    _same(M.count_nonzero(M.tensor(INTEGERS, device=device)), T.count_nonzero(T.tensor(INTEGERS)))
    _same(M.count_nonzero(M.tensor(INTEGERS, device=device), 1), T.count_nonzero(T.tensor(INTEGERS), 1))
    with pytest.raises(RuntimeError, match="non-negative integral"):
        M.bincount(M.tensor([-1, 2]))


def test_a_confusion_matrix_by_bincount():
    target, prediction, classes = np.array([0, 1, 2, 2, 1]), np.array([0, 2, 2, 2, 1]), 3
    ours = M.bincount(M.tensor(target) * classes + M.tensor(prediction), minlength=classes ** 2).reshape(3, 3)
    theirs = T.bincount(T.tensor(target) * classes + T.tensor(prediction), minlength=classes ** 2).reshape(3, 3)
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum(dim, device):
    compare(lambda x: x.cumsum(dim), shapes=[(3, 4, 2)], device=device)
    compare(lambda x: M.cumsum(x, dim), shapes=[(2, 5, 3)], torch_fn=lambda x: T.cumsum(x, dim), device=device)
    _same(M.cumsum(M.tensor(INTEGERS, device=device), dim % 2), T.cumsum(T.tensor(INTEGERS), dim % 2))
    _same(M.tensor([True, False, True], device=device).cumsum(0), T.tensor([True, False, True]).cumsum(0))


def test_logsumexp_var_mean_std_mean_and_dtype_arguments(device):
    big = np.array([[1.0, 2.0, 80.0], [-np.inf, 0.0, 1.0], [np.inf, 1.0, 2.0]], dtype=np.float32)
    compare(lambda x: M.logsumexp(x, 1), inputs=[big[:2]], torch_fn=lambda x: T.logsumexp(x, 1), device=device)
    compare(lambda x: x.logsumexp((0, 1), keepdim=True), shapes=[(3, 4)], device=device)
    compare(lambda x: M.logsumexp(x, 1), inputs=[big], torch_fn=lambda x: T.logsumexp(x, 1), grad=False,
            device=device)
    compare(lambda x: M.var_mean(x, 1), shapes=[(3, 5)], torch_fn=lambda x: T.var_mean(x, 1), device=device)
    compare(lambda x: M.std_mean(x, 0, keepdim=True), shapes=[(3, 5)],
            torch_fn=lambda x: T.std_mean(x, 0, keepdim=True), device=device)
    _same(M.tensor(INTEGERS, device=device).sum(dtype=M.float32), T.tensor(INTEGERS).sum(dtype=T.float32))
    _same(M.tensor(INTEGERS, device=device).mean(1, dtype=M.float32), T.tensor(INTEGERS).mean(1, dtype=T.float32))


def test_dot_outer_diagonal_diag_trace(device):
    compare(lambda a, b: M.dot(a, b), shapes=[(5,), (5,)], torch_fn=T.dot, device=device)
    compare(lambda a, b: a.outer(b), shapes=[(3,), (4,)], device=device)
    for offset in (0, 1, -2):
        compare(lambda x: x.diagonal(offset), shapes=[(4, 5)], device=device)
        compare(lambda v: M.diag(v, offset), shapes=[(3,)], torch_fn=lambda v: T.diag(v, offset), device=device)
        compare(lambda x: M.diag(x, offset), shapes=[(4, 3)], torch_fn=lambda x: T.diag(x, offset), device=device)
    compare(lambda x: x.diagonal(1, 0, 2), shapes=[(3, 2, 4)], device=device)
    compare(lambda x: M.trace(x), shapes=[(3, 3)], torch_fn=T.trace, device=device)
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        M.dot(M.ones(2, 2), M.ones(2))


def test_lerp_addcmul_addcdiv_and_clamp_bounds(device):
    for weight in (0.3, 0.7):
        compare(lambda a, b: M.lerp(a, b, weight), shapes=[(3, 4), (3, 4)], torch_fn=lambda a, b: T.lerp(a, b, weight),
                device=device)
    compare(lambda a, b, w: a.lerp(b, w), shapes=[(3, 4), (3, 4), (3, 4)], low=0.0, high=1.0, device=device)
    compare(lambda a, b, c: M.addcmul(a, b, c, value=0.5), shapes=[(3, 4), (3, 4), (4,)],
            torch_fn=lambda a, b, c: T.addcmul(a, b, c, value=0.5), device=device)
    compare(lambda a, b, c: a.addcdiv(b, c.abs() + 1, value=-2), shapes=[(3, 4), (3, 4), (3, 4)], device=device)
    compare(lambda a: a.clamp_min(0.1), shapes=[(5,)], device=device)
    compare(lambda a: a.clamp_max(0.1), shapes=[(5,)], device=device)
    x, t = M.ones(3), T.ones(3)
    x.addcmul_(M.tensor([1.0, 2.0, 3.0]), M.tensor([2.0, 2.0, 2.0]), value=0.5)
    t.addcmul_(T.tensor([1.0, 2.0, 3.0]), T.tensor([2.0, 2.0, 2.0]), value=0.5)
    assert x.tolist() == t.tolist()


@pytest.mark.parametrize("name", ["log2", "log10", "exp2"])
def test_base_two_and_ten(name, device):
    low = 0.1 if name != "exp2" else -3.0
    compare(lambda x: getattr(x, name)(), shapes=[(3, 4)], low=low, high=4.0, device=device)
    edges = np.array([0.0, -1.0, np.inf, np.nan, 1.0, 200.0], dtype=np.float32)
    with np.errstate(all="ignore"):
        compare(lambda x: getattr(M, name)(x), inputs=[edges], torch_fn=getattr(T, name), grad=False, device=device)


def test_nan_to_num(device):
    values = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], dtype=np.float32)
    compare(lambda x: M.nan_to_num(x), inputs=[values], torch_fn=T.nan_to_num, device=device)
    compare(lambda x: x.nan_to_num(nan=-1.0, posinf=9.0, neginf=-9.0), inputs=[values], device=device)


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_and_its_gradient_with_zeros(dim, device):
    values = np.array([[1.5, 2.0, -3.0], [4.0, 0.0, 0.5], [0.0, 0.0, 2.0]], dtype=np.float32)
    if dim is None:
        compare(lambda x: x.prod(), inputs=[values[:2, [0, 2]]], device=device)
        compare(lambda x: M.prod(x), inputs=[values], torch_fn=T.prod, device=device)
    else:
        compare(lambda x: x.prod(dim), inputs=[values], device=device)
        compare(lambda x: M.prod(x, dim, keepdim=True), inputs=[values],
                torch_fn=lambda x: T.prod(x, dim, keepdim=True), device=device)
    _same(M.prod(M.tensor(INTEGERS + 1, device=device), 1), T.prod(T.tensor(INTEGERS + 1), 1))


def test_addcmul_and_addcdiv_round_as_torch_bit_for_bit(device):
    """PyTorch's addcmul is a fused multiply-add of value * tensor1 and tensor2 into input; addcdiv divides
    value * tensor1 by tensor2. On 10,000 random float32 elements each gives the same bits."""
    from devices import SIMULATED
    rng = np.random.default_rng(2)
    a, b, c = (rng.standard_normal(10000).astype(np.float32) for _ in range(3))
    for value in (0.3, -1.7, 1):
        ours = M.addcmul(*(M.tensor(v, device=device) for v in (a, b, c)), value=value).cpu().numpy()
        theirs = T.addcmul(*map(T.tensor, (a, b, c)), value=value).numpy()
        if device == "cuda" and SIMULATED:  # the simulator's cuda.fma multiplies and adds: two roundings, an ulp
            np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=1e-7)
        else:
            np.testing.assert_array_equal(ours, theirs)
        ours = M.addcdiv(*(M.tensor(v, device=device) for v in (a, b, np.abs(c) + 0.1)), value=value).cpu().numpy()
        np.testing.assert_array_equal(ours, T.addcdiv(*map(T.tensor, (a, b, np.abs(c) + 0.1)), value=value).numpy())


def test_median_and_kthvalue(device):
    values = np.array([[5.0, 1.0, 7.0, 2.0], [2.0, 9.0, 3.0, 4.0], [1.0, np.nan, 3.0, 0.0]], dtype=np.float32)
    compare(lambda x: x[:2].median(), inputs=[values], torch_fn=lambda x: x[:2].median(), device=device)
    for dim in (0, 1):
        compare(lambda x: x.median(dim), inputs=[values], device=device)  # NaN rows give NaN, as PyTorch
        compare(lambda x: x[:2].kthvalue(2, dim, keepdim=True), inputs=[values], device=device)
    assert M.median(M.tensor([1.0, np.nan, 3.0])).isnan().item()
    with pytest.raises(RuntimeError, match="out of range"):
        M.ones(2, 3).kthvalue(4)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0])
def test_cdist_with_a_zero_distance(p, device):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((2, 5, 3)).astype(np.float32)
    b[1, 0] = a[0]  # a zero distance: its gradient is zero, as PyTorch's
    compare(lambda x, y: M.cdist(x, y, p), inputs=[a, b], torch_fn=lambda x, y: T.cdist(x, y, p), device=device)


def test_multinomial_and_bernoulli_follow_their_laws():
    M.manual_seed(0)
    draws = M.multinomial(M.tensor([0.1, 0.0, 0.9]), 20000, replacement=True).numpy()
    assert draws.dtype == np.int64 and not (draws == 1).any() and abs((draws == 2).mean() - 0.9) < 0.01
    rows = M.multinomial(M.tensor([[0.0, 1.0, 3.0, 2.0], [1.0, 1.0, 0.0, 1.0]]), 3)
    assert rows.shape == (2, 3) and all(len(set(r)) == 3 for r in rows.tolist()) and 2 not in rows[1].tolist()
    generator = M.Generator().manual_seed(4)
    again = M.Generator().manual_seed(4)
    assert M.multinomial(M.ones(5), 5, generator=generator).tolist() == M.ones(5).multinomial(
        5, generator=again).tolist()
    assert abs(M.bernoulli(M.full((20000,), 0.3)).mean().item() - 0.3) < 0.01
    for bad in ([0.0, 0.0], [1.0, -1.0], [1.0, float("nan")], [1.0, float("inf")]):
        for count, replacement in ((1, False), (2, True), (2, False)):
            with pytest.raises(RuntimeError) as theirs:
                torch.multinomial(torch.tensor(bad), count, replacement)
            with pytest.raises(RuntimeError) as ours:
                M.multinomial(M.tensor(bad), count, replacement)
            assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="without replacement"):
        M.multinomial(M.tensor([0.0, 1.0]), 3)
    assert M.multinomial(M.tensor([0.0, 1.0]), 2).tolist() == [1, 0]  # zero weights last, as PyTorch's

"""More Tensor methods against PyTorch: index_put (accumulate), masked_scatter, put, scatter_reduce (every
reduction, with and without self, gradients included), the *_scatter ops, in-place shape changes (recorded in the
graph), resize_, random fills, aminmax, renorm, sum_to_size, split_with_sizes, apply_/map_, queries."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare

rng = np.random.default_rng(0)


def test_index_put_and_put(device):
    rows, cols = np.array([0, 2, 0, 1]), np.array([1, 3, 1, 0])
    for accumulate in (False, True):
        compare(lambda x, v, r, c: x.index_put((r, c), v, accumulate), shapes=None,
                inputs=[rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32),
                        rows, cols] if accumulate else [rng.standard_normal((3, 4)).astype(np.float32),
                                                        rng.standard_normal(3).astype(np.float32), rows[1:], cols[1:]],
                device=device)
    compare(lambda x, v, r: x.index_put((r,), v, True), inputs=[rng.standard_normal((3, 4)).astype(np.float32),
                                                                 rng.standard_normal((3, 4)).astype(np.float32),
                                                                 np.array([2, 0, 2])], device=device)
    x, t = M.zeros(3, 4), torch.zeros(3, 4)
    x.put_(M.tensor([0, 5, 5]), M.tensor([1.0, 2.0, 3.0]), accumulate=True)
    t.put_(torch.tensor([0, 5, 5]), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
    assert x.tolist() == t.tolist()


def test_masked_scatter(device):
    mask = np.array([[True, False, True], [False, True, True]])
    compare(lambda x, m, s: x.masked_scatter(m, s), inputs=[rng.standard_normal((2, 3)).astype(np.float32), mask,
                                                            rng.standard_normal(6).astype(np.float32)], device=device)
    x, t = M.zeros(2, 3), torch.zeros(2, 3)
    assert x.masked_scatter_(M.tensor([True, False, True]), M.arange(6.0)) is x
    t.masked_scatter_(torch.tensor([True, False, True]), torch.arange(6.0))
    assert x.tolist() == t.tolist()


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self, device):
    index = np.array([[0, 2, 0], [1, 1, 3]])
    values = rng.standard_normal((2, 3)).astype(np.float32)
    values[0, 2] = values[0, 0]  # a tie for amax/amin
    values[1, 2] = 0.0  # a place's only zero: prod's gradient there is the product of the others
    compare(lambda x, i, s: x.scatter_reduce(1, i, s, reduce, include_self=include_self),
            inputs=[rng.standard_normal((2, 4)).astype(np.float32), index, values], device=device)
    ints = M.tensor([[1, 2, 3, 4]]).scatter_reduce(1, M.tensor([[0, 0]]), M.tensor([[5, 7]]), reduce,
                                                    include_self=include_self)
    expected = torch.tensor([[1, 2, 3, 4]]).scatter_reduce(1, torch.tensor([[0, 0]]), torch.tensor([[5, 7]]), reduce,
                                                           include_self=include_self)
    assert ints.tolist() == expected.tolist()


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dim", [0, 1])
def test_index_reduce(reduce, include_self, dim):
    """Repeated indices reduce together; ties of amax/amin share the gradient; a zero in prod. Float64."""
    x = rng.standard_normal((3, 4))
    source = rng.standard_normal((3, 4))
    source[(0, 2) if dim == 0 else (1, 0)] = source[0, 0]  # rows 0 and 2 (or columns 0 and 1) land on one slice
    source[1, 1] = 0.0
    compare(lambda t, i, s: t.index_reduce(dim, i, s[:, :3] if dim == 1 else s, reduce, include_self=include_self),
            inputs=[x, np.array([2, 0, 2]), source], atol=1e-12, rtol=1e-12)
    in_place = [lib.tensor(x).index_reduce_(dim, lib.tensor([1, 1, 0]), lib.tensor(source[:, :3] if dim else source),
                                             reduce, include_self=include_self).numpy() for lib in (M, torch)]
    np.testing.assert_array_equal(in_place[0], in_place[1])


def test_index_reduce_refusals_as_torch():
    for bad in (lambda L: L.zeros(3, 2).index_reduce(0, L.tensor([0]), L.ones(1, 2), "sum"),
                lambda L: L.zeros(3, 2).index_reduce(0, L.tensor([0, 1]), L.ones(1, 2), "prod"),
                lambda L: L.zeros(3, 2).index_reduce(0, L.tensor([0.0]), L.ones(1, 2), "prod"),
                lambda L: L.zeros(3, 2).index_reduce(0, L.tensor([1]), L.ones(1, 3), "prod")):
        for lib in (M, torch):
            with pytest.raises(RuntimeError):
                bad(lib)


def test_scatter_ops_with_gradients(device):
    compare(lambda x, s: M.diagonal_scatter(x, s, 1), shapes=[(3, 4), (3,)],
            torch_fn=lambda x, s: torch.diagonal_scatter(x, s, 1), device=device)
    compare(lambda x, s: M.diagonal_scatter(x, s, -1, 1, 2), shapes=[(2, 3, 3), (2, 2)],
            torch_fn=lambda x, s: torch.diagonal_scatter(x, s, -1, 1, 2), device=device)
    compare(lambda x, s: M.select_scatter(x, s, 1, 2), shapes=[(2, 4), (2,)],
            torch_fn=lambda x, s: torch.select_scatter(x, s, 1, 2), device=device)
    compare(lambda x, s: M.slice_scatter(x, s, 1, 0, 4, 2), shapes=[(2, 5), (2, 2)],
            torch_fn=lambda x, s: torch.slice_scatter(x, s, 1, 0, 4, 2), device=device)


def test_in_place_shape_changes_are_recorded(device):
    def chain(x, lib):
        y = x * 2
        y.unsqueeze_(0)
        y.t_() if y.ndim == 2 else y.transpose_(0, 2)
        y.squeeze_()
        return y * y
    compare(lambda x: chain(x, M), shapes=[(3, 4)], torch_fn=lambda x: chain(x, torch), device=device)
    leaf = M.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf.unsqueeze_(0)
    plain = M.zeros(2, 3)
    assert plain.swapaxes_(0, 1) is plain and tuple(plain.shape) == (3, 2)


def test_resize_random_fills_and_helpers():
    x, t = M.arange(6.0), torch.arange(6.0)
    assert x.resize_(2, 2).tolist() == t.resize_(2, 2).tolist()
    M.manual_seed(0)
    draws = M.zeros(20000)
    assert abs(draws.exponential_(2.0).mean().item() - 0.5) < 0.02
    assert abs(draws.bernoulli_(0.3).mean().item() - 0.3) < 0.02
    assert abs(draws.geometric_(0.25).mean().item() - 4) < 0.15 and draws.min().item() >= 1
    assert abs(draws.log_normal_(0.0, 0.5).log().std().item() - 0.5) < 0.02
    assert abs(draws.cauchy_().median().item()) < 0.05
    counts = M.zeros(20000, dtype=M.int64).random_(3, 7).numpy()
    assert set(np.unique(counts)) == {3, 4, 5, 6}
    assert set(np.unique(M.zeros(1000).random_(4).numpy())) == {0.0, 1.0, 2.0, 3.0}
    ours, theirs = M.tensor([[3.0, -1.0], [2.0, 5.0]]).aminmax(dim=1), torch.tensor([[3.0, -1.0], [2.0, 5.0]]).aminmax(dim=1)
    assert ours.min.tolist() == theirs.min.tolist() and ours.max.tolist() == theirs.max.tolist()
    compare(lambda x: x.renorm(2, 0, 1.0), shapes=[(3, 4)])
    compare(lambda x: x.sum_to_size(1, 4), shapes=[(3, 4)])
    compare(lambda x: x.sum_to_size(3, 1), shapes=[(2, 3, 4)])
    assert [tuple(p.shape) for p in M.zeros(6, 2).split_with_sizes([1, 5])] == [(1, 2), (5, 2)]
    a = M.tensor([1.0, 2.0, 3.0])
    assert a.apply_(lambda v: v * 10).tolist() == [10.0, 20.0, 30.0]
    assert a.map_(M.tensor([1.0, 1.0, 2.0]), lambda u, v: u - v).tolist() == [9.0, 19.0, 28.0]
    assert M.tensor([0.5]).is_nonzero() and not M.tensor([0]).is_nonzero()
    with pytest.raises(RuntimeError):
        M.tensor([1, 2]).is_nonzero()
    assert M.zeros(2, 3).is_same_size(M.ones(2, 3)) and not M.zeros(2).is_sparse
    for name in ("tril_", "triu_"):
        x, t = M.ones(3, 3), torch.ones(3, 3)
        getattr(x, name)(1), getattr(t, name)(1)
        assert x.tolist() == t.tolist()

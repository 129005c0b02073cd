"""Elementwise ops and reductions on device 'cuda' against PyTorch (tiny shapes: the simulator is slow)."""
import numpy as np
import pytest
import torch

import minigrad
from cuda_compare import compare_cuda

BROADCAST = [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(2, 3, 4), (4,)], [(), (3, 2)]]


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
                                lambda a, b: a / (b.abs() + 0.5), lambda a, b: a.maximum(b)],
                         ids=["add", "sub", "mul", "div", "max"])
def test_binary_broadcasting(op, shapes):
    compare_cuda(op, shapes=shapes)


@pytest.mark.parametrize("op", [
    lambda x: 2 - x * 0.5, lambda x: 1 / (x + 3), lambda x: x ** 2, lambda x: 2 ** x, lambda x: x.exp(),
    lambda x: (x + 3).log(), lambda x: (x + 3).sqrt(), lambda x: x.abs(), lambda x: x.clamp(-0.5, 0.5),
    lambda x: x.clamp(min=0.1)],
    ids=["scalar", "rdiv", "square", "rpow", "exp", "log", "sqrt", "abs", "clamp", "clamp_min"])
def test_unary_and_scalar(op):
    compare_cuda(op, shapes=[(3, 4)], low=-2.5, high=2.5)


def test_pow_where_and_comparisons():
    compare_cuda(lambda a, b: a ** b, shapes=[(2, 3), (3,)], low=0.5, high=2.0)
    compare_cuda(lambda a, b: minigrad.where(a > b, a, b), shapes=[(3, 4), (4,)],
                 torch_fn=lambda a, b: torch.where(a > b, a, b))
    x = minigrad.tensor([1.0, 2.0, 3.0], device="cuda")
    assert (x >= 2).tolist() == [False, True, True]
    assert (x == 2).dtype == minigrad.bool and (x == 2).device == "cuda"


def test_nan_and_domain_edges_match_numpy():
    values = np.array([-1.0, 0.0, 4.0, np.nan], np.float32)
    x = minigrad.tensor(values, device="cuda")
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_array_equal(x.log().numpy(), np.log(values))
        np.testing.assert_array_equal(x.sqrt().numpy(), np.sqrt(values))
    y = minigrad.tensor([1.0, float("nan"), 0.0, 2.0], device="cuda")
    assert np.isnan(x.maximum(y).numpy()[[1, 3]]).all()


@pytest.mark.parametrize("fn", [lambda x: x.sum(), lambda x: x.sum(1), lambda x: x.sum((0, 2), keepdim=True),
                                lambda x: x.mean(), lambda x: x.mean(-1), lambda x: x.var(1),
                                lambda x: x.std(), lambda x: x.amax(1), lambda x: x.max(),
                                lambda x: x.min(dim=0).values, lambda x: x.sum(dim=())],
                         ids=["sum", "sum1", "sum02", "mean", "mean-1", "var", "std", "amax", "max", "min0", "sum()"])
def test_reductions(fn):
    compare_cuda(fn, shapes=[(2, 3, 4)])


def test_long_sum_uses_chunked_rows():
    """A long row is cut in chunks reduced by separate blocks, then their partials reduced again."""
    compare_cuda(lambda x: x.sum(), shapes=[(1500,)], atol=1e-4)
    compare_cuda(lambda x: x.sum(-1), shapes=[(2, 1100)], atol=1e-4)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_reductions_and_integer_sums(op):
    x = np.array([[1.0, 5.0, 5.0, 0.0], [7.0, -1.0, 7.0, -1.0], [0.0, 0.0, 2.0, 2.0]], dtype=np.float32)
    for dim, keepdim in [(None, False), (0, False), (1, True)]:
        out = compare_cuda(lambda t: getattr(t, op)(dim=dim, keepdim=keepdim), inputs=[x], grad=False)
        assert out[0].dtype == minigrad.int64
    compare_cuda(lambda t: t.sum(dim=1), inputs=[np.arange(6, dtype=np.int32).reshape(2, 3)])
    compare_cuda(lambda t: t.sum(), inputs=[np.array([True, False, True])])


def test_max_with_dim_returns_values_and_indices():
    out = compare_cuda(lambda x: tuple(x.max(1)), shapes=[(3, 4)])
    assert out[1].dtype == minigrad.int64

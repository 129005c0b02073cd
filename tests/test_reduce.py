import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

DIMS = [None, 0, -1, 1, (0, 2), (-1, 0), (0, 1, 2)]


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin"])
def test_reductions_over_dims(op, dim, keepdim, device):
    def fn(x):
        if dim is None:
            return getattr(x, op)() if not keepdim else getattr(x, op)(dim=(0, 1, 2), keepdim=True)
        return getattr(x, op)(dim=dim, keepdim=keepdim)
    compare(fn, shapes=[(2, 3, 4)], device=device)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("unbiased", [True, False])
def test_var_and_std(op, dim, keepdim, unbiased, device):
    compare(lambda x: getattr(x, op)(dim=dim, unbiased=unbiased, keepdim=keepdim), shapes=[(3, 4, 5)], device=device)


def test_var_correction_and_default_is_unbiased():
    compare(lambda x: x.var(dim=1, correction=0), shapes=[(3, 4)])
    compare(lambda x: x.var(dim=1, correction=2), shapes=[(3, 6)])
    compare(lambda x: x.var(), shapes=[(7,)])
    compare(lambda x: minigrad.var(x, 0), shapes=[(5, 2)], torch_fn=lambda x: torch.var(x, 0))


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_with_dim_returns_values_and_indices(op, dim, keepdim, device):
    out = compare(lambda x: tuple(getattr(x, op)(dim, keepdim=keepdim)), shapes=[(3, 4, 5)], device=device)
    assert out[1].dtype == minigrad.int64
    result = getattr(minigrad, op)(minigrad.randn(3, 4), dim=1)
    assert result.values is result[0] and result.indices is result[1]


@pytest.mark.parametrize("op", ["max", "min"])
def test_full_max_min_shares_gradient_among_ties_as_torch(op):
    tied = np.array([[1.0, 3.0, 3.0], [-2.0, 0.5, -2.0]], dtype=np.float32)
    compare(lambda x: getattr(x, op)(), inputs=[tied])
    compare(lambda x: getattr(x, "a" + op)(dim=1), inputs=[tied])
    # With dim, the whole gradient goes to the returned (first) index.
    compare(lambda x: getattr(x, op)(dim=1).values, inputs=[tied])


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (-1, True), (1, False)])
def test_argmax_argmin(op, dim, keepdim, device):
    x = np.array([[1.0, 5.0, 5.0, 0.0], [7.0, -1.0, 7.0, -1.0], [0.0, 0.0, 2.0, 2.0]], dtype=np.float32)
    out = compare(lambda t: getattr(t, op)(dim=dim, keepdim=keepdim), inputs=[x], grad=False, device=device)
    assert out[0].dtype == minigrad.int64


def test_max_of_two_tensors_is_maximum():
    compare(lambda a, b: minigrad.max(a, b), shapes=[(3, 4), (4,)], torch_fn=lambda a, b: torch.max(a, b))


def test_integer_sum_and_bool_sum_are_int64():
    compare(lambda x: x.sum(dim=1), inputs=[np.arange(6, dtype=np.int32).reshape(2, 3)])
    compare(lambda x: x.sum(), inputs=[np.array([True, False, True])])


@pytest.mark.parametrize("expression", ["x.sum(dtype=T.int32)", "x.sum(0, dtype=T.int16)", "x.prod(dtype=T.int32)",
                                        "x.cumsum(1, dtype=T.int32)", "x.cumprod(0, dtype=T.int8)",
                                        "T.nansum(x, dtype=T.int16)", "(x * 60).to(T.int8).sum(dtype=T.int8)",
                                        "(x * 60).to(T.int16).prod(dtype=T.int16)", "x.sum()", "x.prod(1)"])
def test_integer_reductions_keep_a_requested_dtype(expression):
    """Without ``dtype=`` small integers sum in int64; with it the result has that dtype, wrapped as PyTorch's."""
    data = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    ours, theirs = (eval(expression, {"T": library, "x": library.tensor(data)}) for library in (minigrad, torch))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_zero_dim_tensor_and_empty_dim_tuple():
    compare(lambda x: x.sum(0), inputs=[np.array(2.5, dtype=np.float32)])
    compare(lambda x: x.sum(dim=()), shapes=[(2, 3)])
    compare(lambda x: x.mean(-1), inputs=[np.array(2.5, dtype=np.float32)])


def test_reduction_errors():
    x = minigrad.ones(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range.*\[-2, 1\].*got 2"):
        x.sum(dim=2)
    with pytest.raises(RuntimeError, match="mean.*floating"):
        minigrad.arange(3).mean()
    with pytest.raises(TypeError, match="amax"):
        x.max(dim=(0, 1))
    with pytest.raises(RuntimeError, match="numel"):
        minigrad.ones(0).max()
    with pytest.raises(RuntimeError, match="multiple times"):
        x.sum(dim=(1, -1))


def test_mean_backward_is_writable_and_float32():
    x = minigrad.randn(4, 5, requires_grad=True)
    x.mean().backward()
    assert x.grad.dtype == minigrad.float32
    x.grad.array += 1  # the engine or an optimizer may add into a gradient in place


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(dim=(0, 2)), lambda x: x.mean(1, keepdim=True), lambda x: x.var(-1),
    lambda x: x.std(dim=(0, 1), unbiased=False), lambda x: x.max(), lambda x: x.min(dim=1).values,
    lambda x: x.amax(dim=(1, 2)), lambda x: x.amin(-1, keepdim=True)],
    ids=["sum", "mean", "var", "std", "max", "min_dim", "amax", "amin"])
def test_gradcheck_reductions(fn):
    x = minigrad.randn(2, 3, 4, dtype=minigrad.float64, requires_grad=True)
    assert minigrad.gradcheck(fn, (x,))

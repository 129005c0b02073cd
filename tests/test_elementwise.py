import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

BROADCAST = [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(2, 3, 4), (4,)], [(5,), (2, 1, 5)], [(), (3, 2)]]


@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
                                lambda a, b: a / (b.abs() + 0.5), lambda a, b: a.maximum(b),
                                lambda a, b: a.minimum(b)], ids=["add", "sub", "mul", "div", "max", "min"])
def test_binary_broadcasting(op, shapes, device):
    compare(op, shapes=shapes, device=device)


@pytest.mark.parametrize("op", [
    lambda x: x + 2, lambda x: 2 + x, lambda x: x - 1.5, lambda x: 3 - x, lambda x: x * 0.5,
    lambda x: 2 * x, lambda x: x / 4, lambda x: 1 / (x + 3), lambda x: -x, lambda x: x ** 2,
    lambda x: x ** 3, lambda x: (x + 3) ** 0.5, lambda x: 2 ** x, lambda x: x.exp(),
    lambda x: (x + 3).log(), lambda x: (x + 3).sqrt(), lambda x: x.abs(), lambda x: x.clamp(-0.5, 0.5),
    lambda x: x.clamp(min=0.1), lambda x: x.clamp(max=0.2)])
def test_unary_and_scalar(op, device):
    compare(op, shapes=[(4, 5)], low=-2.5, high=2.5, device=device)


def test_pow_tensor_tensor(device):
    compare(lambda a, b: a ** b, shapes=[(3, 4), (4,)], low=0.5, high=2.0, device=device)


def test_where_and_comparisons():
    compare(lambda a, b: minigrad.where(a > b, a, b), shapes=[(3, 4), (3, 4)],
            torch_fn=lambda a, b: torch.where(a > b, a, b))
    x = minigrad.tensor([1.0, 2.0, 3.0])
    assert (x >= 2).tolist() == [False, True, True]
    assert (x == 2).dtype == minigrad.bool


def test_where_broadcasts_and_ignores_the_branch_not_taken():
    compare(lambda c, a, b: minigrad.where(c > 0, a, b), shapes=[(3, 1), (1, 4), (3, 4)],
            torch_fn=lambda c, a, b: torch.where(c > 0, a, b), requires_grad=[False, True, True])
    compare(lambda a: minigrad.where(a > 0, a, 0.0), shapes=[(5, 3)], torch_fn=lambda a: torch.where(a > 0, a, 0.0))
    # an inf in the branch not taken is neither in the output nor in any gradient
    a = np.array([1.0, np.inf, -2.0], dtype=np.float32)
    compare(lambda a, b: minigrad.where(a < 2, a, b), inputs=[a, np.array([5.0, 6.0, 7.0], dtype=np.float32)],
            torch_fn=lambda a, b: torch.where(a < 2, a, b))
    with pytest.raises(RuntimeError, match="where: shapes"):
        minigrad.where(minigrad.ones(2) > 0, minigrad.ones(3), minigrad.ones(2))


def test_integer_and_float_promotion():
    i = minigrad.tensor([1, 2, 3])
    assert i.dtype == minigrad.int64
    assert (i * 2).dtype == minigrad.int64
    assert (i * 0.5).dtype == minigrad.float32
    assert (i / 2).dtype == minigrad.float32
    assert (minigrad.ones(2) + i[0:2].float()).dtype == minigrad.float32


def test_shape_mismatch_names_sizes_and_dimension_as_torch():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\) at "
                                           r"non-singleton dimension 1"):
        minigrad.ones(2, 3) + minigrad.ones(4)


def test_gradients_accumulate_and_backward_errors():
    x = minigrad.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5, 5, 5])
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()


def test_deep_graph_has_no_recursion_limit():
    x = minigrad.ones(2, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y + 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1])


def test_non_leaf_grad_only_when_retained():
    x = minigrad.ones(2, requires_grad=True)
    h = x * 2
    k = x * 3
    k.retain_grad()
    (h + k).sum().backward()
    assert h.grad is None
    np.testing.assert_array_equal(k.grad.numpy(), [1, 1])


def test_no_grad_context_and_decorator():
    x = minigrad.ones(2, requires_grad=True)
    with minigrad.no_grad():
        assert not (x * 2).requires_grad

    @minigrad.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_manual_seed_repeats_draws():
    minigrad.manual_seed(3)
    a = minigrad.randn(4)
    minigrad.manual_seed(3)
    b = minigrad.randn(4)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == minigrad.float32

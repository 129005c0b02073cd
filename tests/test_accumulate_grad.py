"""``.grad`` takes a gradient array without copying it only when nothing else can reach that array (as PyTorch's
AccumulateGrad); a gradient shared with another input, a saved array or a larger array is copied."""
import weakref

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function


class _Handing(Function):
    """y = a + b; backward hands out the arrays that ``make(op, grad)`` returns, recording weak references to them."""

    def forward(self, a, b, make):
        self.make = make
        return a + b

    def backward(self, grad):
        grads = self.make(self, grad)
        _Handing.last = [weakref.ref(g) for g in grads]
        return grads


def _backward(make):
    a = minigrad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    b = minigrad.tensor([5.0, 6.0, 7.0, 8.0], requires_grad=True)
    _Handing.apply(a, b, make).sum().backward()
    return a, b


def test_fresh_gradients_are_taken_as_they_are():
    a, b = _backward(lambda fn, g: (g * 2, (g * 3).reshape(2, 2).reshape(4)))
    assert a.grad.tolist() == [2.0] * 4 and b.grad.tolist() == [3.0] * 4
    assert a.grad.array is _Handing.last[0]() and b.grad.array is _Handing.last[1]()


@pytest.mark.parametrize("case", ["one array to both", "kept by the op", "part of a larger array",
                                  "read-only", "another dtype"])
def test_shared_gradients_are_copied(case):
    kept = {}

    def make(fn, g):
        if case == "one array to both":
            twice = g * 2
            return twice, twice
        if case == "kept by the op":
            kept["array"] = g * 2
            return kept["array"], g * 3
        if case == "part of a larger array":
            wide = np.concatenate([g * 2, g * 3])
            return wide[:4], wide[4:]
        if case == "read-only":
            frozen = g * 2
            frozen.flags.writeable = False
            return frozen, g * 3
        return (g * 2).astype(np.float64), g * 3

    a, b = _backward(make)
    assert a.grad.tolist() == [2.0] * 4 and b.grad.tolist() == [3.0 if case != "one array to both" else 2.0] * 4
    assert a.grad.dtype == minigrad.float32 and a.grad.array.flags.writeable
    assert a.grad.array is not _Handing.last[0]() and not np.shares_memory(a.grad.array, b.grad.array)
    a.grad.add_(1.0)  # changing one gradient in place leaves the other, and what the op kept, as they were
    assert b.grad.tolist() == [3.0 if case != "one array to both" else 2.0] * 4
    if case == "kept by the op":
        assert kept["array"].tolist() == [2.0] * 4


def test_gradients_of_one_sum_are_independent():
    """a + b hands both inputs one output gradient; reshape hands a view of it: each .grad is its own array."""
    a = minigrad.ones(2, 3, requires_grad=True)
    b = minigrad.ones(2, 3, requires_grad=True)
    c = minigrad.ones(6, requires_grad=True)
    ((a + b).reshape(6) * 1.0 + c).sum().backward()
    arrays = [a.grad.array, b.grad.array, c.grad.array]
    assert all(not np.shares_memory(x, y) for i, x in enumerate(arrays) for y in arrays[i + 1:])
    a.grad.mul_(5.0)
    assert b.grad.tolist() == [[1.0] * 3] * 2 and c.grad.tolist() == [1.0] * 6


def test_a_retained_gradient_is_a_copy():
    """A non-leaf's retained .grad is its own array: the op's backward reads the same gradient afterwards."""
    a = minigrad.ones(4, requires_grad=True)
    y = a * 2.0
    y.retain_grad()
    y.sum().backward()
    assert not np.shares_memory(y.grad.array, a.grad.array)
    y.grad.add_(1.0)
    assert a.grad.tolist() == [2.0] * 4 and y.grad.tolist() == [2.0] * 4


def test_register_hook_sees_and_replaces_gradients_as_torch():
    import torch
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        seen = []
        first = x.register_hook(lambda g: seen.append(g.tolist()) or g * 2)
        x.register_hook(lambda g: seen.append(g.tolist()))  # sees what the first one returned; returns None
        y = x * x
        y.register_hook(lambda g: g + 1)  # a non-leaf: changes what reaches x
        y.sum().backward()
        first.remove()
        grad_after_first = x.grad.tolist()
        x.grad = None
        (x * 3).sum().backward()
        results.append((grad_after_first, seen, x.grad.tolist()))
    assert results[0] == results[1]
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minigrad.ones(2).register_hook(lambda g: g)


def test_register_hook_applies_in_autograd_grad_and_checks_the_shape():
    z = minigrad.tensor([1.0, 2.0], requires_grad=True)  # (torch.autograd.grad gives [20, 40] here too)
    z.register_hook(lambda g: g * 10)
    assert minigrad.autograd.grad((z * z).sum(), z)[0].tolist() == [20.0, 40.0]
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="hook returned a gradient of shape"):
        (w * w).sum().backward()

"""An in-place change gives its tensor a new graph node; nodes recorded before it read the old values, and their
gradients go there, as in PyTorch (whose edges point at nodes, not tensors). Each case returns the leaf's gradient
on both libraries."""
import pytest
import torch

import minigrad


def _read_before_multiply(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    a = x * 2  # d a / d w = 2, whatever x becomes later
    x.mul_(3)
    (a + x).sum().backward()
    return w.grad


def _slice_written_from_itself(lib):
    w = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = w.clone()
    y[1:3] = y[1:3] * 10  # YOLO-style box decoding writes a slice computed from the same slice
    y.sum().backward()
    return w.grad


def _chained_changes(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    a = x * 2
    x.mul_(3)
    b = x * 5
    x.add_(x)
    (a + b + x).sum().backward()
    return w.grad


def _residual_with_inplace_relu(lib):
    w = lib.tensor([-1.0, 2.0], requires_grad=True)
    h = w * 2
    skip = h + 1
    h.relu_()
    (h + skip).sum().backward()
    return w.grad


def _transposed_in_place(lib):
    w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = w * 1
    a = x[0] * 5
    x.t_()
    (a.sum() + (x * lib.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum()).backward()
    return w.grad


def _custom_function_marked_dirty(lib):
    class Double(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x.mul_(2)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    a = x * 3
    y = Double.apply(x)
    (a + y * y).sum().backward()
    return w.grad


def _autograd_grad(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    a = lib.sigmoid(x)  # saves its output, not x
    x.mul_(3)
    return lib.autograd.grad((a + x).sum(), w)[0]


def _second_order(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = w * 1
    a = x + w * w
    x.add_(1)
    g, = lib.autograd.grad((a * x).sum(), w, create_graph=True)
    return lib.stack([g, lib.autograd.grad(g.sum(), w)[0]])


CASES = [_read_before_multiply, _slice_written_from_itself, _chained_changes, _residual_with_inplace_relu,
         _transposed_in_place, _custom_function_marked_dirty, _autograd_grad, _second_order]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.strip("_"))
def test_nodes_recorded_before_an_inplace_change_see_the_old_values(case):
    assert case(minigrad).tolist() == case(torch).tolist()


def test_an_op_saves_only_what_its_backward_needs():
    """x * 10 keeps nothing of x (its gradient is 10), so a later change of x does not stop backward; x * w with
    w requiring grad keeps x, and the change is caught."""
    for lib in (minigrad, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = w * 1
        y = x * 10 + x / 4
        x.add_(1)
        y.sum().backward()
        assert w.grad.tolist() == [10.25, 10.25]
        v = lib.tensor([1.0, 2.0], requires_grad=True)
        x = w * 1
        z = x * v
        x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()
        x = w * 1
        z = v / x  # the divisor is kept for both gradients
        x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()

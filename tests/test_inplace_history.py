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


def _weights(lib):
    return lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)


def _loss(lib, y):
    return (y * lib.arange(1.0, 1.0 + y.numel()).reshape(tuple(y.shape))).sum()


def _view_changed_in_place(change):
    """A case: y = w * 2, ``change(lib, y, w)`` writes into a view of y, then a weighted sum of y."""
    def case(lib):
        w = _weights(lib)
        y = w * 2
        extra = change(lib, y, w)
        _loss(lib, y).backward() if extra is None else (_loss(lib, y) + extra.sum()).backward()
        return w.grad
    case.__name__ = change.__name__
    return case


def _column_times_three(lib, y, w):
    y[:, 0] *= 3


def _row_plus_another_row(lib, y, w):
    y[0].add_(w[1])


def _reshaped_view_doubled(lib, y, w):
    y.view(3, 2).mul_(2)


def _transposed_view_relu(lib, y, w):
    y.t().sub_(5).relu_()


def _columns_clamped(lib, y, w):
    y[:, 1:].clamp_(max=5.0)


def _diagonal_filled(lib, y, w):
    y.diagonal().fill_(0.5)


def _view_of_a_view(lib, y, w):
    y[1][1:].mul_(w[0, :2])


def _view_read_before_its_change(lib, y, w):
    row = y[0]
    kept = row * 3  # recorded before the change: reads the old row
    row.mul_(2)
    return kept


def _other_view_read_before(lib, y, w):
    kept = y[1] * 3
    y[0].mul_(2)
    return kept


def _unsqueezed_view_squared(lib, y, w):
    y.unsqueeze(0)[:, 0].pow_(2)


def _view_used_after_its_base_changed(lib, y, w):
    row = y[0]
    y.mul_(3)  # row now shows the tripled values: its gradient goes through the multiplication
    return row * lib.tensor([1.0, 10.0, 100.0])


def _view_used_after_another_view_changed(lib, y, w):
    column = y[:, 1]
    y[0].mul_(3)
    return column * lib.tensor([1.0, 10.0])


def _stale_view_changed_in_place(lib, y, w):
    row = y[1]
    y.mul_(3)
    row.add_(w[0])


def _buffer_without_grad_takes_a_gradient(lib):
    w = _weights(lib)
    buffer = lib.zeros(2, 4)
    buffer[:, 1:].add_(w)
    _loss(lib, buffer).backward()
    return w.grad


CASES = [_read_before_multiply, _slice_written_from_itself, _chained_changes, _residual_with_inplace_relu,
         _transposed_in_place, _custom_function_marked_dirty, _autograd_grad, _second_order,
         _buffer_without_grad_takes_a_gradient] + [
    _view_changed_in_place(change) for change in (
        _column_times_three, _row_plus_another_row, _reshaped_view_doubled, _transposed_view_relu,
        _columns_clamped, _diagonal_filled, _view_of_a_view, _view_read_before_its_change, _other_view_read_before,
        _unsqueezed_view_squared, _view_used_after_its_base_changed, _view_used_after_another_view_changed,
        _stale_view_changed_in_place)]


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


def test_hooks_registered_before_an_inplace_change_see_the_old_values_gradient():
    """PyTorch: a hook registered on a tensor before an in-place change receives the gradient of the old values,
    one registered after it the gradient of the new ones."""
    found = []
    for lib in (minigrad, torch):
        w = lib.ones(3, requires_grad=True)
        y = w * 2
        seen = []
        y.register_hook(lambda g: seen.append(("before", g.tolist())))
        y.mul_(3)
        y.register_hook(lambda g: seen.append(("after", g.tolist())))
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        found.append((sorted(seen), w.grad.tolist()))
    assert found[0] == found[1]

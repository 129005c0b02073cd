"""PyTorch-style custom autograd functions (static forward/backward with a ctx) against PyTorch: saved tensors,
needs_input_grad, non-tensor arguments, several outputs, non-differentiable outputs, materialized gradients,
a gradient-reversal layer and a straight-through estimator inside a model, and the second-backward error."""
import numpy as np
import pytest
import torch

import minigrad


def _define(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return grad * result

    class ScaledSquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale, offset):
            ctx.scale = scale
            ctx.save_for_backward(x)
            return x * x * scale + offset

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return (grad * 2 * x * ctx.scale if ctx.needs_input_grad[0] else None, None,
                    grad if ctx.needs_input_grad[2] else None)

    class SplitStats(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            order = x.argsort(-1)
            ctx.mark_non_differentiable(order)
            return x.sum(-1), (x * x).sum(-1), order

        @staticmethod
        def backward(ctx, grad_sum, grad_squares, grad_order):
            (x,) = ctx.saved_tensors
            return grad_sum.unsqueeze(-1) + 2 * x * grad_squares.unsqueeze(-1)

    class ReverseGradient(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight):
            ctx.weight = weight
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad):
            return -ctx.weight * grad, None

    class RoundStraightThrough(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.round()

        @staticmethod
        def backward(ctx, grad):
            return grad

    return Exp, ScaledSquare, SplitStats, ReverseGradient, RoundStraightThrough


def _run(lib, fn):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    offset = lib.tensor(rng.standard_normal(4), requires_grad=True)
    outputs = fn(lib, x, offset)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    total = sum((o * lib.tensor(np.linspace(0.5, 2, o.numel()).reshape(tuple(o.shape)))).sum() for o in outputs
                if o.dtype == lib.float64)
    total.backward()
    return [o.detach().numpy() for o in outputs], x.grad.numpy(), None if offset.grad is None else offset.grad.numpy()


CASES = {
    "saved output": lambda lib, x, o: _define(lib)[0].apply(x),
    "non-tensor args": lambda lib, x, o: _define(lib)[1].apply(x, 0.5, o),
    "several outputs": lambda lib, x, o: _define(lib)[2].apply(x)[:2],
    "gradient reversal in a chain": lambda lib, x, o: (_define(lib)[3].apply(x * 2, 0.3) + o).tanh(),
    "straight-through rounding": lambda lib, x, o: (_define(lib)[4].apply(x * 3) * o).sum(0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_custom_functions_equal_torch(name):
    (ours, our_grad, our_offset), (theirs, their_grad, their_offset) = _run(minigrad, CASES[name]), _run(torch,
                                                                                                     CASES[name])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-12)
    assert (our_offset is None) == (their_offset is None)
    if our_offset is not None:
        np.testing.assert_allclose(our_offset, their_offset, rtol=1e-12)


def test_non_differentiable_outputs_and_graph_reuse():
    _, _, SplitStats, _, _ = _define(minigrad)
    x = minigrad.randn(2, 3, dtype=minigrad.float64, requires_grad=True)
    total, squares, order = SplitStats.apply(x)
    assert not order.requires_grad and total.requires_grad
    total.sum().backward(retain_graph=True)
    squares.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 + 2 * x.detach().numpy())
    y = _define(minigrad)[0].apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()
    with minigrad.no_grad():
        assert not _define(minigrad)[0].apply(x).requires_grad

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


def _modern(lib):
    """PyTorch 2's forms: forward without ctx plus setup_context; an in-place forward with mark_dirty; two outputs
    whose unused gradient arrives as None when not materialized."""
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    class DoubleInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Pair(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.set_materialize_grads(False)
            return x * 2, y * 3

        @staticmethod
        def backward(ctx, gx, gy):
            return (None if gx is None else gx * 2), (None if gy is None else gy * 3)
    return Scale, DoubleInPlace, Pair


def test_setup_context_mark_dirty_and_unmaterialized_grads_as_torch():
    results = []
    for lib in (minigrad, torch):
        Scale, DoubleInPlace, Pair = _modern(lib)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        Scale.apply(x, 3.0).sum().backward()
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        c = DoubleInPlace.apply(b)
        (c * c).sum().backward()
        p, q = lib.tensor([1.0], requires_grad=True), lib.tensor([1.0], requires_grad=True)
        Pair.apply(p, q)[0].sum().backward()
        with pytest.raises(RuntimeError):
            DoubleInPlace.apply(lib.ones(2, requires_grad=True))  # a leaf that requires grad
        results.append((x.grad.tolist(), c is b, b._version, a.grad.tolist(), p.grad.tolist(), q.grad))
    assert results[0] == results[1]


def test_torch_autograd_function_module_names():
    from minigrad.autograd.function import Function, FunctionCtx, InplaceFunction, once_differentiable  # noqa: F401
    assert Function is minigrad.autograd.Function and callable(once_differentiable)


def _graph_walk(lib):
    """The nodes reachable from a loss through next_functions, by name, as a graph drawer lists them."""
    w = lib.tensor([[1.0, 2.0]], requires_grad=True)
    b = lib.tensor([0.5], requires_grad=True)
    x = lib.tensor([[3.0], [4.0]])
    loss = ((w @ x + b).relu() * w.sum()).sum()
    names, seen, stack = [], {}, [loss.grad_fn]  # (seen keeps the nodes, as torchviz's set does)
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        names.append(node.name().replace("torch::autograd::", ""))
        if hasattr(node, "variable"):
            names.append(tuple(node.variable.shape))
        stack.extend(fn for fn, _ in node.next_functions)
    return sorted(map(str, names))


def test_next_functions_walk_the_graph_as_torch():
    assert _graph_walk(minigrad) == _graph_walk(torch)


def test_saved_tensors_hooks_pack_and_unpack_as_torch():
    """Every tensor an op saves goes through pack while the context is active (and the hook's own ops do not
    pack again); backward gets unpack's result; save_on_cpu and disable_saved_tensors_hooks behave as torch's."""
    results = []
    for lib in (minigrad, torch):
        packed, unpacked = [], []

        def pack(t):
            packed.append(tuple(t.shape))
            return t * 1

        def unpack(t):
            unpacked.append(tuple(t.shape))
            return t
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = (x * x).exp().sum()
        y.backward()
        with lib.autograd.graph.save_on_cpu():
            z = (x.sin() * x).sum()
        z.backward()
        with lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="no hooks here"):
                with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
                    pass
        results.append((len(packed) > 0, len(packed) == len(unpacked), np.round(x.grad.numpy(), 5).tolist()))
    assert results[0] == results[1]


def test_post_accumulate_grad_hook_must_return_none():
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.register_post_accumulate_grad_hook(lambda p: p.grad.mul_(10))
        with pytest.raises(RuntimeError, match="should return None"):
            (x * 2).sum().backward()

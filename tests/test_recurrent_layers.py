"""The whole-layer LSTM and GRU ops (ops/recurrent.py) against the same layer run step by step with small ops
and against PyTorch's layers: every output, the last states, and the gradients of the input, the initial states
and every weight (float64: 1e-13 against the small ops, 1e-12 against PyTorch), both directions, biases or none,
whichever inputs want gradients; one op per layer and direction; second derivatives; float32."""
import numpy as np
import pytest
import torch

import minigrad
from minigrad.ops.recurrent import _gru_step_by_ops, _lstm_step_by_ops
from minigrad.ops.recurrent import gru_layer, lstm_layer
from test_recurrent_steps import assert_second_derivatives_match


def _lstm_by_steps(x, h, c, *weights, reverse=False):
    outputs = [None] * x.shape[0]
    for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        both = _lstm_step_by_ops(x[t], h, c, *weights)
        h, c = both[0], both[1]
        outputs[t] = h
    return minigrad.stack(outputs, 0), h, c


def _gru_by_steps(x, h, *weights, reverse=False):
    outputs = [None] * x.shape[0]
    for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        h = _gru_step_by_ops(x[t], h, *weights)
        outputs[t] = h
    return minigrad.stack(outputs, 0), h


def _torch_layer(kind):
    def run(x, *rest, reverse=False):
        states = 2 if kind == "LSTM" else 1
        weights = [w for w in rest[states:] if w is not None]
        flip = (lambda a: a.flip(0)) if reverse else (lambda a: a)
        state = tuple(s[None] for s in rest[:states]) if states == 2 else rest[0][None]
        out, *last = getattr(torch._VF, kind.lower())(flip(x), state, weights, len(weights) == 4, 1, 0.0, False,
                                                         False, False)
        return (flip(out),) + tuple(s[0] for s in last)
    return run


# kind: (input names, gates, layer op, step by step, PyTorch)
KINDS = {"LSTM": (("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh"), 4, lstm_layer, _lstm_by_steps,
                  _torch_layer("LSTM")),
         "GRU": (("x", "h0", "w_ih", "w_hh", "b_ih", "b_hh"), 3, gru_layer, _gru_by_steps, _torch_layer("GRU"))}


def _arrays(kind, bias, seed=0, steps=5, batch=3, inputs=3, hidden=4, dtype=np.float64):
    names, gates = KINDS[kind][:2]
    rng = np.random.default_rng(seed)
    shapes = {"x": (steps, batch, inputs), "h0": (batch, hidden), "c0": (batch, hidden),
              "w_ih": (gates * hidden, inputs), "w_hh": (gates * hidden, hidden)}
    return [rng.standard_normal(shapes[n]).astype(dtype) if n in shapes else
            (rng.standard_normal(gates * hidden).astype(dtype) if bias else None) for n in names]


def _run(layer, arrays, wants, reverse, library=minigrad):
    """The layer's outputs and last states, and the gradients of a weighted sum of them (None where unwanted)."""
    tensors = [None if a is None else library.tensor(a, requires_grad=w) for a, w in zip(arrays, wants)]
    results = layer(*tensors, reverse=reverse)
    rng = np.random.default_rng(11)
    sum((r * library.tensor(rng.standard_normal(tuple(r.shape)))).sum() for r in results).backward()
    grads = [None if t is None or not w else t.grad.numpy() for t, w in zip(tensors, wants)]
    return [r.detach().numpy() for r in results] + grads


WANTS = {"all": lambda n: (True,) * n, "weights": lambda n: (False,) * (n - 4) + (True,) * 4,
         "some": lambda n: tuple(k % 2 == 1 for k in range(n))}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("wants", WANTS)
def test_layer_op_equals_the_steps_and_torch(kind, reverse, bias, wants):
    names, _, layer, by_steps, theirs_layer = KINDS[kind]
    arrays, wanted = _arrays(kind, bias), WANTS[wants](len(names))
    ours, steps, theirs = (_run(layer, arrays, wanted, reverse), _run(by_steps, arrays, wanted, reverse),
                           _run(theirs_layer, arrays, wanted, reverse, torch))
    labels = ("out", "h_T", "c_T")[:len(ours) - len(names)] + names
    for name, a, b, t in zip(labels, ours, steps, theirs):
        assert (a is None) == (b is None) == (t is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-13, err_msg=name)
            np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", KINDS)
def test_float32_layers_match_torch(kind):
    names, _, layer, _, theirs_layer = KINDS[kind]
    arrays = _arrays(kind, True, seed=2, steps=7, batch=2, dtype=np.float32)
    ours = _run(layer, arrays, (True,) * len(names), False)
    theirs = _run(theirs_layer, arrays, (True,) * len(names), False, torch)
    for a, t in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_one_op_per_layer_and_direction(kind):
    out, _ = getattr(minigrad.nn, kind)(3, 4, num_layers=2, bidirectional=True)(minigrad.randn(6, 2, 3))
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in seen:
            seen.add(id(node))
            names.append(type(node).__name__)
            stack.extend(parent._ctx for parent in node.parents if parent.requires_grad)
    assert names.count(f"{kind}Layer") == 4  # not one per step
    assert not {"MatMul", "Sigmoid", "Tanh", "Mul", "Add", "Sub"} & set(names), sorted(set(names))


@pytest.mark.parametrize("kind", KINDS)
def test_second_derivatives_equal_torch(kind):
    names, _, layer, _, theirs_layer = KINDS[kind]
    arrays = _arrays(kind, True, seed=4, steps=3, batch=2)
    ours = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss = sum((r * r.sin()).sum() for r in layer(*ours, reverse=True))
    their_loss = sum((r * r.sin()).sum() for r in theirs_layer(*theirs, reverse=True))
    assert_second_derivatives_match(names, ours, theirs, loss, their_loss)


def test_what_the_layer_ops_leave_to_the_steps():
    x, h = minigrad.randn(4, 2, 3), minigrad.zeros(2, 5)
    w_ih, w_hh = minigrad.randn(20, 3), minigrad.randn(20, 5)
    assert lstm_layer(x, h, h, w_ih, w_hh) is not None
    assert lstm_layer(x[:0], h, h, w_ih, w_hh) is None  # no steps
    assert lstm_layer(x.double(), h, h, w_ih, w_hh) is None  # mixed dtypes: the steps raise PyTorch's error
    assert lstm_layer(x, h[:, :4], h, w_ih, w_hh) is None  # a projected h
    assert gru_layer(x[0], h, w_ih[:15], w_hh[:15]) is None  # not (T, N, F)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_batches_and_sequences_as_torch(kind):
    for shape in [(5, 0, 3), (0, 2, 3)]:
        ours, theirs = getattr(minigrad.nn, kind)(3, 4, 2), getattr(torch.nn, kind)(3, 4, 2)
        x, their_x = minigrad.zeros(*shape, requires_grad=True), torch.zeros(*shape, requires_grad=True)
        if shape[0] == 0:
            for layer, inputs in ((theirs, their_x), (ours, x)):
                with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0 in RNN"):
                    layer(inputs)
            continue
        out, _ = ours(x)
        out.sum().backward()
        assert tuple(out.shape) == tuple(theirs(their_x)[0].shape) and tuple(x.grad.shape) == shape

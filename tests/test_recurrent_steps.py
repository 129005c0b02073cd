"""The LSTM and GRU ops (ops/recurrent.py) over one step against the same steps written with small ops and against
PyTorch: values and every gradient (to 1e-15 in float64 against the small ops, 1e-12 against PyTorch), whichever
inputs want gradients, biases or none, batched or not; one graph node per step; second derivatives; what they
leave to the small ops."""
import numpy as np
import pytest
import torch

import minigrad
from minigrad.ops.recurrent import GRULayer, LSTMLayer, _gru_step_by_ops, _lstm_step_by_ops, gru_step, lstm_step


def _torch_lstm(x, h, c, *weights):
    if x.dim() == 1:  # (torch's fused cells take batches only; nn.LSTMCell adds the batch dim)
        h, c = torch._VF.lstm_cell(x[None], (h[None], c[None]), *weights)
        return h[0], c[0]
    return torch._VF.lstm_cell(x, (h, c), *weights)


def _torch_gru(x, h, *weights):
    if x.dim() == 1:
        return torch._VF.gru_cell(x[None], h[None], *weights)[0]
    return torch._VF.gru_cell(x, h, *weights)


def _lstm_by_ops(*tensors):
    both = _lstm_step_by_ops(*tensors)
    return both[0], both[1]


# name, inputs' names, gates, fused, small ops, PyTorch
KINDS = {"lstm": (("x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh"), 4, lstm_step, _lstm_by_ops, _torch_lstm),
         "gru": (("x", "h", "w_ih", "w_hh", "b_ih", "b_hh"), 3, gru_step, _gru_step_by_ops, _torch_gru)}


def _arrays(kind, batch, bias, seed=0, inputs=3, hidden=4):
    names, gates = KINDS[kind][:2]
    rng = np.random.default_rng(seed)
    rows = (batch,) if batch else ()
    shapes = {"x": rows + (inputs,), "h": rows + (hidden,), "c": rows + (hidden,), "w_ih": (gates * hidden, inputs),
              "w_hh": (gates * hidden, hidden), "b_ih": (gates * hidden,) if bias else None,
              "b_hh": (gates * hidden,) if bias else None}
    return [None if shapes[n] is None else rng.standard_normal(shapes[n]) for n in names]


def _run(step, arrays, wants, library=minigrad):
    """The step's outputs and the gradients of a weighted sum of them, for the inputs that want one."""
    tensors = [None if a is None else library.tensor(a, requires_grad=w) for a, w in zip(arrays, wants)]
    outputs = step(*tensors)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    rng = np.random.default_rng(7)
    loss = sum((out * library.tensor(rng.standard_normal(tuple(out.shape)))).sum() + (out * out).sum()
               for out in outputs)
    loss.backward()
    grads = [None if t is None or not w else t.grad.numpy() for t, w in zip(tensors, wants)]
    return [out.detach().numpy() for out in outputs] + grads


WANTS = {"all": lambda n: (True,) * n, "weights": lambda n: (False,) * (n - 4) + (True,) * 4,
         "some": lambda n: tuple(k % 2 == 0 for k in range(n))}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch", [3, 0], ids=["batched", "unbatched"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("wants", WANTS)
def test_fused_step_equals_the_small_ops_and_torch(kind, batch, bias, wants):
    names, _, fused_step, small_ops, torch_step = KINDS[kind]
    arrays, wanted = _arrays(kind, batch, bias), WANTS[wants](len(names))
    fused, by_ops = _run(fused_step, arrays, wanted), _run(small_ops, arrays, wanted)
    theirs = _run(torch_step, arrays, wanted, torch)
    labels = ("out", "out2")[:len(fused) - len(names)] + names
    for name, a, b, t in zip(labels, fused, by_ops, theirs):
        assert (a is None) == (b is None) == (t is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-15, err_msg=name)
            np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-12, err_msg=name)
            assert a.dtype == np.float64


@pytest.mark.parametrize("kind", KINDS)
def test_float32_stays_float32_and_matches_torch(kind):
    names, _, fused_step, _, torch_step = KINDS[kind]
    arrays = [a.astype(np.float32) for a in _arrays(kind, 5, True, seed=3)]
    ours, theirs = _run(fused_step, arrays, (True,) * len(names)), _run(torch_step, arrays, (True,) * len(names), torch)
    for a, t in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, t, rtol=1e-5, atol=1e-5)


def _node_names(out):
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        stack.extend(parent._ctx for parent in node.parents if parent.requires_grad)
    return names


@pytest.mark.parametrize("layer,node", [("LSTM", "LSTMLayer"), ("GRU", "GRULayer")])
def test_one_graph_node_per_step_for_packed_sequences(layer, node):
    packed = minigrad.nn.utils.rnn.pack_padded_sequence(minigrad.randn(6, 2, 3), [6, 4])
    out, _ = getattr(minigrad.nn, layer)(3, 4, num_layers=2)(packed)
    names = _node_names(out.data)
    assert names.count(node) == 12  # 6 steps (on 2, 2, 2, 2, 1, 1 sequences) x 2 layers
    # no arithmetic outside the fused steps: the rest is indexing and joining
    assert not {"MatMul", "Sigmoid", "Tanh", "Mul", "Add", "Sub"} & set(names), sorted(set(names))


@pytest.mark.parametrize("kind", KINDS)
def test_second_derivatives_equal_torch(kind):
    names, _, fused_step, _, torch_step = KINDS[kind]
    arrays = _arrays(kind, 2, True, seed=5)
    ours = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, their_out = fused_step(*ours), torch_step(*theirs)
    loss = (out[0] * out[1]).sum() if kind == "lstm" else (out * out.sin()).sum()
    their_loss = (their_out[0] * their_out[1]).sum() if kind == "lstm" else (their_out * their_out.sin()).sum()
    assert_second_derivatives_match(names, ours, theirs, loss, their_loss)


def assert_second_derivatives_match(names, ours, theirs, loss, their_loss):
    """The gradients of the squared first derivatives (taken with create_graph) of both losses agree."""
    grads = minigrad.autograd.grad(loss, ours, create_graph=True)
    their_grads = torch.autograd.grad(their_loss, theirs, create_graph=True)
    sum((g * g).sum() for g in grads).backward()
    sum((g * g).sum() for g in their_grads).backward()
    for name, a, t in zip(names, ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell"])
def test_mixed_dtypes_and_wrong_sizes_take_the_small_ops_and_raise_as_torch(cell):
    ours, theirs = getattr(minigrad.nn, cell)(3, 4), getattr(torch.nn, cell)(3, 4)
    state, their_state = minigrad.zeros(2, 4, dtype=minigrad.float64), torch.zeros(2, 4, dtype=torch.float64)
    if cell == "LSTMCell":
        state, their_state = (state, state), (their_state, their_state)
    for call, their_call in [(lambda: ours(minigrad.randn(2, 3), state),
                              lambda: theirs(torch.randn(2, 3), their_state)),
                             (lambda: ours(minigrad.randn(2, 5)), lambda: theirs(torch.randn(2, 5)))]:
        with pytest.raises(RuntimeError):
            their_call()
        with pytest.raises(RuntimeError):
            call()


def test_the_cells_take_the_fused_ops():
    h, _ = minigrad.nn.LSTMCell(3, 4)(minigrad.randn(2, 3))
    assert isinstance(h.grad_fn.parents[0]._ctx, LSTMLayer)
    assert isinstance(minigrad.nn.GRUCell(3, 4)(minigrad.randn(3)).grad_fn, GRULayer)

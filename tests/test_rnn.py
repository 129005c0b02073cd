"""Recurrent layers against PyTorch: RNN (tanh, relu), LSTM, GRU (layers, directions, batch_first, no bias,
unbatched input, given initial states) and their cells; outputs, last states, the input's and every parameter's
gradient, in float32 and in float64 (to 1e-10); names and shapes of the parameters, and the errors."""
import numpy as np
import pytest
import torch

import minigrad

CASES = ["LSTM(4, 5, proj_size=3)", "LSTM(4, 5, 2, bidirectional=True, proj_size=2, batch_first=True)", "RNN(4, 5)", "RNN(4, 5, 2, nonlinearity='relu', batch_first=True)", "LSTM(4, 5)",
         "LSTM(4, 5, num_layers=2, bidirectional=True)", "LSTM(4, 3, batch_first=True, bias=False)",
         "GRU(4, 5, bias=False, batch_first=True)", "GRU(4, 5, 2, bidirectional=True)", "RNNCell(4, 5)",
         "RNNCell(4, 5, nonlinearity='relu')", "LSTMCell(4, 5)", "GRUCell(4, 5, bias=False)"]


def _flat(out):
    if not isinstance(out, tuple):
        return [out]
    return [t for part in out for t in (part if isinstance(part, tuple) else (part,))]


def _run(text, dtype, shape, with_state=False):
    theirs = eval("torch.nn." + text).to(getattr(torch, dtype))
    ours = eval("minigrad.nn." + text).to(getattr(minigrad, dtype))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    inputs = [(minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True))]
    args = ([], [])
    if with_state:
        states = 2 if "LSTM" in text else 1
        layers = (2 if "num_layers=2" in text or ", 2," in text else 1) * (2 if "bidirectional" in text else 1)
        batch = shape[0] if "batch_first" in text else shape[1]
        for k in range(states):
            size = theirs.proj_size if k == 0 and getattr(theirs, "proj_size", 0) else theirs.hidden_size
            h = rng.standard_normal((layers, batch, size)).astype(dtype)
            inputs.append((minigrad.tensor(h, requires_grad=True), torch.tensor(h, requires_grad=True)))
        args = ([m for m, _ in inputs[1:]], [t for _, t in inputs[1:]])
        args = tuple([a[0]] if states == 1 else [tuple(a)] for a in args)
    our_out = _flat(ours(inputs[0][0], *args[0]))
    their_out = _flat(theirs(inputs[0][1], *args[1]))
    weights = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in their_out]
    (sum((o * minigrad.tensor(w)).sum() for o, w in zip(our_out, weights))).backward()
    (sum((o * torch.tensor(w)).sum() for o, w in zip(their_out, weights))).backward()
    pairs = [(o.detach().numpy(), t.detach().numpy()) for o, t in zip(our_out, their_out)]
    pairs += [(m.grad.numpy(), t.grad.numpy()) for m, t in inputs]
    pairs += [(p.grad.numpy(), q.grad.numpy()) for p, q in zip(ours.parameters(), theirs.parameters())]
    return pairs


@pytest.mark.parametrize("text", CASES)
def test_recurrent_layers_equal_torch(text):
    shape = (3, 4) if "Cell" in text else ((3, 7, 4) if "batch_first" in text else (7, 3, 4))
    for ours, theirs in _run(text, "float32", shape):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5 * max(1.0, np.abs(theirs).max()))
    for ours, theirs in _run(text, "float64", shape):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("text", ["GRU(4, 5, 2, bidirectional=True)", "LSTM(4, 5, num_layers=2, bidirectional=True)",
                                  "LSTM(4, 5, num_layers=2, bidirectional=True, proj_size=3)",
                                  "RNN(4, 5, batch_first=True)"])
def test_given_initial_states_and_unbatched_input(text):
    shape = (3, 7, 4) if "batch_first" in text else (7, 3, 4)
    for ours, theirs in _run(text, "float64", shape, with_state=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    for ours, theirs in _run(text.replace(", batch_first=True", ""), "float64", (6, 4)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_recurrent_errors_as_torch():
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        minigrad.nn.RNN(2, 3, nonlinearity="gelu")
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        minigrad.nn.GRU(2, 3)(minigrad.ones(4, 1, 5))
    with pytest.raises(ValueError, match="proj_size"):
        minigrad.nn.LSTM(2, 3, proj_size=3)


def test_lstm_state_given_as_a_list():
    """(h, c) as a list, as tutorials' truncated backpropagation passes it (``[s.detach() for s in states]``)."""
    theirs = torch.nn.LSTM(3, 4, 2, batch_first=True)
    ours = minigrad.nn.LSTM(3, 4, 2, batch_first=True)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(1)
    x, h, c = (rng.standard_normal(s).astype(np.float32) for s in ((2, 5, 3), (2, 2, 4), (2, 2, 4)))
    out, (h1, c1) = ours(minigrad.tensor(x), [minigrad.tensor(h), minigrad.tensor(c)])
    expected, (th1, tc1) = theirs(torch.tensor(x), [torch.tensor(h), torch.tensor(c)])
    for a, b in ((out, expected), (h1, th1), (c1, tc1)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)

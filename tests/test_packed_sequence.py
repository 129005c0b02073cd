"""Sequences of different lengths (nn.utils.rnn) against PyTorch: padding, packing and unpacking, and the
recurrent layers on a PackedSequence (outputs, last states, every gradient, float64 to 1e-10), sorted or not,
with and without initial states."""
import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as trnn

import minigrad
import minigrad.nn.utils.rnn as mrnn

LENGTHS = [3, 5, 1, 4]
rng = np.random.default_rng(0)
SEQUENCES = [rng.standard_normal((n, 2)) for n in LENGTHS]


def _both(arrays, dtype=np.float64):
    ours = [minigrad.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    ours, theirs = _both(SEQUENCES)
    a = mrnn.pad_sequence(ours, batch_first, -1.0, side)
    b = trnn.pad_sequence(theirs, batch_first, -1.0, side)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    weight = rng.standard_normal(tuple(b.shape))
    (a * minigrad.tensor(weight)).sum().backward()
    (b * torch.tensor(weight)).sum().backward()
    for m, t in zip(ours, theirs):
        np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_unpack_round_trip_as_torch(batch_first):
    ours, theirs = _both(SEQUENCES)
    padded_ours = mrnn.pad_sequence(ours, batch_first)
    padded_theirs = trnn.pad_sequence(theirs, batch_first)
    packed_ours = mrnn.pack_padded_sequence(padded_ours, LENGTHS, batch_first, enforce_sorted=False)
    packed_theirs = trnn.pack_padded_sequence(padded_theirs, torch.tensor(LENGTHS), batch_first, enforce_sorted=False)
    np.testing.assert_array_equal(packed_ours.data.detach().numpy(), packed_theirs.data.detach().numpy())
    for name in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        assert getattr(packed_ours, name).tolist() == getattr(packed_theirs, name).tolist(), name
    out_ours, lengths_ours = mrnn.pad_packed_sequence(packed_ours, batch_first, 7.0, total_length=6)
    out_theirs, lengths_theirs = trnn.pad_packed_sequence(packed_theirs, batch_first, 7.0, total_length=6)
    np.testing.assert_array_equal(out_ours.detach().numpy(), out_theirs.detach().numpy())
    assert lengths_ours.tolist() == lengths_theirs.tolist() and lengths_ours.dtype == minigrad.int64
    unpacked = mrnn.unpack_sequence(mrnn.pack_sequence(ours, enforce_sorted=False))
    for m, a in zip(unpacked, SEQUENCES):
        np.testing.assert_array_equal(m.detach().numpy(), a)


def test_packing_errors_as_torch():
    padded = minigrad.zeros(5, 4, 2)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        mrnn.pack_padded_sequence(padded, LENGTHS)
    with pytest.raises(RuntimeError, match="greater than 0"):
        mrnn.pack_padded_sequence(padded, [5, 3, 0, 0])
    with pytest.raises(RuntimeError, match="batch_size"):
        mrnn.pack_padded_sequence(padded, [5, 3])


@pytest.mark.parametrize("text", ["LSTM(2, 3)", "GRU(2, 3, num_layers=2, bidirectional=True)",
                                  "RNN(2, 3, batch_first=True, bidirectional=True)", "LSTM(2, 3, 2, bidirectional=True)"])
@pytest.mark.parametrize("with_state", [False, True])
def test_recurrent_layers_on_packed_sequences(text, with_state):
    theirs_layer = eval("torch.nn." + text).double()
    ours_layer = eval("minigrad.nn." + text).to(minigrad.float64)
    ours_layer.load_state_dict({k: v.detach().numpy() for k, v in theirs_layer.state_dict().items()})
    ours, theirs = _both(SEQUENCES)
    batch_first = "batch_first" in text
    packed_ours = mrnn.pack_padded_sequence(mrnn.pad_sequence(ours, batch_first), LENGTHS, batch_first, False)
    packed_theirs = trnn.pack_padded_sequence(trnn.pad_sequence(theirs, batch_first), torch.tensor(LENGTHS),
                                              batch_first, False)
    leaves_ours, leaves_theirs = list(ours), list(theirs)
    args_ours, args_theirs = (), ()
    if with_state:
        layers = theirs_layer.num_layers * (2 if theirs_layer.bidirectional else 1)
        states = [rng.standard_normal((layers, len(LENGTHS), 3)) for _ in range(2 if "LSTM" in text else 1)]
        h_ours, h_theirs = _both(states)
        leaves_ours += h_ours
        leaves_theirs += h_theirs
        args_ours = (tuple(h_ours),) if "LSTM" in text else (h_ours[0],)
        args_theirs = (tuple(h_theirs),) if "LSTM" in text else (h_theirs[0],)
    out_ours, state_ours = ours_layer(packed_ours, *args_ours)
    out_theirs, state_theirs = theirs_layer(packed_theirs, *args_theirs)
    assert isinstance(out_ours, mrnn.PackedSequence)
    assert out_ours.batch_sizes.tolist() == out_theirs.batch_sizes.tolist()
    padded_ours, _ = mrnn.pad_packed_sequence(out_ours, batch_first)
    padded_theirs, _ = trnn.pad_packed_sequence(out_theirs, batch_first)
    results_ours = [padded_ours] + list(state_ours if isinstance(state_ours, tuple) else [state_ours])
    results_theirs = [padded_theirs] + list(state_theirs if isinstance(state_theirs, tuple) else [state_theirs])
    loss_ours, loss_theirs = 0, 0
    for m, t in zip(results_ours, results_theirs):
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
        weight = rng.standard_normal(tuple(t.shape))
        loss_ours = loss_ours + (m * minigrad.tensor(weight)).sum()
        loss_theirs = loss_theirs + (t * torch.tensor(weight)).sum()
    loss_ours.backward()
    loss_theirs.backward()
    for m, t in zip(leaves_ours + list(ours_layer.parameters()), leaves_theirs + list(theirs_layer.parameters())):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)

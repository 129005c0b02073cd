"""Batches of sequences of different lengths, as ``torch.nn.utils.rnn``: pad_sequence, PackedSequence,
pack_padded_sequence, pad_packed_sequence, pack_sequence, unpack_sequence, unpad_sequence.

A packed batch holds, time step after time step, only the rows of the sequences still running at that step:
``data`` is (sum of lengths, *), ``batch_sizes[t]`` is how many sequences are longer than t. Sequences are
sorted longest first (``sorted_indices``); ``unsorted_indices`` puts them back in the caller's order. The
recurrent layers run a packed batch step by step on those rows only."""
from collections import namedtuple

import numpy as np

from ...creation import tensor
from ...ops.shape import cat, stack
from ...tensor import Tensor

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence", "pack_sequence",
           "unpack_sequence", "unpad_sequence", "invert_permutation"]


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """``torch.nn.utils.rnn.PackedSequence``: (data, batch_sizes, sorted_indices, unsorted_indices)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The data moved or cast as ``Tensor.to``; the sizes and indices follow the data's device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    order = permutation.cpu().numpy()
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return tensor(inverse, device=permutation.device)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """``torch.nn.utils.rnn.pad_sequence``: tensors (L_i, *) stacked into (max L, B, *) (or (B, max L, *)),
    the missing steps filled with ``padding_value`` on the right (or the left)."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = list(sequences)
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            filler = s.new_full((missing,) + tuple(s.shape[1:]), padding_value)
            s = cat([s, filler] if padding_side == "right" else [filler, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def _lengths_list(lengths):
    values = lengths.cpu().numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    return [int(v) for v in values.reshape(-1)]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """``torch.nn.utils.rnn.pack_padded_sequence``: a padded (T, B, *) batch (or (B, T, *)) and each sequence's
    length, as a PackedSequence. With ``enforce_sorted`` the lengths must already decrease."""
    lengths = _lengths_list(lengths)
    if batch_first:
        input = input.transpose(0, 1)
    if len(lengths) != input.shape[1]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} (batch_size="
                           f"{input.shape[1]})")
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = np.argsort(-np.asarray(lengths), kind="stable")
        sorted_indices = tensor(order, device=input.device)
        input = input.index_select(1, sorted_indices)
        lengths = [lengths[i] for i in order]
    if lengths and min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if lengths[0] > input.shape[0]:
        raise RuntimeError(f"the longest length {lengths[0]} is past the padded input's {input.shape[0]} steps")
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(lengths[0])]
    data = cat([input[t, :size] for t, size in enumerate(batch_sizes)], 0)
    return PackedSequence(data, tensor(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """``torch.nn.utils.rnn.pad_packed_sequence``: the padded (T, B, *) batch (or (B, T, *)) and the lengths,
    in the order the sequences were packed from."""
    data, batch_sizes = sequence.data, _lengths_list(sequence.batch_sizes)
    batch, steps = batch_sizes[0], len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {steps}")
    rows, start = [], 0
    for size in batch_sizes:
        step = data[start:start + size]
        if size < batch:
            step = cat([step, data.new_full((batch - size,) + tuple(data.shape[1:]), padding_value)], 0)
        rows.append(step)
        start += size
    for _ in range(steps, total_length or steps):
        rows.append(data.new_full((batch,) + tuple(data.shape[1:]), padding_value))
    padded = stack(rows, 0)
    lengths = np.array([sum(1 for size in batch_sizes if size > b) for b in range(batch)], dtype=np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu().numpy()]
    return (padded.transpose(0, 1) if batch_first else padded), tensor(lengths)


def pack_sequence(sequences, enforce_sorted=True):
    """``torch.nn.utils.rnn.pack_sequence``: a list of (L_i, *) tensors as a PackedSequence."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """``torch.nn.utils.rnn.unpad_sequence``: the list of (L_i, *) tensors of a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, :n] for b, n in enumerate(_lengths_list(lengths))]


def unpack_sequence(packed_sequences):
    """``torch.nn.utils.rnn.unpack_sequence``: the list of (L_i, *) tensors of a PackedSequence."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

"""Recurrent layers, as ``torch.nn``'s: RNN, LSTM, GRU and their cells. On a padded batch, each direction of an
LSTM or GRU layer is one op over all time steps (ops/recurrent.py, backpropagation through time written out);
otherwise (a PackedSequence, whose steps run on the sequences still running; an LSTM's projection; the cells) an
LSTM or GRU step is the same op over one step, and an RNN step a few differentiable ops, and
backpropagation through time is the autograd of those steps. The parameters have PyTorch's names, shapes, gate
order (LSTM i, f, g, o; GRU r, z, n) and init."""
import math

from .. import creation
from ..ops.recurrent import gru_layer, gru_step, lstm_layer, lstm_step
from ..ops.shape import cat, stack
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]


def _rnn_step(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _lstm_step(x, state, w_ih, w_hh, b_ih, b_hh):
    """(h', c'): gates = h W_hh^T + b_hh + x W_ih^T + b_ih, split into i, f, g, o; c' = f c + i g, h' = o tanh(c'),
    as one op (ops/recurrent.py)."""
    return lstm_step(x, state[0], state[1], w_ih, w_hh, b_ih, b_hh)


def _gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    """h' = (1 - z) n + z h, r and z the sigmoid gates, n = tanh(x_n + r * h_n) (PyTorch's GRU: r scales the
    hidden state's projection, bias included), as one op (ops/recurrent.py)."""
    return gru_step(x, h, w_ih, w_hh, b_ih, b_hh)


def _rows(state, start, stop):
    """Rows start:stop of a state (a tensor, or LSTM's (h, c))."""
    if isinstance(state, tuple):
        return tuple(part[start:stop] for part in state)
    return state[start:stop]


def _joined(first, rest):
    """The updated rows of a state followed by the rows the step left as they were."""
    if isinstance(first, tuple):
        return tuple(cat([a, b], 0) for a, b in zip(first, rest))
    return cat([first, rest], 0)


def _permuted(state, order):
    """A state's sequences (dim 1) reordered."""
    if isinstance(state, tuple):
        return tuple(part.index_select(1, order) for part in state)
    return state.index_select(1, order)


class _RNNBase(Module):
    """Parameters weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) as PyTorch's; the loop over layers, directions and time."""
    gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, proj_size=0):
        super().__init__()
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size and proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        self.proj_size = proj_size
        state_size = proj_size or hidden_size
        if dropout > 0 and num_layers == 1:
            import warnings
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          UserWarning, stacklevel=2)
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, float(dropout), bidirectional
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                width = input_size if layer == 0 else state_size * directions
                make = lambda *shape: Parameter(creation.empty(*shape, dtype=dtype, device=device or "cpu"))  # noqa
                setattr(self, "weight_ih" + suffix, make(self.gates * hidden_size, width))
                setattr(self, "weight_hh" + suffix, make(self.gates * hidden_size, state_size))
                if bias:
                    setattr(self, "bias_ih" + suffix, make(self.gates * hidden_size))
                    setattr(self, "bias_hh" + suffix, make(self.gates * hidden_size))
                if proj_size:  # LSTM's projection of the hidden state, h = W_hr (o * tanh(c))
                    setattr(self, "weight_hr" + suffix, make(proj_size, hidden_size))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self):
        """``torch.nn.RNNBase.flatten_parameters``: packs the weights for cuDNN; minigrad's are used as they are,
        so there is nothing to do."""

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        weights = (getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix),
                   getattr(self, "bias_ih" + suffix, None), getattr(self, "bias_hh" + suffix, None))
        return weights + ((getattr(self, "weight_hr" + suffix),) if self.proj_size else ())

    def _zeros(self, batch, like, size=None):
        directions = 2 if self.bidirectional else 1
        return creation.zeros(self.num_layers * directions, batch, size or self.hidden_size, dtype=like.dtype,
                              device=like.device)

    def _run(self, data, batch_sizes, hx):
        """The output rows and the last states. ``data`` holds the input rows time step after time step,
        ``batch_sizes[t]`` of them at step t (the sequences still running, longest first: a padded batch has them
        all at every step); the states are (D*layers, N, H) each (a tuple of such for LSTM). A step updates the
        first batch_sizes[t] rows of the state; the others keep the state their sequence ended with (or, going
        backward, the initial one until their sequence starts)."""
        directions = 2 if self.bidirectional else 1
        starts = [0]
        for size in batch_sizes:
            starts.append(starts[-1] + size)
        last = []
        for layer in range(self.num_layers):
            per_direction = []
            for direction in range(directions):
                index = layer * directions + direction
                state = tuple(h[index] for h in hx) if isinstance(hx, tuple) else hx[index]
                weights = self._weights(layer, direction)
                if len(set(batch_sizes)) == 1:  # every sequence runs every step: the layer may be one op
                    whole = self._layer(data.reshape(len(batch_sizes), batch_sizes[0], data.shape[-1]), state,
                                        weights, reverse=bool(direction))
                    if whole is not None:
                        outputs, state = whole
                        per_direction.append(outputs.reshape(-1, outputs.shape[-1]))
                        last.append(state)
                        continue
                outputs = [None] * len(batch_sizes)
                for t in (reversed(range(len(batch_sizes))) if direction else range(len(batch_sizes))):
                    size = batch_sizes[t]
                    running = _rows(state, 0, size)
                    new = self._cell(data[starts[t]:starts[t + 1]], running, *weights)
                    outputs[t] = new[0] if isinstance(new, tuple) else new
                    state = new if size == batch_sizes[0] else _joined(new, _rows(state, size, None))
                per_direction.append(cat(outputs, 0))
                last.append(state)
            data = per_direction[0] if directions == 1 else cat(per_direction, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                data = F.dropout(data, self.dropout, True)
        if isinstance(hx, tuple):
            return data, tuple(stack([s[k] for s in last], 0) for k in range(len(hx)))
        return data, stack(last, 0)

    def forward(self, input, hx=None):  # noqa: A002
        if isinstance(hx, list):  # LSTM's (h, c) as a list, which PyTorch's indexing accepts
            hx = tuple(hx)
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        self._check_input_size(input)
        unbatched = input.ndim == 2
        if unbatched:
            input = input.unsqueeze(1)
            hx = None if hx is None else (tuple(h.unsqueeze(1) for h in hx) if isinstance(hx, tuple)
                                          else hx.unsqueeze(1))
        elif self.batch_first:
            input = input.transpose(0, 1)
        if hx is None:
            hx = self._initial_state(input.shape[1], input)
        steps, batch = input.shape[0], input.shape[1]
        if steps == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        data, state = self._run(input.reshape(steps * batch, *input.shape[2:]), [batch] * steps, hx)
        output = data.reshape(steps, batch, data.shape[-1])
        if unbatched:
            return output.squeeze(1), (tuple(s.squeeze(1) for s in state) if isinstance(state, tuple)
                                       else state.squeeze(1))
        return (output.transpose(0, 1) if self.batch_first else output), state

    def _forward_packed(self, packed, hx):
        """A PackedSequence in, a PackedSequence out; the states in the caller's order of sequences."""
        self._check_input_size(packed.data)
        batch_sizes = [int(n) for n in packed.batch_sizes.tolist()]
        if hx is None:
            hx = self._initial_state(batch_sizes[0], packed.data)
        elif packed.sorted_indices is not None:
            hx = _permuted(hx, packed.sorted_indices)
        data, state = self._run(packed.data, batch_sizes, hx)
        if packed.unsorted_indices is not None:
            state = _permuted(state, packed.unsorted_indices)
        return PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices), state

    def _check_input_size(self, input):  # noqa: A002
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.shape[-1]}")

    def _initial_state(self, batch, like):
        return self._zeros(batch, like)

    def _layer(self, x, state, weights, reverse):
        """(outputs (T, N, H), last state) of one direction of one layer over x (T, N, F) as one op
        (ops/recurrent.py), or None: then the layer runs step by step."""
        return None

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        return s + (", bidirectional=True" if self.bidirectional else "")


class RNN(_RNNBase):
    """``torch.nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', ...)``: h_t = tanh(x_t W_ih^T
    + b_ih + h_(t-1) W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device,
                         dtype)
        self.nonlinearity = nonlinearity

    def _cell(self, x, h, w_ih, w_hh, b_ih, b_hh):
        return _rnn_step(x, h, w_ih, w_hh, b_ih, b_hh, self.nonlinearity)


class LSTM(_RNNBase):
    """``torch.nn.LSTM``: returns output and (h_n, c_n); with ``proj_size`` the hidden state is projected by
    weight_hr to that size (h_n and the output take it)."""
    gates = 4

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device,
                         dtype, proj_size=proj_size)

    def _initial_state(self, batch, like):
        return self._zeros(batch, like, self.proj_size or None), self._zeros(batch, like)

    def _cell(self, x, state, w_ih, w_hh, b_ih, b_hh, w_hr=None):
        h, c = _lstm_step(x, state, w_ih, w_hh, b_ih, b_hh)
        return (h if w_hr is None else F.linear(h, w_hr)), c

    def _layer(self, x, state, weights, reverse):
        whole = None if self.proj_size else lstm_layer(x, *state, *weights, reverse=reverse)
        return None if whole is None else (whole[0], whole[1:])


class GRU(_RNNBase):
    """``torch.nn.GRU``."""
    gates = 3

    def _cell(self, x, h, w_ih, w_hh, b_ih, b_hh):
        return _gru_step(x, h, w_ih, w_hh, b_ih, b_hh)

    def _layer(self, x, state, weights, reverse):
        return gru_layer(x, state, *weights, reverse=reverse)


class _CellBase(Module):
    """One step of a recurrent layer: weight_ih, weight_hh, bias_ih, bias_hh, PyTorch's init."""
    gates = 1

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        make = lambda *shape: Parameter(creation.empty(*shape, dtype=dtype, device=device or "cpu"))  # noqa: E731
        self.weight_ih = make(self.gates * hidden_size, input_size)
        self.weight_hh = make(self.gates * hidden_size, hidden_size)
        if bias:
            self.bias_ih, self.bias_hh = make(self.gates * hidden_size), make(self.gates * hidden_size)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _zeros(self, input):  # noqa: A002
        return creation.zeros(*input.shape[:-1], self.hidden_size, dtype=input.dtype, device=input.device)

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """``torch.nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')``."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        return _rnn_step(input, self._zeros(input) if hx is None else hx, self.weight_ih, self.weight_hh,
                         self.bias_ih, self.bias_hh, self.nonlinearity)

    def extra_repr(self):
        return super().extra_repr() + ("" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity}")


class LSTMCell(_CellBase):
    """``torch.nn.LSTMCell``: returns (h', c')."""
    gates = 4

    def forward(self, input, hx=None):  # noqa: A002
        state = (self._zeros(input), self._zeros(input)) if hx is None else hx
        return _lstm_step(input, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRUCell(_CellBase):
    """``torch.nn.GRUCell``."""
    gates = 3

    def forward(self, input, hx=None):  # noqa: A002
        return _gru_step(input, self._zeros(input) if hx is None else hx, self.weight_ih, self.weight_hh,
                         self.bias_ih, self.bias_hh)

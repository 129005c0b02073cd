"""LSTM and GRU layers as single ops, as cuDNN's and PyTorch's: one direction of a layer over every time step
is one op, with backpropagation through time written out in ``backward``; one step (a cell's call, or a step of
a packed batch) is the same op over a sequence of one.

Written with small ops, an LSTM step is about twenty graph nodes and a GRU step about twenty-five. Over a long
sequence their Python overhead, and the garbage collector visiting every node again and again while the graph
grows, made PyTorch's time-sequence-prediction example (999 steps of two LSTM cells) 2-3x slower than its
arithmetic; and each step's input projection x_t W_ihᵀ was a small product of its own, each step's slice of a
layer's input a node whose gradient was a zero array as large as the whole input (O(T²) memory traffic). Here the
input projections of all steps are one product before the loop, and in ``backward`` the gradients of x, W_ih,
W_hh and the biases are one product (or sum) each over the stacked gates' gradients; only h W_hhᵀ and the gates'
arithmetic stay in the loop. A step's arithmetic is the small ops', in their order (tested equal to 1e-13):

    LSTM: gates = (h W_hhᵀ + b_hh) + (x W_ihᵀ + b_ih), split into i, f, g, o; c' = σ(f)·c + σ(i)·tanh(g),
          h' = σ(o)·tanh(c')
    GRU:  (x_r, x_z, x_n) = x W_ihᵀ + b_ih, (h_r, h_z, h_n) = h W_hhᵀ + b_hh; r = σ(x_r + h_r), z = σ(x_z + h_z),
          n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h

An LSTM op's output is one array: the hidden states (T, N, H) in time order and one more row, the last cell
state c_T (the caller takes views of it). ``reverse`` runs the steps from the last to the first, as a
bidirectional layer's backward direction. Anything the ops cannot take (mixed dtypes, wrong sizes, an LSTM's
projected state) goes through the small ops, which raise PyTorch's errors.
"""
from ..autograd import Function
from ..tensor import Tensor

__all__ = ["lstm_layer", "gru_layer", "lstm_step", "gru_step"]


def _rows(B, a, first, last):
    return B.getitem(a, (slice(None), slice(first, last)))


def _input_gates(B, x, w_ih, b_ih):
    """x W_ihᵀ + b_ih for every step at once: (T, N, G)."""
    steps, batch, features = x.shape
    inner = B.matrix_product(B.reshape(x, (steps * batch, features)), B.matrix_transpose(w_ih))
    inner = inner if b_ih is None else B.add(inner, b_ih)
    return B.reshape(inner, (steps, batch, inner.shape[1]))


def _hidden_gates(B, h, w_hh, b_hh):
    hidden = B.matrix_product(h, B.matrix_transpose(w_hh))
    return hidden if b_hh is None else B.add(hidden, b_hh)


def _weight_grads(B, needs, x, h_before, w_ih, w_hh, grad_inner, grad_hidden, has_bias):
    """The gradients of x, W_ih, W_hh, b_ih and b_hh from the stacked gates' gradients (T, N, G): one product or
    sum each (None where not wanted)."""
    steps, batch, features = x.shape
    rows = steps * batch
    inner2, hidden2 = (B.reshape(g, (rows, g.shape[2])) for g in (grad_inner, grad_hidden))
    x2, h2 = B.reshape(x, (rows, features)), B.reshape(h_before, (rows, h_before.shape[2]))
    grad_x = B.reshape(B.matrix_product(inner2, w_ih), x.shape) if needs["x"] else None
    grad_w_ih = B.matrix_transpose(B.matrix_product(B.matrix_transpose(x2), inner2)) if needs["w_ih"] else None
    grad_w_hh = B.matrix_transpose(B.matrix_product(B.matrix_transpose(h2), hidden2)) if needs["w_hh"] else None
    grad_b_ih = B.sum_to_shape(inner2, (inner2.shape[1],)) if has_bias[0] and needs["b_ih"] else None
    grad_b_hh = B.sum_to_shape(hidden2, (hidden2.shape[1],)) if has_bias[1] and needs["b_hh"] else None
    return grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh


def _needs(fn, names):
    """Which inputs want a gradient, by name, from needs_input_grad (which lists the tensors given: an absent bias
    has no entry)."""
    wanted = iter(fn.needs_input_grad)
    present = [True] * (len(names) - 2) + list(fn.has_bias)
    return {name: bool(there and next(wanted)) for name, there in zip(names, present)}


def _order(steps, reverse):
    return range(steps - 1, -1, -1) if reverse else range(steps)


def _as_sequence(fn, B, x, states):
    """x as (T, N, F) and the states as (N, H): a single step (x (N, F)) is a sequence of one, an unbatched one
    (x (F,)) also a batch of one. The shapes given are kept to restore the gradients' (``_given_shapes``)."""
    fn.given = (x.shape, states[0].shape, states[-1].shape)
    if x.ndim == 3:
        return x, states
    rows = 1 if x.ndim == 1 else x.shape[0]
    return B.reshape(x, (1, rows, x.shape[-1])), tuple(B.reshape(s, (rows, s.shape[-1])) for s in states)


def _given_shapes(B, grads, shapes):
    return tuple(None if g is None else B.reshape(g, shape) for g, shape in zip(grads, shapes))


class LSTMLayer(Function):
    """out[:T] = h_1..h_T (time order), out[T] = c_T of an LSTM layer over x (T, N, F) from (h0, c0) (N, H); for
    one step (x (N, F) or (F,), states likewise), out[0] = h', out[1] = c'."""

    NAMES = ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh")

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        B = self.B
        self.has_bias, self.reverse = (b_ih is not None, b_hh is not None), reverse
        x, (h, c) = _as_sequence(self, B, x, (h0, c0))
        steps, size = x.shape[0], c.shape[1]
        inner = _input_gates(B, x, w_ih, b_ih)
        saved = {name: [None] * steps for name in ("h", "c", "si", "sf", "tg", "so", "tc")}
        outputs = [None] * steps
        for t in _order(steps, reverse):
            saved["h"][t], saved["c"][t] = h, c
            gates = B.add(_hidden_gates(B, h, w_hh, b_hh), B.getitem(inner, t))
            si, sf, tg, so = (B.sigmoid(_rows(B, gates, 0, size)), B.sigmoid(_rows(B, gates, size, 2 * size)),
                              B.tanh(_rows(B, gates, 2 * size, 3 * size)), B.sigmoid(_rows(B, gates, 3 * size, None)))
            c = B.add(B.mul(sf, c), B.mul(si, tg))
            tc = B.tanh(c)
            h = B.mul(so, tc)
            outputs[t] = h
            for name, value in (("si", si), ("sf", sf), ("tg", tg), ("so", so), ("tc", tc)):
                saved[name][t] = value
        self.save_for_backward(x, w_ih, w_hh, *(B.stack(saved[name], 0) for name in saved))
        out = B.stack(outputs + [c], 0)
        return B.reshape(out, (2, size)) if len(self.given[0]) == 1 else out

    def backward(self, grad):
        B = self.B
        x, w_ih, w_hh, h_before, c_before, si, sf, tg, so, tc = self.saved
        steps = x.shape[0]
        grad = B.reshape(grad, (steps + 1,) + c_before.shape[1:])
        grad_h, grad_c = None, B.getitem(grad, steps)
        grad_gates = [None] * steps
        for t in reversed(_order(steps, self.reverse)):
            at = [B.getitem(a, t) for a in (si, sf, tg, so, tc, c_before)]
            step_si, step_sf, step_tg, step_so, step_tc, step_c = at
            grad_out = B.getitem(grad, t)
            grad_out = grad_out if grad_h is None else B.add(grad_out, grad_h)
            grad_o = B.sigmoid_backward(B.mul(grad_out, step_tc), step_so)
            grad_c = B.add(grad_c, B.tanh_backward(B.mul(grad_out, step_so), step_tc))
            grad_f = B.sigmoid_backward(B.mul(grad_c, step_c), step_sf)
            grad_i = B.sigmoid_backward(B.mul(grad_c, step_tg), step_si)
            grad_g = B.tanh_backward(B.mul(grad_c, step_si), step_tg)
            grad_gates[t] = B.concatenate([grad_i, grad_f, grad_g, grad_o], 1)
            grad_h = B.matrix_product(grad_gates[t], w_hh)
            grad_c = B.mul(grad_c, step_sf)
        grad_gates = B.stack(grad_gates, 0)
        needs = _needs(self, self.NAMES)
        grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh = _weight_grads(
            B, needs, x, h_before, w_ih, w_hh, grad_gates, grad_gates, self.has_bias)
        grads = _given_shapes(B, (grad_x, grad_h if needs["h0"] else None, grad_c if needs["c0"] else None),
                              self.given) + (grad_w_ih, grad_w_hh)
        return grads + tuple(g for g, has in zip((grad_b_ih, grad_b_hh), self.has_bias) if has)

    def composite(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        """The same output as small differentiable ops, for second derivatives (autograd_graph)."""
        from .shape import stack
        if x.ndim < 3:
            return _lstm_step_by_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        h, c, outputs = h0, c0, [None] * x.shape[0]
        for t in _order(x.shape[0], reverse):
            both = _lstm_step_by_ops(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
            h, c = both[0], both[1]
            outputs[t] = h
        return stack(outputs + [c], 0)


class GRULayer(Function):
    """out = h_1..h_T (T, N, H), time order, of a GRU layer over x (T, N, F) from h0 (N, H); for one step (x
    (N, F) or (F,), h0 likewise), out = h'."""

    NAMES = ("x", "h0", "w_ih", "w_hh", "b_ih", "b_hh")

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        B = self.B
        self.has_bias, self.reverse = (b_ih is not None, b_hh is not None), reverse
        x, (h,) = _as_sequence(self, B, x, (h0,))
        steps, size = x.shape[0], h.shape[1]
        inner = _input_gates(B, x, w_ih, b_ih)
        one = B.scalar(1, x.dtype)
        saved = {name: [None] * steps for name in ("h", "r", "z", "n", "h_n")}
        outputs = [None] * steps
        for t in _order(steps, reverse):
            saved["h"][t] = h
            hidden, step = _hidden_gates(B, h, w_hh, b_hh), B.getitem(inner, t)
            r = B.sigmoid(B.add(_rows(B, step, 0, size), _rows(B, hidden, 0, size)))
            z = B.sigmoid(B.add(_rows(B, step, size, 2 * size), _rows(B, hidden, size, 2 * size)))
            h_n = _rows(B, hidden, 2 * size, None)
            n = B.tanh(B.add(_rows(B, step, 2 * size, None), B.mul(r, h_n)))
            h = B.add(B.mul(B.sub(one, z), n), B.mul(z, h))
            outputs[t] = h
            for name, value in (("r", r), ("z", z), ("n", n), ("h_n", h_n)):
                saved[name][t] = value
        self.save_for_backward(x, w_ih, w_hh, *(B.stack(saved[name], 0) for name in saved))
        return B.stack(outputs, 0) if len(self.given[0]) == 3 else B.reshape(h, self.given[1])

    def backward(self, grad):
        B = self.B
        x, w_ih, w_hh, h_before, r, z, n, h_n = self.saved
        steps = x.shape[0]
        grad = B.reshape(grad, (steps,) + h_before.shape[1:])
        one = B.scalar(1, x.dtype)
        grad_h = None
        grad_inner, grad_hidden = [None] * steps, [None] * steps
        for t in reversed(_order(steps, self.reverse)):
            step_r, step_z, step_n, step_hn, step_h = (B.getitem(a, t) for a in (r, z, n, h_n, h_before))
            grad_out = B.getitem(grad, t)
            grad_out = grad_out if grad_h is None else B.add(grad_out, grad_h)
            grad_n = B.tanh_backward(B.mul(grad_out, B.sub(one, step_z)), step_n)
            grad_z = B.sigmoid_backward(B.sub(B.mul(grad_out, step_h), B.mul(grad_out, step_n)), step_z)
            grad_r = B.sigmoid_backward(B.mul(grad_n, step_hn), step_r)
            grad_inner[t] = B.concatenate([grad_r, grad_z, grad_n], 1)
            grad_hidden[t] = B.concatenate([grad_r, grad_z, B.mul(grad_n, step_r)], 1)
            grad_h = B.add(B.matrix_product(grad_hidden[t], w_hh), B.mul(grad_out, step_z))
        needs = _needs(self, self.NAMES)
        grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh = _weight_grads(
            B, needs, x, h_before, w_ih, w_hh, B.stack(grad_inner, 0), B.stack(grad_hidden, 0), self.has_bias)
        grads = _given_shapes(B, (grad_x, grad_h if needs["h0"] else None), self.given) + (grad_w_ih, grad_w_hh)
        return grads + tuple(g for g, has in zip((grad_b_ih, grad_b_hh), self.has_bias) if has)

    def composite(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        """The same output as small differentiable ops, for second derivatives (autograd_graph)."""
        from .shape import stack
        if x.ndim < 3:
            return _gru_step_by_ops(x, h0, w_ih, w_hh, b_ih, b_hh)
        h, outputs = h0, [None] * x.shape[0]
        for t in _order(x.shape[0], reverse):
            h = _gru_step_by_ops(x[t], h, w_ih, w_hh, b_ih, b_hh)
            outputs[t] = h
        return stack(outputs, 0)


def _linear(x, weight, bias):
    out = x @ weight.transpose(0, 1)
    return out if bias is None else out + bias


def _lstm_step_by_ops(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """(h', c') of one step, stacked, as small differentiable ops."""
    from .shape import stack
    i, f, g, o = (_linear(h, w_hh, b_hh) + _linear(x, w_ih, b_ih)).chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return stack([o.sigmoid() * c_next.tanh(), c_next], 0)


def _gru_step_by_ops(x, h, w_ih, w_hh, b_ih, b_hh):
    """h' of one step, as small differentiable ops."""
    x_r, x_z, x_n = _linear(x, w_ih, b_ih).chunk(3, -1)
    h_r, h_z, h_n = _linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def _fusable(x, states, weights, gates, time_dim=False):
    """Whether a fused op takes this step (or, with ``time_dim``, this layer: x has a leading time dimension):
    floating tensors of one dtype and device, and the shapes of a step with ``gates`` gates. Anything else goes
    through the small ops, which raise PyTorch's errors."""
    w_ih, w_hh, b_ih, b_hh = weights
    tensors = [t for t in (x, *states, *weights) if t is not None]
    if not all(isinstance(t, Tensor) for t in tensors) or not x.is_floating_point():
        return False
    if any(t.dtype != x.dtype or t.device != x.device for t in tensors):
        return False
    if x.ndim < 1 or any(s.ndim < 1 for s in states):
        return False
    rows = tuple(x.shape[1:-1] if time_dim else x.shape[:-1])
    size = states[-1].shape[-1]  # (an LSTM's h may be projected to fewer features than its c)
    return (len(rows) <= 1 and all(tuple(s.shape[:-1]) == rows for s in states)
            and tuple(w_ih.shape) == (gates * size, x.shape[-1])
            and tuple(w_hh.shape) == (gates * size, states[0].shape[-1])
            and all(b is None or tuple(b.shape) == (gates * size,) for b in (b_ih, b_hh)))


def _layer_fusable(x, states, weights, gates):
    """A padded batch (T, N, F), states (N, H), weights of one dtype and device, no projection: what the layer
    ops take (else the layer runs step by step)."""
    return x.ndim == 3 and x.shape[0] > 0 and _fusable(x, states, weights, gates, time_dim=True)


def lstm_layer(x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """(outputs (T, N, H), h_T, c_T) of one direction of an LSTM layer, as one op; None when it cannot take these
    arguments (the caller then runs the steps)."""
    if not _layer_fusable(x, (h0, c0), (w_ih, w_hh, b_ih, b_hh), 4):
        return None
    out = LSTMLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    steps = x.shape[0]
    return out[:steps], out[0 if reverse else steps - 1], out[steps]


def gru_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """(outputs (T, N, H), h_T) of one direction of a GRU layer, as one op; None when it cannot take these
    arguments."""
    if not _layer_fusable(x, (h0,), (w_ih, w_hh, b_ih, b_hh), 3):
        return None
    out = GRULayer.apply(x, h0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    return out, out[0 if reverse else x.shape[0] - 1]


def lstm_step(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """(h', c') of one LSTM step, as ``torch._VF.lstm_cell``: one op when the shapes and dtypes allow."""
    if _fusable(x, (h, c), (w_ih, w_hh, b_ih, b_hh), 4):
        both = LSTMLayer.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
    else:
        both = _lstm_step_by_ops(x, h, c, w_ih, w_hh, b_ih, b_hh)
    return both[0], both[1]


def gru_step(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' of one GRU step, as ``torch._VF.gru_cell``: one op when the shapes and dtypes allow."""
    if _fusable(x, (h,), (w_ih, w_hh, b_ih, b_hh), 3):
        return GRULayer.apply(x, h, w_ih, w_hh, b_ih, b_hh)
    return _gru_step_by_ops(x, h, w_ih, w_hh, b_ih, b_hh)

"""One LSTM or GRU step as one op, as PyTorch's fused cells: the gates' two products, the activations and the
state update in ``forward``, and their closed-form gradients in ``backward``.

Written with small ops, an LSTM step is about twenty graph nodes, a GRU step about twenty-five. Over a long
sequence (PyTorch's time-sequence-prediction example: 999 steps of two LSTM cells) their Python overhead, and the
garbage collector visiting every node again and again while the graph grows, made the forward pass 2-3x slower
than its arithmetic. Here a step is one node (plus, for the LSTM, the two views that split its output into h' and
c'). The arithmetic is the small ops', in their order:

    LSTM: gates = (h W_hhᵀ + b_hh) + (x W_ihᵀ + b_ih), split into i, f, g, o; c' = σ(f)·c + σ(i)·tanh(g),
          h' = σ(o)·tanh(c')
    GRU:  (x_r, x_z, x_n) = x W_ihᵀ + b_ih, (h_r, h_z, h_n) = h W_hhᵀ + b_hh; r = σ(x_r + h_r), z = σ(x_z + h_z),
          n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h
"""
from ..autograd import Function
from ..tensor import Tensor

__all__ = ["lstm_step", "gru_step"]


class LSTMStep(Function):
    """out[0] = h', out[1] = c' of one LSTM step (x and the states (N, ·) or unbatched (·,)); biases optional."""

    def forward(self, x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
        B = self.B
        self.has_bias = (b_ih is not None, b_hh is not None)
        self.unbatched = x.ndim == 1
        if self.unbatched:
            x, h, c = (B.reshape(a, (1, a.shape[0])) for a in (x, h, c))
        hidden = B.matrix_product(h, B.matrix_transpose(w_hh))
        hidden = hidden if b_hh is None else B.add(hidden, b_hh)
        inner = B.matrix_product(x, B.matrix_transpose(w_ih))
        inner = inner if b_ih is None else B.add(inner, b_ih)
        gates = B.add(hidden, inner)
        size = c.shape[1]
        i, f, g, o = (B.getitem(gates, (slice(None), slice(k * size, (k + 1) * size))) for k in range(4))
        si, sf, tg, so = B.sigmoid(i), B.sigmoid(f), B.tanh(g), B.sigmoid(o)
        c_next = B.add(B.mul(sf, c), B.mul(si, tg))
        tc = B.tanh(c_next)
        h_next = B.mul(so, tc)
        self.save_for_backward(x, h, c, w_ih, w_hh, si, sf, tg, so, tc)
        out = B.stack([h_next, c_next], 0)
        return B.reshape(out, (2, size)) if self.unbatched else out

    def backward(self, grad):
        B = self.B
        x, h, c, w_ih, w_hh, si, sf, tg, so, tc = self.saved
        grad = B.reshape(grad, (2, 1, grad.shape[1])) if self.unbatched else grad
        grad_h, grad_c = B.getitem(grad, 0), B.getitem(grad, 1)
        # h' = σ(o)·tanh(c'): c' gets its own gradient plus the one through tanh
        grad_o = B.sigmoid_backward(B.mul(grad_h, tc), so)
        grad_c_next = B.add(grad_c, B.tanh_backward(B.mul(grad_h, so), tc))
        grad_f = B.sigmoid_backward(B.mul(grad_c_next, c), sf)
        grad_i = B.sigmoid_backward(B.mul(grad_c_next, tg), si)
        grad_g = B.tanh_backward(B.mul(grad_c_next, si), tg)
        grad_gates = B.concatenate([grad_i, grad_f, grad_g, grad_o], 1)
        wanted = iter(self.needs_input_grad)
        needs = [next(wanted) for _ in range(5)] + [has and next(wanted) for has in self.has_bias]
        grads = [None] * 7
        if needs[0]:
            grads[0] = B.matrix_product(grad_gates, w_ih)
        if needs[1]:
            grads[1] = B.matrix_product(grad_gates, w_hh)
        if needs[2]:
            grads[2] = B.mul(grad_c_next, sf)
        if needs[3]:
            grads[3] = B.matrix_transpose(B.matrix_product(B.matrix_transpose(x), grad_gates))
        if needs[4]:
            grads[4] = B.matrix_transpose(B.matrix_product(B.matrix_transpose(h), grad_gates))
        for k in (5, 6):
            if needs[k]:
                grads[k] = B.sum_to_shape(grad_gates, (grad_gates.shape[1],))
        if self.unbatched:
            grads[:3] = [None if g is None else B.reshape(g, (g.shape[1],)) for g in grads[:3]]
        return tuple(grads[:5]) + tuple(g for g, has in zip(grads[5:], self.has_bias) if has)

    def composite(self, x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
        """The same output as small differentiable ops, for second derivatives (autograd_graph)."""
        return _lstm_step_by_ops(x, h, c, w_ih, w_hh, b_ih, b_hh)


def _linear(x, weight, bias):
    out = x @ weight.transpose(0, 1)
    return out if bias is None else out + bias


def _lstm_step_by_ops(x, h, c, w_ih, w_hh, b_ih, b_hh):
    from .shape import stack
    i, f, g, o = (_linear(h, w_hh, b_hh) + _linear(x, w_ih, b_ih)).chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return stack([o.sigmoid() * c_next.tanh(), c_next], 0)


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


def lstm_step(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """(h', c') of one LSTM step, as ``torch._VF.lstm_cell``: one op when the shapes and dtypes allow."""
    if _fusable(x, (h, c), (w_ih, w_hh, b_ih, b_hh), 4):
        both = LSTMStep.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
    else:
        both = _lstm_step_by_ops(x, h, c, w_ih, w_hh, b_ih, b_hh)
    return both[0], both[1]


class GRUStep(Function):
    """h' of one GRU step (x and h (N, ·) or unbatched (·,)); biases optional."""

    def forward(self, x, h, w_ih, w_hh, b_ih=None, b_hh=None):
        B = self.B
        self.has_bias = (b_ih is not None, b_hh is not None)
        self.unbatched = x.ndim == 1
        if self.unbatched:
            x, h = (B.reshape(a, (1, a.shape[0])) for a in (x, h))
        inner = B.matrix_product(x, B.matrix_transpose(w_ih))
        inner = inner if b_ih is None else B.add(inner, b_ih)
        hidden = B.matrix_product(h, B.matrix_transpose(w_hh))
        hidden = hidden if b_hh is None else B.add(hidden, b_hh)
        size = h.shape[1]
        x_r, x_z, x_n = (B.getitem(inner, (slice(None), slice(k * size, (k + 1) * size))) for k in range(3))
        h_r, h_z, h_n = (B.getitem(hidden, (slice(None), slice(k * size, (k + 1) * size))) for k in range(3))
        r, z = B.sigmoid(B.add(x_r, h_r)), B.sigmoid(B.add(x_z, h_z))
        n = B.tanh(B.add(x_n, B.mul(r, h_n)))
        one = B.scalar(1, z.dtype)
        out = B.add(B.mul(B.sub(one, z), n), B.mul(z, h))
        self.save_for_backward(x, h, w_ih, w_hh, r, z, n, h_n)
        return B.reshape(out, (size,)) if self.unbatched else out

    def backward(self, grad):
        B = self.B
        x, h, w_ih, w_hh, r, z, n, h_n = self.saved
        grad = B.reshape(grad, (1, grad.shape[0])) if self.unbatched else grad
        one = B.scalar(1, z.dtype)
        grad_n = B.tanh_backward(B.mul(grad, B.sub(one, z)), n)  # into tanh's input: x_n + r·h_n
        grad_z = B.sigmoid_backward(B.sub(B.mul(grad, h), B.mul(grad, n)), z)
        grad_r = B.sigmoid_backward(B.mul(grad_n, h_n), r)
        grad_inner = B.concatenate([grad_r, grad_z, grad_n], 1)
        grad_hidden = B.concatenate([grad_r, grad_z, B.mul(grad_n, r)], 1)
        wanted = iter(self.needs_input_grad)
        needs = [next(wanted) for _ in range(4)] + [has and next(wanted) for has in self.has_bias]
        grads = [None] * 6
        if needs[0]:
            grads[0] = B.matrix_product(grad_inner, w_ih)
        if needs[1]:
            grads[1] = B.add(B.matrix_product(grad_hidden, w_hh), B.mul(grad, z))
        if needs[2]:
            grads[2] = B.matrix_transpose(B.matrix_product(B.matrix_transpose(x), grad_inner))
        if needs[3]:
            grads[3] = B.matrix_transpose(B.matrix_product(B.matrix_transpose(h), grad_hidden))
        if needs[4]:
            grads[4] = B.sum_to_shape(grad_inner, (grad_inner.shape[1],))
        if needs[5]:
            grads[5] = B.sum_to_shape(grad_hidden, (grad_hidden.shape[1],))
        if self.unbatched:
            grads[:2] = [None if g is None else B.reshape(g, (g.shape[1],)) for g in grads[:2]]
        return tuple(grads[:4]) + tuple(g for g, has in zip(grads[4:], self.has_bias) if has)

    def composite(self, x, h, w_ih, w_hh, b_ih=None, b_hh=None):
        """The same output as small differentiable ops, for second derivatives (autograd_graph)."""
        return _gru_step_by_ops(x, h, w_ih, w_hh, b_ih, b_hh)


def _gru_step_by_ops(x, h, w_ih, w_hh, b_ih, b_hh):
    x_r, x_z, x_n = _linear(x, w_ih, b_ih).chunk(3, -1)
    h_r, h_z, h_n = _linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def gru_step(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' of one GRU step, as ``torch._VF.gru_cell``: one op when the shapes and dtypes allow."""
    if _fusable(x, (h,), (w_ih, w_hh, b_ih, b_hh), 3):
        return GRUStep.apply(x, h, w_ih, w_hh, b_ih, b_hh)
    return _gru_step_by_ops(x, h, w_ih, w_hh, b_ih, b_hh)

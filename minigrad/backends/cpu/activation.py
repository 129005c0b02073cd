"""CPU kernels: activations. relu, leaky_relu and sigmoid are Numba kernels over the flattened array (hot in a
U-Net, and in the swish of MobileNet-style networks); tanh is numpy's (softmaxes.py holds softmax and log_softmax)."""
import numpy as np
from numba import get_num_threads, njit, prange

from .elementwise import rounded_once
from .half import not_widened
from .jit import fused_multiply_add, kernel
from .softmaxes import LANES, scalar_exp, vector_exp
from .torch_threads import thread_shares
from .. import checks

__all__ = ["relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "sigmoid", "sigmoid_backward",
           "tanh", "tanh_backward", "silu", "silu_backward"]


@kernel(parallel=True)
def _relu_kernel(x, out, zero):
    for i in prange(x.size):
        v = x[i]
        out[i] = zero if v < zero else v  # NaN stays NaN, as torch.relu


@kernel(parallel=True)
def _relu_backward_kernel(g, y, out, zero):
    for i in prange(g.size):
        out[i] = zero if y[i] <= zero else g[i]  # NaN passes the gradient, as PyTorch's threshold_backward


@kernel(parallel=True)
def _leaky_relu_kernel(x, out, zero, slope):
    for i in prange(x.size):
        v = x[i]
        out[i] = v if v > zero else v * slope


@kernel(parallel=True)
def _leaky_relu_backward_kernel(g, x, out, zero, slope):
    for i in prange(g.size):
        out[i] = g[i] if x[i] > zero else g[i] * slope


def _flat(a):
    """A contiguous 1-d view of ``a`` (a copy only when ``a`` is not contiguous)."""
    return np.ascontiguousarray(a).reshape(-1)


def relu(a):
    out = np.empty(a.shape, dtype=a.dtype)
    _relu_kernel(_flat(a), out.reshape(-1), a.dtype.type(0))
    return out


def relu_backward(g, y):
    """Gradient of relu from its output ``y``: 0 where y <= 0 (so 0 at 0, as PyTorch), g elsewhere (NaN too)."""
    checks.same_shape("relu_backward", "grad", g, output=y)
    out = np.empty(g.shape, dtype=g.dtype)
    _relu_backward_kernel(_flat(g), _flat(y), out.reshape(-1), g.dtype.type(0))
    return out


def leaky_relu(a, negative_slope):
    out = np.empty(a.shape, dtype=a.dtype)
    _leaky_relu_kernel(_flat(a), out.reshape(-1), a.dtype.type(0), a.dtype.type(negative_slope))
    return out


def leaky_relu_backward(g, x, negative_slope):
    """Gradient of leaky_relu from its input ``x``: 1 where x > 0, else the slope."""
    checks.same_shape("leaky_relu_backward", "grad", g, input=x)
    out = np.empty(g.shape, dtype=g.dtype)
    _leaky_relu_backward_kernel(_flat(g), _flat(x), out.reshape(-1), g.dtype.type(0), g.dtype.type(negative_slope))
    return out


# Arrays smaller than this take the serial twins below: waking the second thread cost more than it saved (a
# recurrent step's 20x200 or 97x51 gates: 11-17 us per parallel call, 3-5 serial).
SERIAL_BELOW = 16384


@njit(inline="always")
def _sigmoid_at(i, e, out, one):
    # out = 1 / (1 + e) with e = exp(-x), PyTorch's formula to its last bit (an overflowing e gives 0, a NaN
    # stays NaN)
    out[i] = one / (one + e[i])


@kernel(parallel=True)
def _sigmoid_from_exp(e, out, one):
    for i in prange(e.size):
        _sigmoid_at(i, e, out, one)


@kernel()
def _sigmoid_from_exp_serial(e, out, one):
    for i in range(e.size):
        _sigmoid_at(i, e, out, one)


@njit(inline="always")
def _sigmoid_of(x, in_vector, one):
    return one / (one + (vector_exp(-x) if in_vector else scalar_exp(-x)))


@kernel(parallel=True)
def _sigmoid_float32(x, out, tails, one):
    for i in prange(x.size):
        out[i] = _sigmoid_of(x[i], True, one)
    for t in range(tails.shape[0]):  # (the elements PyTorch leaves to the C library's exp)
        for i in range(tails[t, 0], tails[t, 1]):
            out[i] = _sigmoid_of(x[i], False, one)


def elementwise_tails(size, threads):
    """The (start, stop) ranges of a contiguous array of ``size`` float32 values that PyTorch's elementwise
    kernels compute one by one with scalar code: each thread's share (``thread_shares``) runs two vectors at a
    time (32 values with AVX-512), the rest of the share scalar."""
    step = 2 * LANES
    return np.array([(start + (stop - start) // step * step, stop) for start, stop in thread_shares(size, threads)],
                    np.int64).reshape(-1, 2)


@njit(inline="always")
def _silu_at(i, x, out, in_vector, one):
    out[i] = x[i] / (one + (vector_exp(-x[i]) if in_vector else scalar_exp(-x[i])))


@njit(inline="always")
def _silu_gradient_at(i, g, x, out, in_vector, one):
    s = _sigmoid_of(x[i], in_vector, one)
    out[i] = g[i] * s * fused_multiply_add(x[i], one - s, one)  # (PyTorch's compiler fuses 1 + x * (1 - s))


# sigmoid, silu and silu's gradient each keep a kernel of this one shape (every value with the vector exp, then the
# tails again with the C library's): Numba's cache keys neither a kernel built in a closure nor one taking its
# element rule as a function argument (both recompiled in every process), and a rule passed as a literal
# int re-dispatched on every call (about a second each, measured).
@kernel(parallel=True)
def _silu_kernel(x, out, tails, one):
    for i in prange(x.size):
        _silu_at(i, x, out, True, one)
    for t in range(tails.shape[0]):
        for i in range(tails[t, 0], tails[t, 1]):
            _silu_at(i, x, out, False, one)


@kernel(parallel=True)
def _silu_backward_kernel(g, x, out, tails, one):
    for i in prange(x.size):
        _silu_gradient_at(i, g, x, out, True, one)
    for t in range(tails.shape[0]):
        for i in range(tails[t, 0], tails[t, 1]):
            _silu_gradient_at(i, g, x, out, False, one)


def silu(a):
    """x / (1 + exp(-x)), PyTorch's SiLU formula: float32 in one pass with PyTorch's exp (its bits), other
    dtypes numpy's."""
    if a.dtype != np.float32:
        with np.errstate(over="ignore"):
            return a / (1 + np.exp(-a))
    flat, out = _flat(a), np.empty(a.shape, a.dtype)
    _silu_kernel(flat, out.reshape(-1), elementwise_tails(flat.size, get_num_threads()), np.float32(1))
    return out


def silu_backward(g, x):
    """g * s * (1 + x * (1 - s)) with s = sigmoid(x), in PyTorch's order (float32: PyTorch's bits)."""
    checks.same_shape("silu_backward", "grad", g, input=x)
    if g.dtype != np.float32 or x.dtype != np.float32:
        with np.errstate(over="ignore"):
            s = 1 / (1 + np.exp(-x))
        return g * s * (1 + x * (1 - s))
    out = np.empty(g.shape, g.dtype)
    _silu_backward_kernel(_flat(g), _flat(x), out.reshape(-1), elementwise_tails(g.size, get_num_threads()),
                          np.float32(1))
    return out


@kernel(parallel=True)
def _sigmoid_backward_kernel(g, y, out, one):
    for i in prange(g.size):
        out[i] = g[i] * (one - y[i]) * y[i]


@kernel()
def _sigmoid_backward_serial(g, y, out, one):
    for i in range(g.size):
        out[i] = g[i] * (one - y[i]) * y[i]


def sigmoid(a):
    """1 / (1 + exp(-a)), PyTorch's formula: for float32 one Numba pass with PyTorch's exp (its vector exp, and
    the C library's where PyTorch's scalar code runs: ``elementwise_tails``), so the result is PyTorch's bit for
    bit; float64 numpy's exp, then one pass of a Numba kernel (the numpy expression took eight passes over the
    array: the sigmoids of an EfficientNet's swish spent more time than its convolutions' forward passes);
    numpy alone for other dtypes."""
    if a.dtype.kind == "c":
        with np.errstate(all="ignore"):
            return 1 / (1 + np.exp(-a))
    if a.dtype not in (np.float32, np.float64):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
    flat = _flat(a)
    if a.dtype == np.float32:  # (exp as PyTorch's vector and scalar code compute it, each where PyTorch uses it)
        out = np.empty(flat.shape, np.float32)
        # (no serial twin: Numba vectorises this loop only as a parallel one, 1.7 against 10.6 ns a value at 4096)
        _sigmoid_float32(flat, out, elementwise_tails(flat.size, get_num_threads()), np.float32(1))
        return out.reshape(a.shape)
    e = np.negative(flat)  # one new array, then everything in place (a fresh array per pass cost 5x the arithmetic)
    _exp(e, out=e)  # (numpy's exp is vectorised; Numba's is a scalar call per element)
    finish = _sigmoid_from_exp_serial if flat.size < SERIAL_BELOW else _sigmoid_from_exp
    finish(e, e, a.dtype.type(1))  # each element read, then overwritten by its sigmoid
    return e.reshape(a.shape)


@not_widened  # (PyTorch rounds each float16 product to float16: numpy's float16 arithmetic does the same)
def sigmoid_backward(g, y):
    """g * (1 - y) * y from sigmoid's output y, in PyTorch's order (float16: each step rounded to float16, as
    PyTorch's)."""
    checks.same_shape("sigmoid_backward", "grad", g, output=y)
    if g.dtype != y.dtype or g.dtype not in (np.float32, np.float64):
        return g * (1 - y) * y
    out = np.empty(g.shape, dtype=g.dtype)
    rule = _sigmoid_backward_serial if g.size < SERIAL_BELOW else _sigmoid_backward_kernel
    rule(_flat(g), _flat(y), out.reshape(-1), g.dtype.type(1))
    return out


_exp, _tanh = rounded_once(np.exp), rounded_once(np.tanh)


def tanh(a):
    """``np.tanh``, float32 computed in float64 and rounded once (``rounded_once``: PyTorch's last bits)."""
    return _tanh(a)


@kernel(parallel=True)
def _tanh_backward_kernel(g, y, out, one):
    for i in prange(g.size):
        out[i] = g[i] * fused_multiply_add(-y[i], y[i], one)


def tanh_backward(g, y):
    """g * (1 - y * y) from tanh's output y, 1 - y * y one FMA as PyTorch's compiled kernel forms it (a plain
    product and difference differed from PyTorch's gradient in 72% of float32 values)."""
    checks.same_shape("tanh_backward", "grad", g, output=y)
    if g.dtype != y.dtype or g.dtype not in (np.float32, np.float64):
        return g * (1 - y * y)
    out = np.empty(g.shape, dtype=g.dtype)
    _tanh_backward_kernel(_flat(g), _flat(y), out.reshape(-1), g.dtype.type(1))
    return out

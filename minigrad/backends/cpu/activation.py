"""CPU kernels: activations. relu and leaky_relu are Numba kernels over the flattened array (hot in a U-Net);
sigmoid, tanh and the softmaxes are numpy expressions written to stay finite for any float input."""
import numpy as np
from numba import prange

from .jit import kernel
from .. import checks

__all__ = ["relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "sigmoid", "sigmoid_backward",
           "tanh", "tanh_backward", "softmax", "softmax_backward", "log_softmax", "log_softmax_backward"]


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


def sigmoid(a):
    # exp of minus |a| never overflows; the two branches are the same function.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def sigmoid_backward(g, y):
    return g * y * (1 - y)


def tanh(a):
    return np.tanh(a)


def tanh_backward(g, y):
    return g * (1 - y * y)


def softmax(a, axis):
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def softmax_backward(g, y, axis):
    return y * (g - np.sum(g * y, axis=axis, keepdims=True))


def log_softmax(a, axis):
    shifted = a - np.max(a, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_backward(g, y, axis):
    return g - np.exp(y) * np.sum(g, axis=axis, keepdims=True)

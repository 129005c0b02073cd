"""Activations, as ``torch.nn.functional``: relu, leaky_relu, sigmoid, tanh, softmax, log_softmax, and the
smooth and piecewise ones built from the backend's elementwise ops (gelu, silu, mish, elu, selu, celu, softplus,
logsigmoid, hardtanh, relu6, hardsigmoid, hardswish, prelu), each with PyTorch's formula forward and backward."""
import warnings

import numpy as np

from ..autograd import Function
from .elementwise import floating
from .shape import normalize_dim

__all__ = ["relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "silu", "mish", "elu", "selu",
           "celu", "softplus", "logsigmoid", "hardtanh", "relu6", "hardsigmoid", "hardswish", "prelu"]


class ReLU(Function):
    def forward(self, a):
        out = self.B.relu(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.relu_backward(g, self.saved[0])


def relu(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.relu``: max(x, 0); gradient 0 at 0. ``inplace=True`` writes into ``input`` and returns
    it, as PyTorch (and refuses a leaf that requires grad, as PyTorch)."""
    if input.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    if inplace:
        from .inplace import apply_inplace
        return apply_inplace(input, "relu_", ReLU.apply)
    return ReLU.apply(input)


class LeakyReLU(Function):
    def forward(self, a, negative_slope):
        self.negative_slope = negative_slope
        self.save_for_backward(a)
        return self.B.leaky_relu(a, negative_slope)

    def backward(self, g):
        return self.B.leaky_relu_backward(g, self.saved[0], self.negative_slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``torch.nn.functional.leaky_relu``: x where x > 0, else negative_slope * x; ``inplace`` as ``relu``'s."""
    if inplace:
        from .inplace import apply_inplace
        return apply_inplace(input, "leaky_relu_", lambda t: LeakyReLU.apply(t, negative_slope=float(negative_slope)))
    return LeakyReLU.apply(input, negative_slope=float(negative_slope))


class Sigmoid(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.sigmoid(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.sigmoid_backward(g, self.saved[0])


def sigmoid(input):  # noqa: A002
    """``torch.sigmoid``: 1 / (1 + exp(-x)), finite for any input."""
    return Sigmoid.apply(floating(input))


class Tanh(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.tanh(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.tanh_backward(g, self.saved[0])


def tanh(input):  # noqa: A002
    """``torch.tanh``."""
    return Tanh.apply(floating(input))


def _softmax_dim(name, x, dim):
    if dim is None:
        # PyTorch's legacy choice when dim is left out, with its warning.
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      f"Change the call to include dim=X as an argument.", stacklevel=3)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, x.ndim)


class Softmax(Function):
    def forward(self, a, axis):
        self.axis = axis
        out = self.B.softmax(a, axis)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.softmax_backward(g, self.saved[0], self.axis)


def softmax(input, dim=None, dtype=None):  # noqa: A002
    """``torch.softmax`` along ``dim``; the max is subtracted first, so huge logits give no NaN."""
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, axis=_softmax_dim("softmax", input, dim))


class LogSoftmax(Function):
    def forward(self, a, axis):
        self.axis = axis
        out = self.B.log_softmax(a, axis)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.log_softmax_backward(g, self.saved[0], self.axis)


def log_softmax(input, dim=None, dtype=None):  # noqa: A002
    """``torch.log_softmax`` along ``dim``: x - max - log(sum(exp(x - max))), stable for huge logits."""
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, axis=_softmax_dim("log_softmax", input, dim))


# ---------------------------------------------------------------------------- smooth and piecewise activations
class _Pointwise(Function):
    """An activation computed elementwise from its input, which its gradient reads again. ``rule(B, x, c)`` is the
    forward, ``slope(B, x, c)`` the derivative; c(value) is a constant of x's dtype (a Python float would make a
    float32 array compute in float64). float16 computes in float32, as PyTorch's CPU kernels do (1 + erf(x) in
    float16 loses the tail of GELU)."""
    rule = slope = None

    def forward(self, a, **options):
        self.options = options
        self.save_for_backward(a)
        return self._in_float32(a, lambda x: self.rule(self.B, x, self._constant(x), **options))

    def backward(self, g):
        a = self.saved[0]
        return self._in_float32(a, lambda x: self.B.mul(self.B.astype(g, x.dtype),
                                                        self.slope(self.B, x, self._constant(x), **self.options)))

    def _in_float32(self, a, compute):
        if a.dtype != np.float16:
            return compute(a)
        return self.B.astype(compute(self.B.astype(a, np.float32)), np.float16)

    def _constant(self, a):
        B, dtype = self.B, a.dtype
        return lambda value: B.scalar(value, dtype)


def _activation(name, rule, slope):
    """A Function class of a _Pointwise activation with these rules: its ``apply``."""
    return type(name.capitalize(), (_Pointwise,), {"rule": staticmethod(rule), "slope": staticmethod(slope)}).apply


# C's M_SQRT2, M_2_SQRTPI and M_SQRT1_2, and GELU's constants formed from them as PyTorch forms them (a
# constant computed another way can differ in its last bit)
_SQRT2, _2_SQRTPI, _SQRT1_2 = 1.41421356237309504880, 1.12837916709551257390, 0.70710678118654752440
_GELU_BETA, _GELU_ALPHA = _SQRT2 * _2_SQRTPI * 0.5, _2_SQRTPI * _SQRT1_2 * 0.5


def _gelu_rule(B, x, c, tanh):
    if tanh:  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        inner = B.mul(c(_GELU_BETA), B.add(x, B.mul(c(0.044715), B.mul(B.mul(x, x), x))))
        return B.mul(B.mul(x, c(0.5)), B.add(c(1), B.tanh(inner)))
    return B.mul(B.mul(x, c(0.5)), B.add(c(1), B.erf(B.mul(x, c(_SQRT1_2)))))


def _gelu_slope(B, x, c, tanh):
    if tanh:
        square = B.mul(x, x)
        inner = B.mul(c(_GELU_BETA), B.add(x, B.mul(c(0.044715), B.mul(square, x))))
        t = B.tanh(inner)
        inner_slope = B.mul(c(_GELU_BETA), B.add(c(1), B.mul(c(3 * 0.044715), square)))
        right_slope = B.mul(B.mul(B.mul(c(0.5), x), B.sub(c(1), B.mul(t, t))), inner_slope)
        return B.add(B.mul(c(0.5), B.add(c(1), t)), right_slope)
    cdf = B.mul(c(0.5), B.add(c(1), B.erf(B.mul(x, c(_SQRT1_2)))))
    pdf = B.mul(B.exp(B.mul(B.mul(x, x), c(-0.5))), c(_GELU_ALPHA))
    return B.add(cdf, B.mul(x, pdf))


_gelu = _activation("gelu", _gelu_rule, _gelu_slope)


def gelu(input, approximate="none"):  # noqa: A002
    """``torch.nn.functional.gelu``: x * Phi(x) with the normal CDF from erf, or with ``approximate='tanh'`` PyTorch's
    tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _gelu(input, tanh=approximate == "tanh")


class Silu(Function):
    """x / (1 + exp(-x)), PyTorch's formula (x * sigmoid(x) rounds twice: 25% of last bits differed), and its
    gradient g * s * (1 + x * (1 - s)) in PyTorch's order, each one backend pass (float32: PyTorch's bits)."""

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.silu(a)

    def backward(self, g):
        return self.B.silu_backward(g, self.saved[0])

    def composite(self, a):
        """The same output as differentiable ops, for second derivatives (autograd_graph)."""
        return a / (1 + (-a).exp())


_silu = Silu.apply


def silu(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.silu`` (swish): x * sigmoid(x)."""
    return _maybe_inplace(input, inplace, "silu_", _silu)


def _mish_slope(B, x, c):
    t = B.tanh(_softplus_rule(B, x, c, 1.0, 20.0))
    return B.add(t, B.mul(B.mul(x, B.sigmoid(x)), B.sub(c(1), B.mul(t, t))))


# (exp's argument is clamped where its branch is not taken: a huge input gives no overflow, and no warning)
def _softplus_rule(B, x, c, beta, threshold):
    scaled = B.mul(x, c(beta))
    smooth = B.div(B.log1p(B.exp(B.minimum(scaled, c(threshold)))), c(beta))
    return B.where(B.greater(scaled, c(threshold)), x, smooth)


def _softplus_slope(B, x, c, beta, threshold):
    scaled = B.mul(x, c(beta))
    z = B.exp(B.minimum(scaled, c(threshold)))
    return B.where(B.greater(scaled, c(threshold)), c(1), B.div(z, B.add(z, c(1))))


_mish = _activation("mish", lambda B, x, c: B.mul(x, B.tanh(_softplus_rule(B, x, c, 1.0, 20.0))), _mish_slope)


def mish(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.mish``: x * tanh(softplus(x))."""
    return _maybe_inplace(input, inplace, "mish_", _mish)
_softplus = _activation("softplus", _softplus_rule, _softplus_slope)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """``torch.nn.functional.softplus``: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return _softplus(input, beta=float(beta), threshold=float(threshold))


def _elu_rule(B, x, c, alpha, scale, input_scale):
    negative = B.mul(B.expm1(B.mul(B.minimum(x, c(0)), c(input_scale))), c(alpha * scale))
    return B.where(B.less_equal(x, c(0)), negative, B.mul(x, c(scale)))


def _elu_slope(B, x, c, alpha, scale, input_scale):
    negative = B.mul(B.exp(B.mul(B.minimum(x, c(0)), c(input_scale))), c(input_scale * alpha * scale))
    return B.where(B.less_equal(x, c(0)), negative, c(scale))


_elu = _activation("elu", _elu_rule, _elu_slope)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``torch.nn.functional.elu``: x where x > 0, else alpha (exp(x) - 1)."""
    return _maybe_inplace(input, inplace, "elu_", lambda t: _elu(t, alpha=float(alpha), scale=1.0, input_scale=1.0))


def selu(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.selu``: scale * elu(x, alpha) with PyTorch's two constants."""
    return _maybe_inplace(input, inplace, "selu_",
                          lambda t: _elu(t, alpha=SELU_ALPHA, scale=SELU_SCALE, input_scale=1.0))


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``torch.nn.functional.celu``: x where x > 0, else alpha (exp(x / alpha) - 1)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _maybe_inplace(input, inplace, "celu_",
                          lambda t: _elu(t, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha))


def _logsigmoid_slope(B, x, c):
    z = B.exp(B.neg(B.abs(x)))
    negative = B.less(x, c(0))
    return B.sub(B.where(negative, c(1), c(0)), B.mul(B.where(negative, c(1), c(-1)), B.div(z, B.add(c(1), z))))


_logsigmoid = _activation(
    "logsigmoid", lambda B, x, c: B.sub(B.minimum(x, c(0)), B.log1p(B.exp(B.neg(B.abs(x))))), _logsigmoid_slope)


def logsigmoid(input):  # noqa: A002
    """``torch.nn.functional.logsigmoid``: log(sigmoid(x)), as min(x, 0) - log1p(exp(-|x|)): finite for any x."""
    return _logsigmoid(input)


def _hardtanh_slope(B, x, c, low, high):
    return B.where(B.logical_not(B.mul(B.greater(x, c(low)), B.less(x, c(high)))), c(0), c(1))


_hardtanh = _activation("hardtanh", lambda B, x, c, low, high: B.clip(x, low, high), _hardtanh_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """``torch.nn.functional.hardtanh``: clamped to [min_val, max_val]; the gradient is zero at the bounds too."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, "hardtanh_",
                          lambda t: _hardtanh(t, low=float(min_val), high=float(max_val)))


def relu6(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.relu6``: hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


# PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32, in float64 too: so does this one
_SIXTH_AS_FLOAT32 = float(np.float32(1 / 6))
_hardsigmoid = _activation(
    "hardsigmoid", lambda B, x, c: B.div(B.clip(B.add(x, c(3)), 0, 6), c(6)),
    lambda B, x, c: B.where(B.mul(B.greater(x, c(-3)), B.less(x, c(3))), c(_SIXTH_AS_FLOAT32), c(0)))


def hardsigmoid(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.hardsigmoid``: clamp(x + 3, 0, 6) / 6."""
    return _maybe_inplace(input, inplace, "hardsigmoid_", _hardsigmoid)


def _hardswish_slope(B, x, c):
    middle = B.add(B.div(x, c(3)), c(0.5))
    return B.where(B.less_equal(x, c(-3)), c(0), B.where(B.less(x, c(3)), middle, c(1)))


_hardswish = _activation("hardswish", lambda B, x, c: B.div(B.mul(x, B.clip(B.add(x, c(3)), 0, 6)), c(6)),
                         _hardswish_slope)


def hardswish(input, inplace=False):  # noqa: A002
    """``torch.nn.functional.hardswish``: x * clamp(x + 3, 0, 6) / 6."""
    return _maybe_inplace(input, inplace, "hardswish_", _hardswish)


def prelu(input, weight):  # noqa: A002
    """``torch.nn.functional.prelu``: x where x > 0, else weight * x, with one weight per channel (dim 1) or one
    for all."""
    from .elementwise import where
    if weight.ndim != 1 and weight.numel() != 1:
        raise RuntimeError("prelu: weight must be 1-dimensional or a single element")
    channels = weight.numel()
    if channels != 1:
        if input.ndim < 2 or input.shape[1] != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{channels} and channel size = {input.shape[1] if input.ndim >= 2 else 1}.")
        weight = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    else:
        weight = weight.reshape(())
    return where(input > 0, input, weight * input)


def _maybe_inplace(input, inplace, name, fn):  # noqa: A002
    if inplace:
        from .inplace import apply_inplace
        return apply_inplace(input, name, fn)
    return fn(input)


def _dim_required(name, function):
    """``torch.softmax`` and ``Tensor.softmax`` (and log_softmax) need ``dim``, where the functional forms pick
    one with a warning: PyTorch's TypeError when it is left out."""
    def with_dim(input, dim=None, dtype=None):  # noqa: A002
        if dim is None:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
        return function(input, dim, dtype)
    with_dim.__name__, with_dim.__doc__ = name, function.__doc__
    return with_dim


torch_softmax, torch_log_softmax = _dim_required("softmax", softmax), _dim_required("log_softmax", log_softmax)
METHODS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "softmax": torch_softmax, "log_softmax": torch_log_softmax}

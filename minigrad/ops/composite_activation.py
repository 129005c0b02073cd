"""Activations that are one or two calls of other ops, as ``torch.nn.functional``'s: threshold, hardshrink,
softshrink, tanhshrink, softsign, softmin, glu, rrelu, and the in-place forms ``relu_``, ``elu_``... Their
gradients are those of the ops they call (``where`` passes the gradient only to the side it took)."""
import numpy as np

from .. import sampling
from ..random import default_generator
from .activation import celu, elu, hardtanh, leaky_relu, relu, selu, sigmoid, softmax, tanh, _maybe_inplace
from .compare import where
from .elementwise import abs as absolute

__all__ = ["threshold", "threshold_", "hardshrink", "softshrink", "tanhshrink", "softsign", "softmin", "glu",
           "rrelu", "rrelu_", "gumbel_softmax", "relu_", "leaky_relu_", "elu_", "celu_", "selu_", "hardtanh_"]


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """``F.threshold``: input where input > threshold, else ``value``."""
    return _maybe_inplace(input, inplace, "threshold_", lambda x: where(x > threshold, x, value))


def threshold_(input, threshold, value):  # noqa: A002
    """``F.threshold_``: ``threshold`` in place."""
    return _maybe_inplace(input, True, "threshold_", lambda x: where(x > threshold, x, value))


def hardshrink(input, lambd=0.5):  # noqa: A002
    """``F.hardshrink``: input where |input| > lambd, else 0."""
    return where((input > lambd) | (input < -lambd), input, 0.0)


def softshrink(input, lambd=0.5):  # noqa: A002
    """``F.softshrink``: input - lambd above lambd, input + lambd below -lambd, 0 between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return where(input > lambd, input - lambd, where(input < -lambd, input + lambd, 0.0))


def tanhshrink(input):  # noqa: A002
    """``F.tanhshrink``: input - tanh(input)."""
    return input - tanh(input)


def softsign(input):  # noqa: A002
    """``F.softsign``: input / (1 + |input|)."""
    return input / (absolute(input) + 1)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``F.softmin``: softmax of -input along ``dim`` (left out: PyTorch's legacy choice, with its warning)."""
    if dim is None:
        from .activation import _softmax_dim
        dim = _softmax_dim("softmin", input, None)
    return softmax(-input, dim, dtype)


def glu(input, dim=-1):  # noqa: A002
    """``F.glu``: the first half of ``dim`` times the sigmoid of the second half."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.ndim} is size "
                           f"{input.shape[dim]}")
    first, second = input.chunk(2, dim)
    return first * sigmoid(second)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """``F.rrelu``: leaky ReLU with slope (lower + upper) / 2 in evaluation, and in training a slope drawn
    uniformly from [lower, upper] for each element that is not positive, drawn as PyTorch draws it (a float64
    uniform per such element, in order, between the bounds rounded to the input's dtype)."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace=inplace)
    dtype = np.dtype(input.dtype)
    low, high = float(dtype.type(lower)), float(dtype.type(upper))
    slopes = np.ones(tuple(input.shape), dtype)
    negative = input.detach().cpu().numpy() <= 0
    unit = sampling.uniform_values(default_generator, int(negative.sum()), np.float64)
    slopes[negative] = unit * (high - low) + low  # (not fused: PyTorch's rrelu is compiled for the baseline CPU)
    slopes = input.detach().new_tensor(slopes)
    return _maybe_inplace(input, inplace, "rrelu_", lambda x: where(x >= 0, x, x * slopes))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    """``F.rrelu_``: ``rrelu`` in place."""
    return rrelu(input, lower, upper, training, inplace=True)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """``F.gumbel_softmax``: softmax((logits + Gumbel noise) / tau) along ``dim``; with ``hard``, the one-hot of
    its argmax in the forward pass and the soft sample's gradient (straight-through). The noise is -log of
    exponential draws, PyTorch's for the same seed."""
    from .scatter import scatter
    gumbels = -logits.detach().new_empty(tuple(logits.shape)).exponential_().log()
    soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return soft
    index = soft.detach().argmax(dim, keepdim=True)
    one_hot = scatter(logits.detach().new_zeros(tuple(logits.shape)), dim, index, value=1.0)
    return one_hot - soft.detach() + soft


def relu_(input):  # noqa: A002
    """``F.relu_``: ``relu`` in place."""
    return relu(input, inplace=True)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    """``F.leaky_relu_``: ``leaky_relu`` in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu_(input, alpha=1.0):  # noqa: A002
    """``F.elu_``: ``elu`` in place."""
    return elu(input, alpha, inplace=True)


def celu_(input, alpha=1.0):  # noqa: A002
    """``F.celu_``: ``celu`` in place."""
    return celu(input, alpha, inplace=True)


def selu_(input):  # noqa: A002
    """``F.selu_``: ``selu`` in place."""
    return selu(input, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """``F.hardtanh_``: ``hardtanh`` in place."""
    return hardtanh(input, min_val, max_val, inplace=True)


METHODS = {"hardshrink": hardshrink, "softmin": lambda x, dim=None, dtype=None: softmin(x, dim, dtype=dtype)}

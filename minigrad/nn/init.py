"""``nn.init``: PyTorch's weight initialisations, drawn from the generator seeded by ``minigrad.manual_seed``."""
import math
import warnings

import numpy as np

from ..autograd import no_grad

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "trunc_normal_", "orthogonal_", "eye_", "dirac_",
           "default_layer_init_"]


def calculate_gain(nonlinearity, param=None):
    """``torch.nn.init.calculate_gain``: the recommended std gain of a nonlinearity."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is not None and (isinstance(param, bool) or not isinstance(param, (int, float))):
            raise ValueError(f"negative_slope {param} not a valid number")
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """Fans as ``torch.nn.init._calculate_fan_in_and_fan_out``: (dim 1, dim 0) times the receptive field
    (the product of ``shape[2:]``), so a conv weight (out, in, kh, kw) has fan_in = in·kh·kw."""
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


@no_grad()
def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """``torch.nn.init.uniform_``: U(a, b) in place."""
    return tensor.uniform_(a, b, generator=generator)


@no_grad()
def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """``torch.nn.init.normal_``: N(mean, std²) in place."""
    return tensor.normal_(mean, std, generator=generator)


@no_grad()
def constant_(tensor, val):
    """``torch.nn.init.constant_``."""
    return tensor.fill_(val)


def zeros_(tensor):
    """``torch.nn.init.zeros_``."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """``torch.nn.init.ones_``."""
    return constant_(tensor, 1.0)


def _is_empty(tensor):
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return True
    return False


# The bounds below are computed in PyTorch's order of operations (std first, then sqrt(3)·std), so they
# equal PyTorch's to the last bit.
def xavier_uniform_(tensor, gain=1.0, generator=None):
    """``torch.nn.init.xavier_uniform_``: U(-a, a), a = gain·sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * (gain * math.sqrt(2.0 / float(fan_in + fan_out)))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """``torch.nn.init.xavier_normal_``: N(0, std²), std = gain·sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """``torch.nn.init.kaiming_uniform_``: U(-b, b), b = gain·sqrt(3 / fan), gain = calculate_gain(nonlinearity, a)."""
    if _is_empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """``torch.nn.init.kaiming_normal_``: N(0, std²), std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    if _is_empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def _normal_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _from_numpy(values):
    from ..creation import tensor
    return tensor(values)


def _randperm(n):
    from ..creation import randperm
    return randperm(n)


@no_grad()
def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """``torch.nn.init.trunc_normal_``: N(mean, std²) restricted to [a, b] (absolute bounds), drawn as PyTorch
    2.13 draws it: where [a, b] holds more than 30% of the law, normal draws with the outside ones drawn again;
    otherwise uniform candidates in [a, b], each kept with probability pdf / peak pdf."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    from ..ops.elementwise import where
    if _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std) > 0.3:
        low, high = (float(np.asarray(bound, tensor.dtype)) for bound in (a, b))
        result = tensor.normal_(mean, std, generator=generator)
        outside = (result < low) | (result > high)
        while outside.any():
            result = where(outside, tensor.new_empty(tuple(tensor.shape)).normal_(mean, std, generator=generator),
                           result)
            outside = (result < low) | (result > high)
        return tensor if result is tensor else tensor.copy_(result)
    log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

    def log_density(candidates):  # log pdf - log peak pdf, in the tensor's dtype
        return candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)

    def rejected(log_ratio):
        return tensor.new_empty(tuple(tensor.shape)).uniform_(generator=generator).log_().gt(log_ratio)
    tensor.uniform_(a, b, generator=generator)
    pending = rejected(log_density(tensor.clone()))
    result = tensor
    while pending.any():
        candidates = tensor.new_empty(tuple(tensor.shape)).uniform_(a, b, generator=generator)
        result = where(pending, candidates, result)
        pending = where(pending, rejected(log_density(candidates)), pending)
    return tensor if result is tensor else tensor.copy_(result)


@no_grad()
def orthogonal_(tensor, gain=1, generator=None):
    """``torch.nn.init.orthogonal_``: a (semi-)orthogonal matrix over the tensor flattened to (size(0), rest),
    the Q of a normal sample's QR decomposition with each column signed by R's diagonal (so that Q is uniformly
    distributed), times ``gain``. The sample is PyTorch's for the same seed; the QR is numpy's LAPACK."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    sample = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator).numpy()
    matrix = sample.T if rows < cols else sample
    q, r = np.linalg.qr(matrix)
    q = q * np.sign(np.diag(r))
    q = q.T if rows < cols else q
    return tensor.copy_(_from_numpy(np.ascontiguousarray(q).reshape(tuple(tensor.shape)))).mul_(gain)


@no_grad()
def sparse_(tensor, sparsity, std=0.01, generator=None):
    """``torch.nn.init.sparse_``: a 2-D tensor drawn from N(0, std²), then in each column ceil(sparsity · rows)
    entries, at random rows, set to zero (those rows drawn from the global generator, as PyTorch's are)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, columns = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    tensor.normal_(0, std, generator=generator)
    for column in range(columns):
        tensor[_randperm(rows)[:zeros], column] = 0
    return tensor


@no_grad()
def eye_(tensor):
    """``torch.nn.init.eye_``: the identity on a 2-D tensor (ones on the diagonal)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return tensor.copy_(_from_numpy(np.eye(*tuple(tensor.shape))))


@no_grad()
def dirac_(tensor, groups=1):
    """``torch.nn.init.dirac_``: a convolution weight (3-, 4- or 5-D) that passes input channels through
    unchanged (a one at each kernel's centre), in ``groups`` groups."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    shape = tuple(tensor.shape)
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = shape[0] // groups
    weight = np.zeros(shape)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            weight[(g * per_group + d, d) + centre] = 1
    return tensor.copy_(_from_numpy(weight))


def default_layer_init_(weight, bias=None):
    """PyTorch's default init of Linear and the convolution layers: kaiming_uniform_(a=sqrt(5)) for the weight,
    which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same interval."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)


def _deprecated(name):
    new = globals()[name + "_"]

    def old(*args, **kwargs):
        warnings.warn(f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`.", FutureWarning,
                      stacklevel=2)
        return new(*args, **kwargs)
    old.__name__ = old.__qualname__ = name
    old.__doc__ = f"``torch.nn.init.{name}`` (deprecated): ``{name}_`` with PyTorch's warning."
    return old


# PyTorch's deprecated names without the trailing underscore, each warning and calling its successor
(uniform, normal, constant, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, orthogonal, sparse, eye,
 dirac) = (_deprecated(n) for n in ("uniform", "normal", "constant", "xavier_uniform", "xavier_normal",
                                    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse", "eye", "dirac"))

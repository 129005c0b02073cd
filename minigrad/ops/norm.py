"""Batch normalisation as one fused op (statistics, normalise, affine, optional ReLU), as ``F.batch_norm``."""
import math

import numpy as np

from ..autograd import Function, named_as, named_node
from ..tensor import Size

__all__ = ["batch_norm", "batch_norm_relu", "instance_norm", "layer_norm", "rms_norm", "group_norm"]
METHODS = {}


def _needs(op):
    """(input, weight, bias) gradient flags of a norm op: needs_input_grad lists only the tensors given, the input,
    then the weight and bias when present."""
    flags = iter(op.needs_input_grad)
    return next(flags), op.has[0] and next(flags), op.has[1] and next(flags)


def _given(op, gx, gw, gb):
    """The gradients of the tensors a norm op was given: the input's, then the weight's and bias's when present."""
    return tuple([gx] + [grad for grad, given in zip((gw, gb), op.has) if given])


class BatchNorm(Function):
    """y = (x − mean)/sqrt(var + eps)·γ + β per channel (dim 1), statistics from the batch when training.

    The backward pass is the closed form of the whole op, not a chain of small ops:
    gx = (γ/σ)·(g − mean(g) − x̂·mean(g·x̂)) in training, g·γ/σ in eval; gγ = Σ g·x̂; gβ = Σ g.
    """

    def forward(self, x, weight, bias, running_mean=None, running_var=None, training=False,
                momentum=0.1, eps=1e-5, relu=False):
        B = self.B
        self.training, self.relu = training, relu
        self.has = (weight is not None, bias is not None)
        if x.size == 0:  # an empty batch: an empty output, statistics untouched, zero gradients (as PyTorch)
            self.empty = True
            self.save_for_backward(x, weight, bias)
            return B.copy(x)
        self.empty = False
        if training:
            out, mean, invstd, var = B.batch_norm_train_forward(x, weight, bias, eps, relu)
            if running_mean is not None:
                count = x.size // x.shape[1]
                B.batch_norm_update_stats(running_mean, running_var, mean, var, momentum, count)
            grad_invstd = None
        else:
            out, mean, invstd, grad_invstd = B.batch_norm_eval_forward(x, running_mean, running_var, weight, bias,
                                                                       eps, relu)
        self.save_for_backward(x, mean, invstd, grad_invstd, weight, bias)
        return out

    def backward(self, g):
        if self.empty:
            B, (x, weight, bias) = self.B, self.saved
            zeros = [B.zeros(t.shape, t.dtype) for t in (x, weight, bias) if t is not None]
            return tuple(zeros)
        x, mean, invstd, grad_invstd, weight, bias = self.saved
        gx, gw, gb = self.B.batch_norm_backward(g, x, mean, invstd, weight, bias, self.training,
                                                self.relu, _needs(self), grad_invstd)
        return _given(self, gx, gw, gb)

    def composite(self, x, weight, bias, running_mean=None, running_var=None, training=False, momentum=0.1,
                  eps=1e-5, relu=False):
        """The same output as differentiable ops, for second derivatives (autograd_graph); the running
        statistics are read, not updated (the forward pass did that)."""
        from ..tensor import Tensor
        from .activation import relu as rectify
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        if training:
            dims = (0,) + tuple(range(2, x.ndim))
            mean = x.mean(dims, keepdim=True)
            var = ((x - mean) * (x - mean)).mean(dims, keepdim=True)
        else:
            mean, var = (Tensor._wrap(t, x.device).reshape(shape) for t in (running_mean, running_var))
        out = (x - mean) / (var + eps).sqrt()
        out = out if weight is None else out * weight.reshape(shape)
        out = out if bias is None else out + bias.reshape(shape)
        return rectify(out) if relu else out


def _check(name, input, running_mean, running_var, weight, bias, training):  # noqa: A002
    if input.ndim < 2:
        raise ValueError(f"{name}: expected an input of shape (N, C, ...), got shape {tuple(input.shape)}")
    channels = input.shape[1]
    for label, t in (("running_mean", running_mean), ("running_var", running_var),
                     ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"{name}: {label} should contain {channels} elements (the input's channels), "
                               f"got shape {tuple(t.shape)}")
    if (running_mean is None) != (running_var is None):
        raise RuntimeError(f"{name}: running_mean and running_var must be given together")
    if not training and running_mean is None:
        raise RuntimeError(f"{name}: running_mean must be defined in evaluation mode")
    if training and channels and input.numel() // channels == 1:  # (an empty batch passes, as in PyTorch)
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {Size(input.shape)}")


def _apply(name, input, running_mean, running_var, weight, bias, training, momentum, eps, relu):  # noqa: A002
    _check(name, input, running_mean, running_var, weight, bias, training)
    if not input.is_floating_point():
        raise TypeError(f"{name}: expected a floating-point input, got {input.dtype}")
    return BatchNorm.apply(input, weight, bias,
                           running_mean=None if running_mean is None else running_mean.array,
                           running_var=None if running_var is None else running_var.array,
                           training=bool(training), momentum=float(momentum), eps=float(eps), relu=relu)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """``torch.nn.functional.batch_norm`` over dim 1 of an (N, C, *) input.

    Training normalises with the batch mean and biased variance and, when running
    buffers are given, updates them in place: running ← (1 − momentum)·running +
    momentum·batch, with the unbiased variance, as PyTorch. Eval uses the running
    statistics.
    """
    return _apply("batch_norm", input, running_mean, running_var, weight, bias, training, momentum, eps, False)


def batch_norm_relu(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
                    momentum=0.1, eps=1e-5):
    """``relu(batch_norm(...))`` in one op: one pass less over the activation and no intermediate tensor.

    Same arguments and running-statistics update as ``batch_norm``.
    """
    return _apply("batch_norm_relu", input, running_mean, running_var, weight, bias, training, momentum, eps, True)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """``torch.nn.functional.instance_norm``: each (sample, channel) plane normalised by its own statistics, as
    PyTorch computes it: ``batch_norm`` of the input seen as one sample of N*C channels, the weight, bias and
    running statistics repeated N times; the running statistics then take the mean of the N updates."""
    from ..autograd import no_grad
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input with a batch, channels and spatial dims, got "
                         f"{input.ndim}D")
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    N, C = input.shape[:2]
    if input.numel() and input.numel() // (N * C) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    repeated = [None if t is None else t.repeat(N) for t in (running_mean, running_var, weight, bias)]
    out = batch_norm(input.reshape((1, N * C) + tuple(input.shape[2:])), repeated[0], repeated[1], repeated[2],
                     repeated[3], True, momentum, eps)
    with no_grad():
        for running, updated in zip((running_mean, running_var), repeated[:2]):
            if running is not None:
                running.copy_(updated.reshape(N, C).mean(0))
    return out.reshape(tuple(input.shape))


def _affine(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


class LayerNorm(Function):
    """PyTorch's native layer norm of a float32 or float64 input over its trailing ``count`` dims: the backend's
    row kernels, forward (output, per-row mean and rstd) and backward (the CPU's values are PyTorch's to the
    bit)."""

    def forward(self, x, weight, bias, count=1, eps=1e-5):
        self.has, self.count = (weight is not None, bias is not None), count
        size = math.prod(x.shape[x.ndim - count:])
        rows = x.reshape(-1, size) if size else x.reshape(0, 0)
        flat = [None if t is None else t.reshape(-1) for t in (weight, bias)]
        out, mean, rstd = self.B.layer_norm_forward(rows, flat[0], flat[1], eps)
        self.save_for_backward(rows, mean, rstd, flat[0])
        return out.reshape(x.shape)

    def backward(self, g):
        rows, mean, rstd, weight = self.saved
        gx, gw, gb = self.B.layer_norm_backward(g.reshape(rows.shape), rows, mean, rstd, weight, _needs(self))
        normalized = g.shape[g.ndim - self.count:]
        return _given(self, None if gx is None else gx.reshape(g.shape),
                      None if gw is None else gw.reshape(normalized), None if gb is None else gb.reshape(normalized))

    def composite(self, x, weight, bias, count=1, eps=1e-5):
        """The same output as differentiable ops, for second derivatives (autograd_graph)."""
        return _layer_norm_steps(x, weight, bias, tuple(x.shape[x.ndim - count:]), eps)


def _normalized_steps(input, dims, eps):  # noqa: A002
    """(x − mean) / sqrt(biased variance + eps) over ``dims``, as differentiable ops."""
    centred = input - input.mean(dims, keepdim=True)
    return centred * ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()


def _layer_norm_steps(input, weight, bias, shape, eps):  # noqa: A002
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    return _affine(_normalized_steps(input, dims, eps), weight, bias, shape)


def _in_kernel_dtype(input, *params):  # noqa: A002
    """Whether the norm kernels take these tensors: float32 ones, or float64 ones on the CPU (the CUDA kernels
    are float32 only), the parameters of the input's dtype."""
    dtypes = (np.float32, np.float64) if input.device.type == "cpu" else (np.float32,)
    return input.dtype in dtypes and all(t is None or t.dtype == input.dtype for t in params)


def _normalized_shape(input, normalized_shape):  # noqa: A002
    """``normalized_shape`` as a tuple, checked against the input's trailing dims with PyTorch's messages."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise RuntimeError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {list(shape)}")
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    return shape


@named_as("NativeLayerNormBackward0")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """``torch.nn.functional.layer_norm``: each sample normalised over its last ``len(normalized_shape)`` dims
    (mean and biased variance), then scaled and shifted elementwise. float32 and float64 inputs (with
    parameters of their dtype) take the backend's kernels, PyTorch's order of operations to the last bit on the
    CPU; other dtypes the composite of mean, variance and rsqrt."""
    shape = _normalized_shape(input, normalized_shape)
    for label, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {label} to be of same shape as normalized_shape, but got {label} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape)}")
    if _in_kernel_dtype(input, weight, bias) and input.numel():
        return LayerNorm.apply(input, weight, bias, count=len(shape), eps=float(eps))
    return _layer_norm_steps(input, weight, bias, shape, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """``torch.nn.functional.rms_norm``: each sample divided by the root mean square of its last
    ``len(normalized_shape)`` dims (eps added to the mean square: the dtype's epsilon by default, float32's for
    float16, which PyTorch computes in float32), then scaled."""
    shape = _normalized_shape(input, normalized_shape)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    reduced = input.dtype == np.float16
    # PyTorch computes a float16 input in float32 (its eps by default, and a given eps rounded to float16 first)
    computed = input.float() if reduced else input
    if eps is None:
        eps = float(np.finfo(computed.dtype).eps)
    elif reduced:
        eps = float(np.float16(eps))
    mean_square = computed.pow(2).mean(dims, keepdim=True)
    out = computed * named_node(mean_square.add(eps), "AddBackward1", mean_square).rsqrt()
    out = out if weight is None else out * weight
    return out.to(input.dtype) if reduced else out


class GroupNorm(Function):
    """PyTorch's native group norm of a float32 or float64 (N, C, *) input: the backend's block kernels, forward
    (output, per-block mean and rstd) and backward (the CPU's values are PyTorch's to the bit)."""

    def forward(self, x, weight, bias, groups=1, eps=1e-5):
        self.has, self.groups = (weight is not None, bias is not None), groups
        out, mean, rstd = self.B.group_norm_forward(x, weight, bias, groups, eps)
        self.save_for_backward(x, mean, rstd, weight)
        return out

    def backward(self, g):
        x, mean, rstd, weight = self.saved
        gx, gw, gb = self.B.group_norm_backward(g, x, mean, rstd, weight, self.groups, _needs(self))
        return _given(self, gx, gw, gb)

    def composite(self, x, weight, bias, groups=1, eps=1e-5):
        """The same output as differentiable ops, for second derivatives (autograd_graph)."""
        return _group_norm_steps(x, groups, weight, bias, eps)


def _group_norm_steps(input, num_groups, weight, bias, eps):  # noqa: A002
    N, C = input.shape[:2]
    out = _normalized_steps(input.reshape(N, num_groups, -1), -1, eps).reshape(tuple(input.shape))
    return _affine(out, weight, bias, (C,) + (1,) * (input.ndim - 2))


@named_as("NativeGroupNormBackward0")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """``torch.nn.functional.group_norm``: the channels of each sample split into ``num_groups`` groups, each
    normalised over its channels and positions, then a per-channel scale and shift. float32 and float64 inputs
    (with parameters of their dtype) take the backend's kernels, PyTorch's order of operations to the last bit
    on the CPU; other dtypes the composite of mean, variance and rsqrt."""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    N, C = input.shape[:2]
    # PyTorch's check: one value per group and sample is refused (counted its way: N * C // groups, the other dims)
    if (N * C // num_groups) * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{list((N * C // num_groups, num_groups) + tuple(input.shape[2:]))}")
    if _in_kernel_dtype(input, weight, bias) and input.numel() \
            and all(t is None or tuple(t.shape) == (C,) for t in (weight, bias)):
        return GroupNorm.apply(input, weight, bias, groups=int(num_groups), eps=float(eps))
    return _group_norm_steps(input, num_groups, weight, bias, eps)

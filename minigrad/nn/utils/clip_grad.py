"""Gradient clipping, as ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``."""
import math

import numpy as np

from ...autograd import no_grad
from ...creation import tensor as _tensor
from ...ops.complex_numbers import real_dtype
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _parameters(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _vector_norm(values, norm_type):
    """The ``norm_type`` norm of a float64 numpy array (inf: the largest magnitude)."""
    magnitudes = np.abs(values)
    if norm_type == math.inf:
        return magnitudes.max(initial=0.0)
    if norm_type == -math.inf:
        return magnitudes.min(initial=math.inf)
    if norm_type == 0:
        return float(np.count_nonzero(magnitudes))
    if norm_type == 1:
        return magnitudes.sum()
    if norm_type == 2:
        return math.sqrt(np.dot(magnitudes.ravel(), magnitudes.ravel()))
    return (magnitudes ** norm_type).sum() ** (1.0 / norm_type)


@no_grad()
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of ``tensors`` (the norm of all their values as one vector), as
    ``torch.nn.utils.get_total_norm``; a 0-d tensor of the tensors' promoted dtype."""
    tensors = [t for t in _parameters(tensors) if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return _tensor(0.0)
    # Each norm is summed in float64 and rounded to its tensor's dtype, as PyTorch's CPU reductions accumulate;
    # the total is the norm of those norms stacked, so in their promoted dtype.
    # (a complex tensor's norm is its magnitudes', real: float32 for complex64)
    real_dtypes = [real_dtype(t.dtype) for t in tensors]
    dtype = np.result_type(*real_dtypes)
    norms = np.array([np.float64(np.asarray(_vector_norm(np.abs(t.detach().cpu().numpy()).astype(np.float64),
                                                         norm_type), dtype=real))
                      for t, real in zip(tensors, real_dtypes)])
    total = np.asarray(_vector_norm(norms, norm_type), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return _tensor(total).to(tensors[0].device)


@no_grad()
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every gradient by max_norm / (total_norm + 1e-6) when that is below 1, in the gradients' dtype,
    as ``torch.nn.utils.clip_grads_with_norm_``."""
    grads = [p.grad for p in _parameters(parameters) if p.grad is not None]
    if not grads:
        return
    # the coefficient in the total norm's dtype, then applied to each gradient in its own
    dtype = np.dtype(total_norm.dtype).type if isinstance(total_norm, Tensor) else np.float64
    total = dtype(total_norm.item() if isinstance(total_norm, Tensor) else total_norm)
    coefficient = min(dtype(max_norm) / (total + dtype(1e-6)), dtype(1.0))
    with np.errstate(invalid="ignore"):  # an infinite gradient times 0 is NaN, silently, as in PyTorch
        for g in grads:
            g.mul_(float(coefficient))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients so that their total norm is at most ``max_norm``; returns the total norm before
    clipping, as ``torch.nn.utils.clip_grad_norm_`` (norm_type 2, 1, inf or any p > 0)."""
    parameters = _parameters(parameters)
    total = get_total_norm([p.grad for p in parameters if p.grad is not None], norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The deprecated name of ``clip_grad_norm_``."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@no_grad()
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient to [-clip_value, clip_value] in place, as ``torch.nn.utils.clip_grad_value_``."""
    clip_value = float(clip_value)
    for p in _parameters(parameters):
        if p.grad is not None:
            p.grad.clamp_(-clip_value, clip_value)

"""Regression losses, as ``torch.nn.functional``: MSE, L1, smooth L1 and Huber, a target of another size broadcast
against the input with PyTorch's warning, an elementwise ``weight`` where PyTorch takes one."""
import warnings

from ..autograd import named_node
from ..tensor import torch_type_name
from . import reduce as reductions
from .combine import broadcast_shapes
from .elementwise import abs, broadcast_mismatch, mul, sub, where  # noqa: A004
from .loss import _check_reduction, _reduce, legacy_reduction


def _broadcast_pair(input, target):  # noqa: A002
    """PyTorch's regression losses: a target of another size is broadcast against the input, with its warning."""
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                  f"This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                  f"same size.", UserWarning, stacklevel=3)
    mismatch = broadcast_mismatch(tuple(input.shape), tuple(target.shape))
    if mismatch is not None:
        raise RuntimeError(mismatch)
    shape = broadcast_shapes(tuple(input.shape), tuple(target.shape))
    return input.expand(*shape), target.expand(*shape)


def _reduce_weighted(losses, weight, reduction, input_shape, mean_over_weights=True):  # noqa: A002
    """PyTorch's weighted regression losses: ``weight`` of the input's size; 'mean' divides by its sum (MSE, L1)
    or by the number of elements (Huber)."""
    if weight is None:
        return _reduce(losses, reduction)
    if tuple(weight.shape) != tuple(input_shape):
        raise ValueError("Weights and input must have the same size.")
    losses = mul(losses, weight)
    if reduction == "mean" and mean_over_weights:
        return reductions.sum(losses) / reductions.sum(weight)
    return _reduce(losses, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """``torch.nn.functional.mse_loss``: (input - target)^2, reduced (a 'mean' with ``weight`` divides by its
    sum)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    shape = tuple(input.shape)
    input, target = _broadcast_pair(input, target)  # noqa: A001
    from .complex_numbers import refuse_complex
    for side in (input, target):
        refuse_complex(side, '"mse_cpu" not implemented for {!r}')
    diff = sub(input, target)
    if not diff.is_floating_point():
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{torch_type_name(diff.dtype)}'")
    return named_node(_reduce_weighted(mul(diff, diff), weight, reduction, shape), "MseLossBackward0", input, target)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """``torch.nn.functional.l1_loss``: |input - target|, reduced (a 'mean' with ``weight`` divides by its sum)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    shape = tuple(input.shape)
    input, target = _broadcast_pair(input, target)  # noqa: A001
    return _reduce_weighted(abs(sub(input, target)), weight, reduction, shape)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    """``torch.nn.functional.smooth_l1_loss``: 0.5·z²/beta where z = |input − target| < beta, else z − 0.5·beta
    (plain L1 when beta is 0)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    input, target = _broadcast_pair(input, target)  # noqa: A001
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    z = abs(sub(input, target))
    if beta == 0:
        return _reduce(z, reduction)
    return named_node(_reduce(where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction),
                      "SmoothL1LossBackward0", input, target)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """``torch.nn.functional.huber_loss``: 0.5·z² where z = |input − target| < delta, else delta·(z − 0.5·delta)
    (with ``weight``, 'mean' divides by the number of elements, as PyTorch)."""
    _check_reduction(reduction)
    shape = tuple(input.shape)
    input, target = _broadcast_pair(input, target)  # noqa: A001
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    z = abs(sub(input, target))
    losses = where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).to(input.dtype)  # PyTorch's is the input's
    return named_node(_reduce_weighted(losses, weight, reduction, shape, mean_over_weights=False),
                      "HuberLossBackward0", input, target)

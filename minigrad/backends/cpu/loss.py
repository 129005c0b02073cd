"""CPU: the softmax cross-entropy over (N, C, S) logits, and one-hot encoding (numpy).

PyTorch's cross_entropy is log_softmax over the classes, then nll_loss; its gradient is nll_loss's (the target's
weight times minus the upstream gradient, at the target only) through log_softmax's backward. These functions
take the same path with softmaxes.py's log_softmax, whose float32 passes round as PyTorch's: over the last dim
for (N, C) logits, over a middle dim for (N, C, d1, ...), so loss and gradient are PyTorch's to the last bit."""
import numpy as np

from .jit import kernel
from .softmaxes import log_softmax, log_softmax_backward
from .. import checks

__all__ = ["cross_entropy_forward", "cross_entropy_backward", "nll_totals", "one_hot", "check_class_targets"]


def _check_ce(op, x, target, weight, ignore_index):
    """Weight and the logits' class axis are indexed with the targets: check all of them first."""
    checks.ndim_is(op, "logits", x, 3)
    checks.shape_is(op, "target", target, (x.shape[0], x.shape[2]))
    checks.size_is(op, "weight", weight, x.shape[1])
    check_class_targets(target, x.shape[1], ignore_index, op=op)


def check_class_targets(target, n_class, ignore_index, op="cross_entropy"):
    """Raise if a class index lies outside [0, n_class) (ignore_index excepted), as PyTorch does."""
    valid = target[target != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_class):
        bad = valid[(valid < 0) | (valid >= n_class)][0]
        raise IndexError(f"Target {int(bad)} is out of bounds.")  # (PyTorch's words)


def _log_softmax_of_classes(x, classes_last):
    """log_softmax over the classes of logits (N, C, S), by PyTorch's kernel: over the last dim for (N, C)
    logits, over a middle dim otherwise."""
    if classes_last:
        return log_softmax(x.reshape(x.shape[0], x.shape[1]), 1).reshape(x.shape)
    return log_softmax(x, 1)


def cross_entropy_forward(x, target, weight, ignore_index, classes_last=False):
    """Per-pixel loss, what the backward pass needs (here the log-softmax of the logits) and target weight for
    logits (N, C, S) and targets (N, S), as PyTorch's cross_entropy with class weights and ignore_index before its
    reduction; ``classes_last``: the logits were (N, C) (S = 1), which PyTorch's log_softmax takes over its last
    dim. (Label smoothing is composed of ops in ``ops/loss.py``, as PyTorch composes it.)"""
    _check_ce("cross_entropy_forward", x, target, weight, ignore_index)
    x, weight = np.ascontiguousarray(x), weight.astype(x.dtype)
    ignored, target_weight, places = _targets(x, target, weight, ignore_index)
    log_p = _log_softmax_of_classes(x, classes_last and x.shape[2] == 1)
    loss = target_weight * -np.take(log_p, places)  # (nll_loss: -log_softmax at the target, weighted)
    if ignored.any():
        loss[ignored] = 0
    return loss, log_p, target_weight


def nll_totals(loss, target, target_weight, ignore_index):
    """The sums of the per-pixel losses and of their targets' weights (N, S), added as PyTorch's nll_loss adds
    them: in the pixels' order, ignored ones skipped, through its cascade of 8 partial sums each flushed into the
    next every 16 pixels (so the mean loss it prints is PyTorch's to the last bit where the losses are)."""
    checks.shape_is("nll_totals", "target", target, loss.shape)
    checks.shape_is("nll_totals", "target_weight", target_weight, loss.shape)
    loss_flat, weight_flat = np.ascontiguousarray(loss).reshape(-1), np.ascontiguousarray(target_weight).reshape(-1)
    ignored = np.ascontiguousarray(target == ignore_index).reshape(-1)
    level_power = max(4, (max(loss.size - 1, 1)).bit_length() // 8)  # (PyTorch's: max(4, CeilLog2(n) / 8))
    totals = _cascade_sums(loss_flat, weight_flat.astype(loss.dtype), ignored, level_power)
    return totals[0], totals[1]


@kernel()
def _cascade_sums(loss, weight, ignored, level_power):
    levels = 8
    loss_parts = np.zeros(levels, loss.dtype)
    weight_parts = np.zeros(levels, loss.dtype)
    level_mask = (1 << level_power) - 1
    for i in range(loss.size):
        if ignored[i]:
            continue
        loss_parts[0] += loss[i]
        weight_parts[0] += weight[i]
        for j in range(levels - 1):
            if i & (level_mask << (j * level_power)) != 0:
                break
            loss_parts[j + 1] += loss_parts[j]
            weight_parts[j + 1] += weight_parts[j]
            loss_parts[j] = 0
            weight_parts[j] = 0
    totals = np.zeros(2, loss.dtype)
    for j in range(levels):
        totals[0] += loss_parts[j]
        totals[1] += weight_parts[j]
    return totals


def cross_entropy_backward(x, target, weight, ignore_index, state, scale, classes_last=False):
    """d(loss)/d(logits) given the per-pixel upstream gradient ``scale`` (N, S) and the forward's ``state`` (its
    log-softmax of the logits): nll_loss's gradient (the target's weight times minus the upstream, at the target
    only) through log_softmax's backward, as PyTorch's autograd takes it (NaN at an ignored pixel whose logits hold
    a NaN or an infinity, as PyTorch's)."""
    _check_ce("cross_entropy_backward", x, target, weight, ignore_index)
    checks.shape_is("cross_entropy_backward", "state", state, x.shape)
    log_p = state
    checks.shape_is("cross_entropy_backward", "scale", scale, (x.shape[0], x.shape[2]))
    x, weight = np.ascontiguousarray(x), weight.astype(x.dtype)
    ignored, target_weight, places = _targets(x, target, weight, ignore_index)
    scale = np.asarray(scale, dtype=x.dtype)
    upstream = np.zeros(x.shape, x.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        at_target = target_weight * -scale
    np.put(upstream, places[~ignored], at_target[~ignored])
    if classes_last and x.shape[2] == 1:
        rows = (x.shape[0], x.shape[1])
        return log_softmax_backward(upstream.reshape(rows), log_p.reshape(rows), 1).reshape(x.shape)
    return log_softmax_backward(upstream, log_p, 1)


def _targets(x, target, weight, ignore_index):
    """For logits x (N, C, S): which pixels are ignored, each pixel's target weight (0 where ignored), and the place
    of its target logit in the flat logits (an ignored pixel's class taken as 0, so that it indexes in bounds; its
    results are zeroed). np.take at flat places: 2x faster than np.take_along_axis."""
    N, C, S = x.shape
    target = np.asarray(target, dtype=np.int64)
    ignored = target == ignore_index
    classes = np.where(ignored, 0, target)
    target_weight = np.where(ignored, x.dtype.type(0), weight[classes])
    return ignored, target_weight, (np.arange(N)[:, None] * C + classes) * S + np.arange(S)


def one_hot(target, num_classes, dtype):
    """(…) integer classes -> (…, num_classes) one-hot array."""
    return (target[..., None] == np.arange(num_classes)).astype(dtype)

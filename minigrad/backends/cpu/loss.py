"""CPU: the softmax cross-entropy over (N, C, S) logits, and one-hot encoding (numpy).

PyTorch's cross_entropy is log_softmax over the classes, then nll_loss; its gradient is nll_loss's (the target's
weight times minus the upstream gradient, at the target only) through log_softmax's backward. These functions
take the same path with softmaxes.py's log_softmax, whose float32 passes round as PyTorch's: over the last dim
for (N, C) logits, over a middle dim for (N, C, d1, ...), so loss and gradient are PyTorch's to the last bit."""
import numpy as np

from .jit import kernel
from .softmaxes import chunked_positions, log_softmax, log_softmax_backward, log_softmax_backward_at_targets
from .. import checks

__all__ = ["cross_entropy_forward", "cross_entropy_backward", "nll_totals", "one_hot", "check_class_targets"]


def _check_ce(op, x, target, weight):
    """The kernels index the logits and the weight with the targets, and check each target's bounds themselves
    (an out-of-bounds one is reported after the kernel, never read): check the shapes first."""
    checks.ndim_is(op, "logits", x, 3)
    checks.shape_is(op, "target", target, (x.shape[0], x.shape[2]))
    checks.size_is(op, "weight", weight, x.shape[1])


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
    _check_ce("cross_entropy_forward", x, target, weight)
    x, target = np.ascontiguousarray(x), np.ascontiguousarray(target, dtype=np.int64)
    log_p = _log_softmax_of_classes(x, classes_last and x.shape[2] == 1)
    loss, target_weight = np.empty(target.shape, x.dtype), np.empty(target.shape, x.dtype)
    out_of_bounds = np.zeros(x.shape[0], np.bool_)
    _picked_losses(log_p, target, np.ascontiguousarray(weight, dtype=x.dtype), ignore_index, loss, target_weight,
                   out_of_bounds)
    if out_of_bounds.any():
        check_class_targets(target, x.shape[1], ignore_index)  # (raises PyTorch's error for the first such target)
    return loss, log_p, target_weight


@kernel()
def _picked_losses(log_p, target, weight, ignore_index, loss, target_weight, out_of_bounds):
    """nll_loss of the log-softmax: -w[t]·log_p[t] at each pixel, 0 where the target is ignored; a target outside
    [0, C) marks its sample in ``out_of_bounds`` and is not read. (One thread: a read per pixel, and a parallel
    kernel would add half a second to the first run's compile.)"""
    N, C, S = log_p.shape
    zero = log_p.dtype.type(0)
    for n in range(N):
        for s in range(S):
            t = target[n, s]
            if t == ignore_index or t < 0 or t >= C:
                out_of_bounds[n] |= t != ignore_index
                loss[n, s], target_weight[n, s] = zero, zero
            else:
                target_weight[n, s] = weight[t]
                loss[n, s] = weight[t] * -log_p[n, t, s]


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
    _check_ce("cross_entropy_backward", x, target, weight)
    checks.shape_is("cross_entropy_backward", "state", state, x.shape)
    checks.shape_is("cross_entropy_backward", "scale", scale, (x.shape[0], x.shape[2]))
    log_p, target = np.ascontiguousarray(state), np.ascontiguousarray(target, dtype=np.int64)
    kept = (target != ignore_index) & (target >= 0) & (target < x.shape[1])
    classes = np.where(kept, target, 0)
    with np.errstate(invalid="ignore", over="ignore"):
        at_target = np.where(kept, np.asarray(weight, x.dtype)[classes] * -np.asarray(scale, x.dtype), x.dtype.type(0))
    rows = classes_last and x.shape[2] == 1
    if x.dtype == np.float32 and not rows:
        # (log_softmax's backward over the middle dim of an upstream that is at_target at the target and 0
        # elsewhere, whose sum over the classes is at_target exactly: one pass, no upstream array)
        out = np.empty(x.shape, x.dtype)
        log_softmax_backward_at_targets(log_p, classes, at_target, chunked_positions(*x.shape), out)
        return out
    upstream = np.zeros(x.shape, x.dtype)
    np.put_along_axis(upstream, classes[:, None, :], at_target[:, None, :], 1)
    if rows:  # ((N, C) logits: PyTorch's log_softmax over their last dim)
        return log_softmax_backward(upstream.reshape(x.shape[:2]), log_p.reshape(x.shape[:2]), 1).reshape(x.shape)
    return log_softmax_backward(upstream, log_p, 1)


def one_hot(target, num_classes, dtype):
    """(…) integer classes -> (…, num_classes) one-hot array."""
    return (target[..., None] == np.arange(num_classes)).astype(dtype)

"""CPU kernels: the fused softmax cross-entropy over (N, C, S) logits, and one-hot encoding."""
import numpy as np
from numba import njit

from .. import checks

__all__ = ["cross_entropy_forward", "cross_entropy_backward", "one_hot", "check_class_targets"]


# One thread: a loss over (N, C, S) logits is a small part of a step, and a parallel loop doubles the compile
# time of a first run.
@njit(cache=True)
def _ce_forward_kernel(x, target, weight, ignore_index, keep, spread, loss, lse, target_weight):
    n_batch, n_class, n_pix = x.shape
    for flat in range(n_batch * n_pix):
        n = flat // n_pix
        s = flat - n * n_pix
        t = target[n, s]
        peak = x[n, 0, s]
        for c in range(1, n_class):
            if x[n, c, s] > peak:
                peak = x[n, c, s]
        total = np.float32(0.0)
        for c in range(n_class):
            total += np.exp(x[n, c, s] - peak)
        log_norm = peak + np.log(total)
        lse[n, s] = log_norm
        if t == ignore_index:
            loss[n, s] = np.float32(0.0)
            target_weight[n, s] = np.float32(0.0)
            continue
        wt = weight[t]
        value = keep * wt * (log_norm - x[n, t, s])
        if spread > 0:
            smooth = np.float32(0.0)
            for c in range(n_class):
                smooth += weight[c] * (log_norm - x[n, c, s])
            value += spread * smooth
        loss[n, s] = value
        target_weight[n, s] = wt


@njit(cache=True)
def _ce_backward_kernel(x, target, weight, ignore_index, keep, spread, lse, scale, grad):
    n_batch, n_class, n_pix = x.shape
    weight_sum = np.float32(0.0)
    for c in range(n_class):
        weight_sum += weight[c]
    for flat in range(n_batch * n_pix):
        n = flat // n_pix
        s = flat - n * n_pix
        t = target[n, s]
        if t == ignore_index:
            for c in range(n_class):
                grad[n, c, s] = np.float32(0.0)
            continue
        g = scale[n, s]
        wt = weight[t]
        for c in range(n_class):
            p = np.exp(x[n, c, s] - lse[n, s])
            d = keep * wt * p + spread * (weight_sum * p - weight[c])
            if c == t:
                d -= keep * wt
            grad[n, c, s] = g * d


def _check_ce(op, x, target, weight, ignore_index):
    """The kernels index weight and the logits' class axis with the targets: check all of them first."""
    checks.ndim_is(op, "logits", x, 3)
    checks.shape_is(op, "target", target, (x.shape[0], x.shape[2]))
    checks.size_is(op, "weight", weight, x.shape[1])
    check_class_targets(target, x.shape[1], ignore_index, op=op)


def check_class_targets(target, n_class, ignore_index, op="cross_entropy"):
    """Raise if a class index lies outside [0, n_class) (ignore_index excepted), as PyTorch does."""
    valid = target[target != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_class):
        bad = valid[(valid < 0) | (valid >= n_class)][0]
        raise IndexError(f"{op}: Target {int(bad)} is out of bounds for {n_class} classes.")


def _smoothing_factors(smoothing, n_class, dtype):
    """(1 - ε, ε / C) formed in double precision, then rounded, as PyTorch forms them."""
    return dtype.type(1.0 - smoothing), dtype.type(smoothing / n_class)


def cross_entropy_forward(x, target, weight, ignore_index, smoothing):
    """Per-pixel loss, log-sum-exp and target weight for logits (N, C, S) and targets (N, S)."""
    _check_ce("cross_entropy_forward", x, target, weight, ignore_index)
    n, _, s = x.shape
    loss = np.empty((n, s), x.dtype)
    lse = np.empty((n, s), x.dtype)
    target_weight = np.empty((n, s), x.dtype)
    _ce_forward_kernel(np.ascontiguousarray(x), np.ascontiguousarray(target, dtype=np.int64),
                       weight.astype(x.dtype), np.int64(ignore_index),
                       *_smoothing_factors(smoothing, x.shape[1], x.dtype), loss, lse, target_weight)
    return loss, lse, target_weight


def cross_entropy_backward(x, target, weight, ignore_index, smoothing, lse, scale):
    """d(loss)/d(logits) given the per-pixel upstream gradient ``scale`` (N, S)."""
    _check_ce("cross_entropy_backward", x, target, weight, ignore_index)
    checks.shape_is("cross_entropy_backward", "lse", lse, (x.shape[0], x.shape[2]))
    checks.shape_is("cross_entropy_backward", "scale", scale, (x.shape[0], x.shape[2]))
    grad = np.empty(x.shape, x.dtype)
    _ce_backward_kernel(np.ascontiguousarray(x), np.ascontiguousarray(target, dtype=np.int64),
                        weight.astype(x.dtype), np.int64(ignore_index),
                        *_smoothing_factors(smoothing, x.shape[1], x.dtype), lse,
                        np.ascontiguousarray(scale, dtype=x.dtype), grad)
    return grad


def one_hot(target, num_classes, dtype):
    """(…) integer classes -> (…, num_classes) one-hot array."""
    return (target[..., None] == np.arange(num_classes)).astype(dtype)

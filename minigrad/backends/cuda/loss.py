"""CUDA kernels: the fused softmax cross-entropy over (N, C, S) logits, and one-hot encoding, mirroring
``backends/cpu/loss.py``.

One thread per pixel (n, s) walks the C classes: max, log-sum-exp, the loss;
backward, the C gradients. Neighbouring threads read neighbouring pixels.

``check_class_targets`` cannot raise at once without waiting for the GPU: a
kernel records the first out-of-range target, and the IndexError is raised at
the next host transfer (``.item()``, ``.numpy()``), as PyTorch's device-side
asserts are. Meanwhile such a pixel's loss is NaN and its gradient zero.
"""
import math

import numpy as np
from numba import cuda, float32

from ._runtime import F32, I64, defer_check, empty, flat, float32_only, grid, i64, kernel, on_device

__all__ = ["cross_entropy_forward", "cross_entropy_backward", "nll_totals", "one_hot", "check_class_targets"]


@kernel((F32, F32, F32, F32, I64, F32, i64, i64, i64))
def _ce_forward(loss, lse, target_weight, x, target, weight, ignore_index, C, S):
    i = cuda.grid(1)
    while i < loss.size:
        base = (i // S) * C * S + i % S
        t = target[i]
        peak = x[base]
        for c in range(1, C):
            if x[base + c * S] > peak:
                peak = x[base + c * S]
        total = float32(0)
        for c in range(C):
            total += math.exp(x[base + c * S] - peak)
        log_sum = math.log(total)
        lse[i] = peak + log_sum
        if t == ignore_index:
            loss[i] = float32(0)
            target_weight[i] = float32(0)
        elif t < 0 or t >= C:  # reported by check_class_targets at the next host transfer
            loss[i] = float32(math.nan)
            target_weight[i] = float32(0)
        else:
            wt = weight[t]
            loss[i] = wt * (log_sum - (x[base + t * S] - peak))
            target_weight[i] = wt
        i += cuda.gridsize(1)


@kernel((F32, F32, I64, F32, i64, F32, F32, i64, i64))
def _ce_backward(grad, x, target, weight, ignore_index, lse, scale, C, S):
    i = cuda.grid(1)
    while i < target.size:
        base = (i // S) * C * S + i % S
        t = target[i]
        if t == ignore_index or t < 0 or t >= C:
            for c in range(C):
                grad[base + c * S] = float32(0)
        else:
            g = scale[i]
            wt = weight[t]
            for c in range(C):
                p = math.exp(x[base + c * S] - lse[i])
                d = wt * p
                if c == t:
                    d -= wt
                grad[base + c * S] = g * d
        i += cuda.gridsize(1)


@kernel((I64, I64, i64, i64))
def _first_bad_target(first, target, n_class, ignore_index):
    """first[0] = the smallest position of a target outside [0, n_class) that is not ignore_index."""
    i = cuda.grid(1)
    while i < target.size:
        t = target[i]
        if t != ignore_index and (t < 0 or t >= n_class):
            cuda.atomic.min(first, 0, i)
        i += cuda.gridsize(1)


@kernel((I64, I64, i64))
def _one_hot(out, target, K):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = 1 if target[i // K] == i % K else 0
        i += cuda.gridsize(1)


def check_class_targets(target, n_class, ignore_index, op="cross_entropy"):
    """Flag a class index outside [0, n_class) (ignore_index excepted); the IndexError, as PyTorch's, comes at
    the next host transfer."""
    target = on_device(target, np.int64)
    if not target.size:
        return
    from .creation import full
    first = full((1,), target.size, np.int64)  # "none yet": past the last position (a fill, not a transfer)
    _first_bad_target[grid(target.size)](first, flat(target), int(n_class), int(ignore_index))

    def verdict(host_first, target=target):
        position = int(host_first[0])
        if position >= target.size:
            return None
        bad = int(flat(target)[position:position + 1].copy_to_host()[0])
        return IndexError(f"Target {bad} is out of bounds.")  # (PyTorch's words)
    defer_check(first, verdict)


def cross_entropy_forward(x, target, weight, ignore_index, classes_last=False):
    """Per-pixel loss, the backward's state (here each position's log-sum-exp) and target weight for logits
    (N, C, S) and targets (N, S) (``classes_last``, which the CPU's rounding follows, changes nothing here)."""
    x, weight = float32_only("cross_entropy", x, weight)
    target = on_device(target, np.int64)
    n, c, s = x.shape
    loss, lse, target_weight = (empty((n, s), np.float32) for _ in range(3))
    if loss.size:
        _ce_forward[grid(loss.size)](flat(loss), flat(lse), flat(target_weight), flat(x), flat(target), weight,
                                     int(ignore_index), c, s)
    return loss, lse, target_weight


def nll_totals(loss, target, target_weight, ignore_index):
    """The sums of the per-pixel losses and of their targets' weights (the CPU adds them in PyTorch's order;
    here a tree reduction)."""
    from .reduce import sum as reduce_sum
    return reduce_sum(loss), reduce_sum(target_weight)


def cross_entropy_backward(x, target, weight, ignore_index, state, scale, classes_last=False):
    """d(loss)/d(logits) given the per-pixel upstream gradient ``scale`` (N, S) and the forward's ``state`` (here
    each position's log-sum-exp)."""
    x, weight, lse, scale = float32_only("cross_entropy", x, weight, state, scale)
    target = on_device(target, np.int64)
    n, c, s = x.shape
    grad = empty(tuple(x.shape), np.float32)
    if target.size:
        _ce_backward[grid(target.size)](flat(grad), flat(x), flat(target), weight, int(ignore_index),
                                        flat(lse), flat(scale), c, s)
    return grad


def one_hot(target, num_classes, dtype):
    """(...) integer classes -> (..., num_classes) one-hot array."""
    target = on_device(target, np.int64)
    out = empty(tuple(target.shape) + (int(num_classes),), np.int64)
    if out.size:
        _one_hot[grid(out.size)](flat(out), flat(target), int(num_classes))
    if np.dtype(dtype) != np.int64:
        from .creation import astype
        out = astype(out, dtype)
    return out

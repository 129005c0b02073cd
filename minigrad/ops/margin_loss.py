"""Margin and likelihood losses, as ``torch.nn.functional``'s, written with differentiable ops:
soft_margin_loss, multilabel_soft_margin_loss, hinge_embedding_loss, multi_margin_loss, multilabel_margin_loss,
poisson_nll_loss, gaussian_nll_loss. Each takes ``reduction`` ('mean', 'sum' or 'none') as PyTorch's."""
import math

import numpy as np

from ..creation import tensor
from .activation import logsigmoid
from .compare import where
from .elementwise import exp, log, log1p
from .loss import _check_reduction, _reduce, legacy_reduction
from .rearrange import gather

__all__ = ["soft_margin_loss", "multilabel_soft_margin_loss", "hinge_embedding_loss", "multi_margin_loss",
           "multilabel_margin_loss", "poisson_nll_loss", "gaussian_nll_loss"]


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """``F.soft_margin_loss``: log(1 + exp(-target * input)) for targets of +-1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _reduce(log1p(exp(-input * target)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    """``F.multilabel_soft_margin_loss``: the binary cross-entropy of each class's logit, averaged over the
    classes (the last dim), optionally weighted by class."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, terse=True)
    losses = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        losses = losses * weight
    class_dim = input.ndim - 1
    return _reduce(losses.sum(class_dim) / input.shape[class_dim], reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """``F.hinge_embedding_loss``: input where target is 1, max(0, margin - input) where it is -1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    below_margin = where(target != 1, (margin - input).clamp(min=0), 0.0)
    itself = where(target != -1, input, 0.0)
    return _reduce(below_margin + itself, reduction)


def _class_indices(name, input, target):  # noqa: A002
    if input.ndim not in (1, 2) or target.ndim != input.ndim - 1:
        raise RuntimeError(f"{name}: expected input of 1 or 2 dims and a target of one dim fewer, got "
                           f"{list(input.shape)} and {list(target.shape)}")
    classes = input.shape[-1]
    values = target.cpu().numpy()
    if values.size and (values.min() < 0 or values.max() >= classes):
        raise IndexError(f"{name}: target out of bounds: a class index outside [0, {classes})")
    return input.reshape(-1, classes), target.reshape(-1), classes


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    """``F.multi_margin_loss``: for each sample, the sum over the other classes j of
    max(0, margin - x[y] + x[j])^p (times weight[y]), divided by the number of classes."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    scores, labels, classes = _class_indices("multi_margin_loss", input, target)
    own = gather(scores, 1, labels.unsqueeze(1))
    terms = (margin - own + scores).clamp(min=0)
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * weight[labels].unsqueeze(1)
    one_hot = tensor(np.arange(classes) == labels.cpu().numpy()[:, None], device=input.device)
    losses = where(one_hot, 0.0, terms).sum(1) / classes
    return _reduce(losses.reshape(tuple(target.shape)), reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """``F.multilabel_margin_loss``: each sample's target lists class indices up to the first -1; the loss sums
    max(0, 1 - (x[j] - x[k])) over listed classes j and unlisted k, divided by the number of classes."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    classes = input.shape[-1]
    scores = input.reshape(-1, classes)
    listed = target.cpu().numpy().reshape(-1, classes)
    counts = np.zeros((listed.shape[0], classes), dtype=np.int64)  # how often each class is listed
    for row, labels in enumerate(listed):
        end = np.flatnonzero(labels < 0)
        labels = labels[:end[0] if end.size else classes]
        if labels.size and (labels.max() >= classes):
            raise IndexError("multilabel_margin_loss: target out of bounds")
        np.add.at(counts[row], labels, 1)
    is_target = counts > 0
    pairs = counts[:, :, None] * ~is_target[:, None, :]  # (sample, listed j, unlisted k)
    hinge = (1 - scores.unsqueeze(2) + scores.unsqueeze(1)).clamp(min=0)
    losses = (hinge * tensor(pairs.astype(np.dtype(input.dtype)), device=input.device)).sum((1, 2)) / classes
    return _reduce(losses.reshape(tuple(input.shape[:-1])), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,  # noqa: A002
                     reduce=None, reduction="mean"):
    """``F.poisson_nll_loss``: exp(input) - target * input (log_input), or input - target * log(input + eps);
    with ``full``, Stirling's approximation of log(target!) added where target > 1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    losses = exp(input) - target * input if log_input else input - target * log(input + eps)
    if full:
        # on the raw target, as PyTorch: where target <= 1 the unused term's gradient can still be NaN
        stirling = target * log(target) - target + 0.5 * log(2 * math.pi * target)
        losses = losses + where(target > 1, stirling, 0.0)
    return _reduce(losses, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """``F.gaussian_nll_loss``: 0.5 (log(var) + (input - target)^2 / var) (+ 0.5 log(2 pi) with ``full``); var is
    clamped below at eps for the value only (its gradient passes as if unclamped, as PyTorch's)."""
    _check_reduction(reduction, terse=True)
    if isinstance(var, (int, float)):
        var = input.new_full((), float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1) and var.ndim != 0:
            raise ValueError("var is of incorrect size")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var + (var.clamp(min=eps) - var).detach()
    losses = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _reduce(losses, reduction)

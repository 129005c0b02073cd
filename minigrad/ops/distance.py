"""Similarities, distances and the losses built on them, as ``torch.nn.functional``'s: cosine_similarity,
pairwise_distance, cdist (``torch.cdist``), kl_div, margin_ranking_loss, triplet_margin_loss,
cosine_embedding_loss. Each is written with PyTorch's formula (its eps in the same place) from differentiable
ops, so its gradient is theirs."""
import warnings

import numpy as np

from .compare import where
from .loss import _check_reduction, _reduce, legacy_reduction
from .vector_norm import norm

__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "cdist", "kl_div", "margin_ranking_loss",
           "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "cosine_embedding_loss"]


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``torch.nn.functional.cosine_similarity``: sum(x1/max(||x1||, eps) * x2/max(||x2||, eps)) along ``dim``
    of the broadcast inputs."""
    shape = tuple(np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape)))
    x1, x2 = x1.expand(shape), x2.expand(shape)
    unit1 = x1 / _at_least(norm(x1, 2, dim, keepdim=True), eps)
    unit2 = x2 / _at_least(norm(x2, 2, dim, keepdim=True), eps)
    return (unit1 * unit2).sum(dim)


def _at_least(length, eps):
    """max(length, eps) whose gradient is length's own, as PyTorch clamps the norms (in place, without
    recording it): a norm below eps still passes its derivative x / ||x||."""
    return length + (length.clamp(min=eps) - length).detach()


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``torch.nn.functional.pairwise_distance``: ||x1 - x2 + eps||_p along the last dim."""
    return norm(x1 - x2 + eps, p, -1, keepdim=keepdim)


def pdist(input, p=2):  # noqa: A002
    """``torch.nn.functional.pdist``: the p-norm distances between the rows of a 2-D input, for each pair i < j in
    row order (the upper triangle of cdist(input, input), flattened)."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    from ..creation import triu_indices
    first, second = triu_indices(input.shape[0], input.shape[0], 1, device=input.device)
    return norm(input[first] - input[second], p, -1)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """``torch.cdist``: the p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M),
    computed from the differences (PyTorch takes a matrix-product shortcut for p = 2 on more than 25 rows, which
    rounds differently); the gradient at a zero distance is zero, as PyTorch's."""
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist only supports at least 2D tensors with the same last dim, got {list(x1.shape)} "
                           f"and {list(x2.shape)}")
    return norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """``torch.nn.functional.kl_div``: target * (log target - input) for log-probabilities ``input`` (0 where
    target is 0), or exp(target) * (target - input) with ``log_target``; 'batchmean' divides the sum by the batch
    size, 'mean' by the number of elements."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if log_target:
        losses = target.exp() * (target - input)
    else:
        safe = where(target > 0, target, 1.0)  # xlogy: 0 * log 0 is 0
        losses = where(target > 0, target * safe.log(), 0.0) - target * input
    if reduction == "batchmean":
        return losses.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(losses, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,  # noqa: A002
                        reduction="mean"):
    """``torch.nn.functional.margin_ranking_loss``: max(0, -target * (input1 - input2) + margin)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """``torch.nn.functional.triplet_margin_loss``: max(d(a, p) - d(a, n) + margin, 0), d the pairwise distance
    (with ``swap``, d(a, n) is the smaller of it and d(p, n))."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = to_negative.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + to_positive - to_negative).clamp(min=0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """``F.triplet_margin_with_distance_loss``: max(d(a, p) - d(a, n) + margin, 0) with any distance function
    (``pairwise_distance`` by default); with ``swap``, d(a, n) is min(d(a, n), d(p, n))."""
    _check_reduction(reduction)
    distance = distance_function if distance_function is not None else pairwise_distance
    to_positive, to_negative = distance(anchor, positive), distance(anchor, negative)
    if swap:
        from .elementwise import minimum
        to_negative = minimum(to_negative, distance(positive, negative))
    return _reduce((to_positive - to_negative + margin).clamp(min=0), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,  # noqa: A002
                          reduction="mean"):
    """``torch.nn.functional.cosine_embedding_loss``: 1 - cos(x1, x2) where target is 1, max(0, cos - margin)
    where it is -1, cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)) along the last dim, as PyTorch's."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    dims = input1.ndim - 1
    products = (input1 * input2).sum(dims)
    cosine = products / (((input1 * input1).sum(dims) + 1e-12) * ((input2 * input2).sum(dims) + 1e-12)).sqrt()
    losses = where(target == 1, 1 - cosine, where(target == -1, (cosine - margin).clamp(min=0), 0.0))
    return _reduce(losses, reduction)

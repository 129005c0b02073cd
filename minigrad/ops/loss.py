"""Losses over classes, as ``torch.nn.functional``: cross_entropy (one log-sum-exp pass per direction), nll_loss,
Dice; the binary cross-entropies are in ``binary_cross_entropy.py``, MSE, L1, smooth L1 and Huber in
``regression_loss.py``."""
import warnings

import numpy as np

from ..autograd import Function, named_node
from ..tensor import Tensor, int64, torch_type_name
from . import activation, reduce as reductions
from .elementwise import mul

__all__ = ["cross_entropy", "linear_cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss",
           "l1_loss", "smooth_l1_loss", "huber_loss", "dice_loss", "one_hot"]

_REDUCTIONS = ("mean", "sum", "none")


def legacy_reduction(size_average, reduce, reduction):
    """The reduction PyTorch derives from the deprecated ``size_average``/``reduce`` flags (each True when not
    given) when either is given, else ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    derived = "none" if reduce is False else "sum" if size_average is False else "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{derived}' instead.",
                  UserWarning, stacklevel=3)
    return derived


def _check_reduction(reduction, terse=False):
    """PyTorch's ValueError for a reduction other than 'mean', 'sum' or 'none' (``terse``: the shorter words of
    multilabel_soft_margin_loss and gaussian_nll_loss)."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not valid" if terse else f"{reduction} is not a valid value for reduction")


def _check_class_weight(input, weight, classes):  # noqa: A002
    """A class weight of cross_entropy / nll_loss with class indices: one per class, of the input's dtype."""
    if weight is None:
        return
    if weight.ndim != 1 or weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {torch_type_name(input.dtype)} but found "
                           f"{torch_type_name(weight.dtype)}")


class CrossEntropy(Function):
    """Softmax + negative log-likelihood in one pass over (N, C, S) logits, with class weights and ignore_index
    (label smoothing: ``_cross_entropy_smoothed``)."""

    def forward(self, x, target, weight, ignore_index, reduction, classes_last=False):
        B = self.B
        # (``state``: what the backend's backward reads, its own choice: the CPU keeps the log-softmax, the GPU
        # the log-sum-exp)
        loss, state, target_weight = B.cross_entropy_forward(x, target, weight, ignore_index, classes_last)
        self.save_for_backward(x, target, weight, state)
        self.ignore_index, self.reduction, self.classes_last = ignore_index, reduction, classes_last
        if reduction == "none":
            return loss
        total, weight_total = B.nll_totals(loss, target, target_weight, ignore_index)  # (nll_loss's order)
        if reduction == "sum":
            return total
        # PyTorch divides the weighted sum by the total weight of the non-ignored targets.
        self.denominator = weight_total
        return B.div(total, self.denominator)

    def backward(self, g):
        B = self.B
        x, target, weight, state = self.saved
        if self.reduction == "none":
            scale = g
        else:
            per_pixel = g if self.reduction == "sum" else B.div(g, self.denominator)
            scale = B.full(target.shape, 0.0, x.dtype)
            scale = B.add(scale, per_pixel)
        return B.cross_entropy_backward(x, target, weight, self.ignore_index, state, scale, self.classes_last)

    def composite(self, x, target, weight, ignore_index, reduction, classes_last=False):
        """The same loss as differentiable ops, for second derivatives (autograd_graph): log_softmax, then
        ``NllLoss``."""
        return NllLoss.apply(x.log_softmax(1), target, weight, ignore_index=ignore_index, reduction=reduction)


class NllLoss(Function):
    """PyTorch's nll_loss over log-probabilities (N, C, S): -w[t]·input[t] at each position, 0 where the target is
    ignored; 'sum' and 'mean' add the positions in PyTorch's order (``nll_totals``), 'mean' dividing by the total
    weight of the targets kept. Its gradient is -w[t]·g (g / total weight for 'mean') at the target, 0 elsewhere."""

    def forward(self, log_p, target, weight, ignore_index, reduction):
        B = self.B
        ignored = B.equal(target, B.scalar(ignore_index, target.dtype))
        classes = B.where(ignored, B.scalar(0, target.dtype), target)
        places = classes.reshape(classes.shape[0], 1, classes.shape[1])
        zero = B.scalar(0, log_p.dtype)
        target_weight = B.where(ignored, zero, B.take_along_axis(weight, classes.reshape(-1), 0).reshape(
            classes.shape))
        picked = B.take_along_axis(log_p, places, 1).reshape(classes.shape)
        loss = B.where(ignored, zero, B.mul(B.neg(picked), target_weight))
        self.save_for_backward(ignored, places, target_weight)
        self.shape, self.reduction = log_p.shape, reduction
        if reduction == "none":
            return loss
        total, weight_total = B.nll_totals(loss, target, target_weight, ignore_index)
        if reduction == "sum":
            return total
        self.denominator = weight_total
        return B.div(total, weight_total)

    def backward(self, g):
        B = self.B
        ignored, places, target_weight = self.saved
        if self.reduction == "mean":
            g = B.div(g, self.denominator)
        at_target = B.mul(B.neg(B.add(B.full(target_weight.shape, 0.0, target_weight.dtype), g)), target_weight)
        at_target = B.where(ignored, B.scalar(0, at_target.dtype), at_target)
        return B.scatter_along_axis(at_target.reshape(places.shape), places, 1, self.shape)

    def composite(self, log_p, target, weight, ignore_index, reduction):
        """The same loss as differentiable ops, for second derivatives (autograd_graph)."""
        from ..creation import arange
        classes = log_p.shape[1]
        labels = Tensor._wrap(target, log_p.device)
        kept = labels != ignore_index
        picked = (arange(classes, device=log_p.device).reshape(1, classes, 1) ==
                  labels.clamp(0, classes - 1).unsqueeze(1)).to(log_p.dtype)
        weighted = picked * Tensor._wrap(weight, log_p.device).reshape(1, classes, 1) * kept.unsqueeze(1).to(
            log_p.dtype)
        loss = -(log_p * weighted).sum(1)
        if reduction == "none":
            return loss
        return loss.sum() if reduction == "sum" else loss.sum() / weighted.sum()


def _check_target_dtype(target):
    """PyTorch's class-index targets: int64 or uint8."""
    if target.dtype not in (np.dtype("int64"), np.dtype("uint8")):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_type_name(target.dtype)}")


def _check_class_target(name, input, target):  # noqa: A002
    """The target shape (N, d1, ...) that logits (N, C, d1, ...) need; raises naming both shapes otherwise."""
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        if target.ndim == 0 or target.shape[0] != input.shape[0]:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                             f"({target.shape[0] if target.ndim else 0}).")
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    return expected


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """``torch.nn.functional.cross_entropy``: logits (N, C) or (N, C, d1, ...) against class indices (N) or
    (N, d1, ...), or against class probabilities of the logits' shape; optional class ``weight``,
    ``ignore_index`` (indices only), ``label_smoothing``. Stable for logits of any size (log-sum-exp)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim < 1 or not input.is_floating_point():
        raise NotImplementedError(f"cross_entropy: expects floating point logits, got {input.dtype} (as PyTorch, "
                                  f"whose log_softmax is not implemented for integer tensors)")
    if target.is_floating_point():
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing)
    _check_target_dtype(target)
    if label_smoothing > 0:
        return _cross_entropy_smoothed(input, target, weight, ignore_index, reduction, label_smoothing)
    if input.ndim == 1:  # unbatched: logits (C,), target ()
        return cross_entropy(input.unsqueeze(0), target.unsqueeze(0), weight, ignore_index=ignore_index,
                             reduction=reduction, label_smoothing=label_smoothing).reshape(())
    n, c = input.shape[0], input.shape[1]
    expected = _check_class_target("cross_entropy", input, target)
    _check_class_weight(input, weight, c)
    B = input.backend
    B.check_class_targets(target.array, c, ignore_index, "cross_entropy")
    weights = weight.array if weight is not None else B.full((c,), 1.0, input.dtype)
    pixels = 1
    for s in input.shape[2:]:
        pixels *= s
    out = CrossEntropy.apply(input.reshape(n, c, pixels), target.reshape(n, pixels).array, weights,
                             ignore_index=int(ignore_index), reduction=reduction, classes_last=input.ndim == 2)
    return out.reshape(expected) if reduction == "none" else out


def _cross_entropy_smoothed(input, target, weight, ignore_index, reduction, label_smoothing):  # noqa: A002
    """Cross entropy against class indices with label smoothing, composed as PyTorch composes it (so that its loss
    and gradient round as PyTorch's): (1 - ε)·nll_loss(log_softmax(x)) + ε/C · the smoothing term, that term being
    -Σ_c w_c·log_softmax(x)_c per position, 0 where the target is ignored, then summed ('sum'), or summed and
    divided by the number (the total weight, with ``weight``) of the targets kept ('mean')."""
    class_dim = 0 if input.ndim == 1 else 1
    log_p = activation.log_softmax(input, class_dim)
    nll = nll_loss(log_p, target, weight, ignore_index=ignore_index, reduction=reduction)
    classes = input.shape[class_dim]
    if weight is not None:
        shape = [1] * input.ndim
        shape[class_dim] = classes
        smooth = -reductions.sum(log_p * weight.reshape(tuple(shape)), class_dim)
    else:
        smooth = -reductions.sum(log_p, class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        kept = weight.gather(0, target.masked_select(~ignored).flatten()) if weight is not None else ~ignored
        smooth = smooth.sum() / kept.sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing):  # noqa: A002
    """PyTorch's cross entropy against class probabilities: -sum_c weight_c target_c log_softmax(input)_c per
    element; 'mean' divides by the number of elements (N·d1·...), not by the weights."""
    if tuple(target.shape) != tuple(input.shape):  # (PyTorch then reads them as class indices, and refuses them)
        if target.ndim == input.ndim:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_type_name(target.dtype)}")
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    class_axis = 1 if input.ndim > 1 else 0
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = mul(activation.log_softmax(input, class_axis), target)
    if weight is not None:
        if weight.ndim != 1 or weight.numel() != classes:
            raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or "
                               f"no classes but got weight tensor of shape: {list(weight.shape)}")
        terms = mul(terms, weight.reshape((classes,) + (1,) * (input.ndim - class_axis - 1)))
    losses = -reductions.sum(terms, class_axis)
    return _reduce(losses, reduction)


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",  # noqa: A002
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``torch.nn.functional.linear_cross_entropy``: cross_entropy(linear(input, linear_weight, linear_bias),
    target, ...), linear_weight (C, *out_features, in_features) giving a K-dimensional loss over logits
    (N, C, *out_features), with PyTorch's checks. PyTorch's ``options`` choose a chunked computation that never
    holds every logit at once; minigrad computes the logits whole, with the same values and gradients."""
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batch, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if options is not None and (out_features or reduction not in ("mean", "sum", "none") or label_smoothing != 0.0
                                or target.dtype != np.int64):
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
                      "{'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, out_features == (). Got "
                      f"reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype="
                      f"torch.{np.dtype(target.dtype).name}, out_features={out_features}, tracing=False, "
                      f"linear_bias.shape={tuple(linear_bias.shape) if linear_bias is not None else None}.",
                      stacklevel=2)
    flat = linear_weight.reshape(-1, in_features)
    logits = input @ flat.transpose(0, 1)
    logits = (logits if linear_bias is None else logits + linear_bias.reshape(-1)).reshape(*logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index, label_smoothing=label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """``torch.nn.functional.nll_loss``: -input[target] (input holds log-probabilities), weighted mean."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input.ndim < 1 or target.is_floating_point():
        raise TypeError(f"nll_loss: expects float log-probabilities and integer class-index targets "
                        f"(got {input.dtype} input and {target.dtype} targets)")
    _check_target_dtype(target)
    target = target.long()
    if input.ndim == 1:  # unbatched: log-probabilities (C,), target ()
        return nll_loss(input.unsqueeze(0), target.unsqueeze(0), weight, ignore_index=ignore_index,
                        reduction=reduction).reshape(())
    c = input.shape[1]
    expected = _check_class_target("nll_loss", input, target)
    _check_class_weight(input, weight, c)
    B = input.backend
    B.check_class_targets(target.array, c, ignore_index, "nll_loss")
    weights = weight.array if weight is not None else B.full((c,), 1.0, input.dtype)
    n, positions = input.shape[0], int(np.prod(input.shape[2:], dtype=np.int64))
    out = NllLoss.apply(input.reshape(n, c, positions), target.reshape(n, positions).array, weights,
                        ignore_index=int(ignore_index), reduction=reduction)
    # (PyTorch's node: nll_loss2d's for 4-d input, and for other shapes of 3 or more dims when reduced; a view of
    # nll_loss2d's result for those others unreduced)
    name = "NllLossBackward0" if input.ndim <= 2 else "NllLoss2DBackward0"
    if reduction != "none":
        return named_node(out, name)
    viewed = out.reshape(expected)
    return viewed if input.ndim == 3 or input.ndim > 4 else named_node(viewed, name)


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def one_hot(tensor, num_classes=-1):
    """``torch.nn.functional.one_hot``: integer classes (…) -> int64 (…, num_classes)."""
    if tensor.dtype != int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes < 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        low, high = int(tensor.min().item()), int(tensor.max().item())
        if low < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes < 0:
            num_classes = high + 1
        elif high >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap(tensor.backend.one_hot(tensor.array, num_classes, int64), tensor.device)


def dice_loss(input, target, smooth=1.0, ignore_background=False):  # noqa: A002
    """Soft multi-class Dice loss for segmentation (no PyTorch equivalent).

    ``input``: logits (N, C, H, W); ``target``: class ids (N, H, W). With p = softmax(input, 1) and t the
    one-hot target, per class k: dice_k = (2 Σ p_k t_k + smooth) / (Σ p_k + Σ t_k + smooth), sums over the
    batch and pixels; the loss is 1 - mean_k dice_k (classes 1.. only when ``ignore_background``).
    """
    if input.ndim < 2 or tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
        raise ValueError(f"dice_loss: logits {tuple(input.shape)} need targets of shape "
                         f"{(input.shape[0],) + tuple(input.shape[2:])}, got {tuple(target.shape)}")
    c = input.shape[1]
    probs = activation.softmax(input, 1)
    hot = one_hot(target.long(), c).to(input.dtype)
    hot = hot.permute(0, hot.ndim - 1, *range(1, hot.ndim - 1))
    axes = (0,) + tuple(range(2, input.ndim))
    intersection = reductions.sum(probs * hot, axes)
    cardinality = reductions.sum(probs, axes) + reductions.sum(hot, axes)
    dice = (2 * intersection + smooth) / (cardinality + smooth)
    if ignore_background:
        dice = dice[1:]
    return 1 - dice.mean()


METHODS = {}


from .binary_cross_entropy import binary_cross_entropy, binary_cross_entropy_with_logits  # noqa: E402,F401
from .regression_loss import huber_loss, l1_loss, mse_loss, smooth_l1_loss  # noqa: E402,F401

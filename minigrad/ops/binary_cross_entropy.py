"""Binary cross-entropy, as ``torch.nn.functional``'s: ``binary_cross_entropy`` on probabilities (each log clamped
at -100) and ``binary_cross_entropy_with_logits`` on logits (through log_sigmoid, finite for any finite logit),
each an op with PyTorch's forward and backward formulas."""
import numpy as np

from ..autograd import Function, is_grad_enabled, named_node
from ..tensor import Tensor, bool_, torch_type_name
from .activation import logsigmoid
from .dtypes import promote_types
from .loss import _check_reduction, _reduce, legacy_reduction

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits"]


class BinaryCrossEntropy(Function):
    """Per element -(t·log x + (1 − t)·log(1 − x)) with each log clamped at -100, and PyTorch's gradients:
    g·(x − t) / max(x·(1 − x), 1e-12) for x, −g·logit(x) for t."""

    def forward(self, x, t):
        B = self.B
        floor = B.scalar(-100, x.dtype)
        with np.errstate(divide="ignore"):  # log(0) = -inf is expected here: clamped to -100 below
            log_x = B.maximum(B.log(x), floor)
            log_rest = B.maximum(B.log1p(B.neg(x)), floor)
        self.save_for_backward(x, t)
        return B.sub(B.mul(B.sub(t, B.scalar(1, x.dtype)), log_rest), B.mul(t, log_x))

    def backward(self, g):
        B = self.B
        x, t = self.saved
        one = B.scalar(1, x.dtype)
        spread = B.maximum(B.mul(B.sub(one, x), x), B.scalar(1e-12, x.dtype))
        grad_x = B.div(B.mul(g, B.sub(x, t)), spread) if self.needs_input_grad[0] else None
        grad_t = None
        if len(self.needs_input_grad) > 1 and self.needs_input_grad[1]:
            with np.errstate(divide="ignore"):  # logit(0) = -inf, logit(1) = inf, as PyTorch's
                grad_t = B.mul(B.neg(B.log(B.div(x, B.sub(one, x)))), g)
        return grad_x, grad_t


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """``torch.nn.functional.binary_cross_entropy`` on probabilities in [0, 1], each log clamped at -100 as
    PyTorch's, with an optional ``weight`` broadcast over the elements."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {torch_type_name(target.dtype)} but expected {torch_type_name(input.dtype)}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"binary_cross_entropy\" not implemented for '{torch_type_name(input.dtype)}'")
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if target.numel() and bool(((target < 0) | (target > 1)).any()):
        raise RuntimeError("all elements of target should be between 0 and 1")
    losses = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        losses = losses * weight.to(input.dtype)
    return named_node(_reduce(losses, reduction), "BinaryCrossEntropyBackward0", input, target)


def _log_sigmoid(B, x):
    """log(sigmoid(x)) as min(x, 0) - log1p(exp(-|x|)): finite for any finite x (F.logsigmoid's formula)."""
    return B.sub(B.minimum(x, B.scalar(0, x.dtype)), B.log1p(B.exp(B.neg(B.abs(x)))))


class BinaryCrossEntropyWithLogits(Function):
    """PyTorch's formulas, reduction included (so that the gradient's roundings are its own): per element
    ((1 - t) x - p log_sigmoid(x)) w with p = (pos_weight - 1) t + 1; the input's gradient (sigmoid(x) - t), or
    ((pos_weight t + 1 - t) sigmoid(x) - pos_weight t), times g and w (over the count for 'mean'); the
    target's -x, or log_sigmoid(-x) - pos_weight log_sigmoid(x), likewise."""

    def forward(self, x, t, weight, pos_weight, reduction):
        B, one = self.B, self.B.scalar(1, x.dtype)
        self.save_for_backward(x, t, weight, pos_weight)
        self.reduction = reduction
        log_sigmoid = _log_sigmoid(B, x)
        if pos_weight is not None:
            log_sigmoid = B.mul(log_sigmoid, B.add(B.mul(B.sub(pos_weight, one), t), one))
        losses = B.sub(B.mul(B.sub(one, t), x), log_sigmoid)
        if weight is not None:
            losses = B.mul(losses, weight)
        if reduction == "none":
            return losses
        return B.mean(losses) if reduction == "mean" else B.sum(losses)

    def _scaled(self, grad, g):
        B, (x, _, weight, _) = self.B, self.saved
        grad = B.mul(grad, g)
        if weight is not None:
            grad = B.mul(grad, weight)
        count = int(np.prod(x.shape))  # (x is an array, or a Tensor when differentiated twice)
        return B.div(grad, B.scalar(count, grad.dtype)) if self.reduction == "mean" else grad

    def backward(self, g):
        B, (x, t, _, pos_weight) = self.B, self.saved
        one = B.scalar(1, x.dtype)
        grad_x = grad_t = None
        if self.needs_input_grad[0]:
            if pos_weight is None:
                grad_x = B.sub(B.sigmoid(x), t)
            else:
                positive = B.mul(pos_weight, t)
                grad_x = B.sub(B.mul(B.sub(B.add(positive, one), t), B.sigmoid(x)), positive)
            grad_x = self._scaled(grad_x, g)
        if self.needs_input_grad[1]:
            grad_t = B.neg(x) if pos_weight is None else B.sub(_log_sigmoid(B, B.neg(x)),
                                                               B.mul(_log_sigmoid(B, x), pos_weight))
            grad_t = self._scaled(grad_t, g)
        return (grad_x, grad_t) + (None,) * (len(self.needs_input_grad) - 2)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    """``torch.nn.functional.binary_cross_entropy_with_logits``: PyTorch's formula through ``logsigmoid`` (finite
    for any finite logit), ``weight`` and ``pos_weight`` broadcast over the elements (neither differentiable, as
    in PyTorch)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    for name, extra in (("weight", weight), ("pos_weight", pos_weight)):
        if isinstance(extra, Tensor) and extra.requires_grad and is_grad_enabled():
            raise RuntimeError(f"The function 'binary_cross_entropy_with_logits' is not differentiable with respect "
                               f"to argument '{name}'. This input cannot have requires_grad True.")
    _check_logits_dtypes(input, target)
    if target.dtype != input.dtype:
        return _reduce(_losses_of_mixed_dtypes(input, target, weight, pos_weight), reduction)
    weight, pos_weight = (None if extra is None else extra.to(input.dtype) for extra in (weight, pos_weight))
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


def _losses_of_mixed_dtypes(input, target, weight, pos_weight):  # noqa: A002
    """PyTorch's loss for logits and targets of two float dtypes, formed as it forms it: in place in (1 - target),
    so in the target's dtype, each step rounded to it."""
    log_sigmoid = logsigmoid(input)
    if pos_weight is not None:
        log_sigmoid.mul_((pos_weight - 1).mul(target).add_(1))
    losses = (1 - target).mul_(input).sub_(log_sigmoid)
    return losses if weight is None else losses.mul_(weight)


def _check_logits_dtypes(input, target):  # noqa: A002
    """PyTorch's errors for logits or targets that are not floating point, raised by the ops it forms the loss
    with: log_sigmoid(input), then (1 - target) multiplied in place by the input."""
    if not input.is_floating_point():
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for '{torch_type_name(input.dtype)}'")
    if target.dtype == bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if not target.is_floating_point():
        raise RuntimeError(f"result type {torch_type_name(promote_types(input.dtype, target.dtype))} can't be cast "
                           f"to the desired output type {torch_type_name(target.dtype)}")

"""``torch.cond``: one of two functions chosen by a predicate. Eager code needs no tracing, so it is a Python
``if``; the predicate may be a bool or a one-element tensor, as PyTorch's."""


def cond(pred, true_fn, false_fn, operands=()):
    """``torch.cond(pred, true_fn, false_fn, operands)``: ``true_fn(*operands)`` if pred else ``false_fn(*operands)``
    (gradients flow through the branch taken)."""
    from .tensor import Tensor
    if isinstance(pred, Tensor) and pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expected operands to be a tuple of possibly nested dict/list/tuple, got {operands}")
    return true_fn(*operands) if bool(pred) else false_fn(*operands)

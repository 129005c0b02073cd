"""PyTorch's type promotion as functions: ``torch.result_type``, ``torch.promote_types``, ``torch.can_cast``."""
import functools

import numpy as np

from ..tensor import DTYPE_CATEGORY, Tensor
from .elementwise import _operands, _promote

__all__ = ["result_type", "promote_types", "can_cast"]


def promote_types(type1, type2):
    """``torch.promote_types``: the dtype both promote to (a float beats an int, an int a bool, else the wider)."""
    return _promote(np.dtype(type1), np.dtype(type2))


def result_type(tensor, other):
    """``torch.result_type``: the dtype an arithmetic op on a tensor and a tensor or number gives, a 0-d tensor
    or a number deciding only when its category (bool < integer < float) is higher."""
    if not isinstance(tensor, Tensor) and not isinstance(other, Tensor):
        from ..creation import tensor as make_tensor
        tensor = make_tensor(tensor)
    return _operands(tensor, other)[0].dtype


def common_dtype(tensors):
    """The dtype that ``cat``-like ops promote a list of tensors to."""
    return functools.reduce(_promote, [t.dtype for t in tensors])


def can_cast(from_, to):
    """``torch.can_cast``: whether PyTorch's casting rules allow writing ``from_`` into ``to`` (no float into an
    integer, nothing but bool into bool)."""
    return DTYPE_CATEGORY[np.dtype(from_).kind] <= DTYPE_CATEGORY[np.dtype(to).kind]

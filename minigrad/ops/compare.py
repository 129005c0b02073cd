"""Comparisons and selection, as PyTorch's: ``where``, ``lt le gt ge eq ne`` (bool results), ``isfinite``,
``masked_fill``."""
import numpy as np

from ..autograd import Function, named_as
from .complex_numbers import refuse_complex
from ..tensor import DTYPE_CATEGORY, Tensor, cpp_type_name, default_complex, default_float, int64, torch_type_name
from .elementwise import _check_broadcast, _operands, broadcast_mismatch

__all__ = ["where", "lt", "le", "gt", "ge", "eq", "ne", "isfinite", "masked_fill", "allclose", "isclose", "equal"]


class Where(Function):
    """a where the condition holds, b elsewhere; each gradient goes only where its side was taken, so an inf or
    NaN in the branch not taken reaches neither the output nor the gradients (as in PyTorch)."""

    supports_complex = True

    def forward(self, cond, a, b):
        self.shapes = (cond.shape, a.shape, b.shape)
        self.save_for_backward(cond)
        return self.B.where(cond, a, b)

    def backward(self, g):
        (cond,) = self.saved
        B = self.B
        zero = B.scalar(0, g.dtype)
        ga = B.where(cond, g, zero) if self.needs_input_grad[1] else None
        gb = B.where(cond, zero, g) if self.needs_input_grad[2] else None
        return (None,) + tuple(None if x is None else B.sum_to_shape(x, s) for x, s in zip((ga, gb), self.shapes[1:]))


def _dtype_of_numbers(*numbers):
    """PyTorch's dtype for Python (or numpy) numbers together: by their highest kind, bool < integer < floating
    < complex, as bool, int64, or the default float or complex dtype (``where(c, 1, 0.5)`` is float32)."""
    kind = max((np.asarray(n).dtype.kind for n in numbers), key=DTYPE_CATEGORY.__getitem__)
    return {"b": np.dtype(bool), "u": int64, "i": int64, "f": default_float(), "c": default_complex()}[kind]


def where(condition, a=None, b=None):
    """``torch.where(condition, a, b)``: broadcasting, differentiable in a and b (a or b may be a number). With the
    condition alone, ``nonzero(condition, as_tuple=True)``, as PyTorch's."""
    if a is None and b is None:
        from .selection import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):  # two numbers: PyTorch's dtype for them
        device = condition.device if isinstance(condition, Tensor) else "cpu"
        a = Tensor(a, dtype=_dtype_of_numbers(a, b), device=device)
    a, b = _operands(a, b)
    cond = condition if isinstance(condition, Tensor) else Tensor(condition, dtype=bool, device=a.device)
    if cond.dtype != np.dtype(bool):
        cond = cond.to(bool)
    try:
        np.broadcast_shapes(tuple(cond.shape), tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise RuntimeError(f"where: shapes {tuple(cond.shape)}, {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                           f"broadcast together") from None
    return Where.apply(cond, a, b)


def _compare(name, kernel_name=None):
    def op(a, b):
        if b is None or isinstance(b, (str, bytes, dict, set)):
            # t == None is False (and t != None True), as in PyTorch: the comparison is not defined
            return NotImplemented
        a, b = _operands(a, b)
        if kernel_name is not None:
            refuse_complex(a, f'"{kernel_name}_cpu" not implemented for {{!r}}')
        if a.device != b.device:
            raise RuntimeError(f"{name}: expected both tensors on one device, got {a.device} and {b.device}")
        _check_broadcast(a, b)
        return Tensor._wrap(getattr(a.backend, name)(a.array, b.array), a.device)
    op.__name__ = name
    op.__doc__ = f"Elementwise comparison, as ``torch.{name}``; returns a bool tensor."
    return op


lt, le, gt, ge = (_compare("less", "lt"), _compare("less_equal", "le"), _compare("greater", "gt"),
                  _compare("greater_equal", "ge"))
eq, ne = _compare("equal"), _compare("not_equal")


def isfinite(a):
    """``torch.isfinite``: a bool tensor (all true for integer tensors; both parts finite for complex ones)."""
    if a.dtype.kind not in "fc":
        return Tensor._wrap(a.backend.full(a.shape, True, np.dtype(bool)), a.device)
    return Tensor._wrap(a.backend.isfinite(a.array), a.device)


def logical_not_array(a):
    """The raw bool array of ``not a`` for a bool tensor a."""
    return a.backend.logical_not(a.array)


@named_as("MaskedFillBackward0")
def masked_fill(x, mask, value):
    """``torch.Tensor.masked_fill``: value where the bool mask (broadcast to x) is true; gradient to x elsewhere."""
    if not isinstance(mask, Tensor) or mask.dtype != np.dtype(bool):
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{cpp_type_name(mask.dtype) if isinstance(mask, Tensor) else type(mask).__name__}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.item()
    mismatch = broadcast_mismatch(tuple(mask.shape), tuple(x.shape))
    if mismatch is not None:  # (a mask of more dims broadcasts the result, as PyTorch's out-of-place form)
        raise RuntimeError(mismatch)
    value = Tensor._wrap(x.backend.scalar(value, x.dtype), x.device)
    return where(mask, value, x)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``torch.isclose``: |a - b| <= atol + rtol·|b| elementwise (NaNs equal only with ``equal_nan``); two
    tensors of different dtypes are refused, as PyTorch's."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype:
        raise RuntimeError(f"{torch_type_name(a.dtype)} did not match {torch_type_name(b.dtype)}")
    a, b = _operands(a, b)
    left, right = a.backend.to_numpy(a.array), b.backend.to_numpy(b.array)
    return Tensor._wrap(a.backend.from_numpy(np.isclose(left, right, rtol=rtol, atol=atol, equal_nan=equal_nan)),
                        a.device)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``torch.allclose``: whether every element is close (a Python bool)."""
    return bool(isclose(a, b, rtol, atol, equal_nan).all().item())


def equal(a, b):
    """``torch.equal``: the same shape and the same values (a Python bool)."""
    return tuple(a.shape) == tuple(b.shape) and bool((a == b).all().item())


METHODS = {
    "isclose": isclose, "allclose": allclose, "equal": equal,
    "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge, "__eq__": eq, "__ne__": ne,
    "lt": lt, "le": le, "gt": gt, "ge": ge, "eq": eq, "ne": ne, "isfinite": isfinite, "masked_fill": masked_fill,
}

"""In-place ops, as PyTorch's: ``x += y``, ``x.add_(y)``, ``x.zero_()``, ``x[i] = v``, ``F.relu(x, inplace=True)``.

An in-place op writes into the tensor's storage, so aliases and views see the
change, and bumps the storage's version counter. When grad mode records it, the
op is computed out of place from a copy of the old values (which keeps the old
graph node as its input), the result is written into the storage, and the tensor
takes the new graph node: ``x`` is then the op's output, as in PyTorch. An op
that saved the old values for its backward sees the version change and refuses
to compute a gradient from overwritten numbers.

As in PyTorch, a leaf that requires grad (or a view of one) may only be written
inside ``minigrad.no_grad()``.
"""
import numpy as np

from ..autograd import MADE_WITHOUT_GRAD, Function, is_grad_enabled, next_sequence, take_history, view_creation_error
from ..tensor import DTYPE_CATEGORY, Tensor, _is_differentiable, torch_type_name
from .shape import real_if_real, warn_complex_cast


def has_internal_overlap(x):
    """Whether two elements of x share one memory location (a broadcast, e.g. ``expand``: a zero stride)."""
    shape = x.array.shape
    return 0 not in shape and any(stride == 0 and size > 1 for stride, size in zip(x.array.strides, shape))


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")


def _write_through_overlap(x, index, value, whole=False):
    """``x[index] = value`` into the memory a broadcast tensor shares, as PyTorch's fill_ and indexed writes do on
    an ``expand``-ed tensor (one value per location: no element is computed from another), where the written
    region itself has no repeated location (``whole``: a fill of every element, which PyTorch allows). CPU,
    without grad."""
    if x.device.type != "cpu" or (is_grad_enabled() and x.requires_grad):
        raise RuntimeError(_OVERLAP)
    region = x.array[index]
    if not whole and any(stride == 0 and size > 1 for stride, size in zip(region.strides, region.shape)):
        raise RuntimeError(_OVERLAP)  # the written region itself repeats a location (y[:, 1] of an expand)
    alias = x.array.view()
    alias.flags.writeable = True  # the broadcast view is read-only; the memory under it is x's base's
    alias[index] = value.array if isinstance(value, Tensor) else value
    x._bump_version()
    return x


def _check_inplace(x, recorded=None):
    """PyTorch's refusals, before anything is written; ``recorded``: whether the change will be recorded in the
    graph (by default, whether x requires grad)."""
    if has_internal_overlap(x):
        raise RuntimeError(_OVERLAP)
    if not is_grad_enabled():
        return
    if x._view_creation in MADE_WITHOUT_GRAD and (x.requires_grad if recorded is None else recorded):
        raise RuntimeError(view_creation_error(x, "is being"))
    if x.requires_grad and x.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = x._base
    if base is not None and base.requires_grad and base.is_leaf:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def _can_cast(source, target):
    """PyTorch's rule for writing a result into a tensor: no float into an integer, nothing but bool into bool."""
    return DTYPE_CATEGORY[np.dtype(source).kind] <= DTYPE_CATEGORY[np.dtype(target).kind]


def apply_inplace(x, op, compute, operands=()):
    """Replace x's values by ``compute(x)`` in x's own storage; returns x (PyTorch's in-place contract).

    ``operands`` are compute's other inputs: when none of them nor x requires grad, nothing is recorded and
    compute reads x itself.
    """
    tracking = is_grad_enabled() and (x.requires_grad or any(isinstance(o, Tensor) and o.requires_grad
                                                             for o in operands))
    _check_inplace(x, tracking)
    if x._base is not None and x._version_cell[0] != x._view_version:
        from .view_inplace import refresh_view
        refresh_view(x)  # (its old values are read below: as a view of its base's current history)
    if tracking:
        # The op reads a copy of the old values: the storage is overwritten below, and the old graph node
        # stays the input of the new one.
        source = Tensor._wrap(x.backend.copy(x.array), x.device, x.requires_grad)
        source._ctx = x._ctx
        first_node = next_sequence()
    else:
        source = x
    out = compute(source)
    if not isinstance(out, Tensor):
        out = Tensor(out, dtype=x.dtype, device=x.device)
    if tuple(out.shape) != tuple(x.shape):
        raise RuntimeError(f"output with shape {list(x.shape)} doesn't match the broadcast shape "
                           f"{list(out.shape)}")  # (PyTorch's words, without the op's name)
    if out.dtype != x.dtype:
        if not _can_cast(out.dtype, x.dtype):
            raise RuntimeError(f"result type {torch_type_name(out.dtype)} can't be cast to the desired output "
                               f"type {torch_type_name(x.dtype)}")
        out = out.to(x.dtype)
    if out.requires_grad and x._base is not None:
        from .view_inplace import write_into_view
        return write_into_view(x, out, source, op)
    x.array = x.backend.copy_(x.array, out.array)
    x._bump_version()
    if out.requires_grad:
        take_history(x, out._ctx, source, first_node)
    return x


def _inplace_method(name, fn):
    def method(x, *args, **kwargs):
        return apply_inplace(x, name, lambda t: fn(t, *args, **kwargs), (*args, *kwargs.values()))
    method.__name__ = name
    method.__doc__ = f"``torch.Tensor.{name}``: ``{fn.__name__}`` written into this tensor's storage."
    return method


def _abs_in_place(t):
    """``abs_``'s value; PyTorch refuses it for a complex tensor (|z| is real)."""
    from .elementwise import abs as magnitude
    if t.dtype.kind == "c":
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return magnitude(t)


def inplace_methods():
    """The trailing-underscore methods and ``+=``-style operators, each an out-of-place op written back."""
    from . import (activation, aliases, elementwise as ew, elementwise_more, incomplete_gamma, integer, products,
                   real_numbers,
                   rearrange, scan, scatter, special, ternary, trigonometric, unary)
    pairs = {
        "add_": ew.add, "sub_": ew.sub, "mul_": ew.mul, "div_": ew.div, "pow_": ew.pow, "neg_": ew.neg,
        "exp_": ew.exp, "log_": ew.log, "log1p_": ew.log1p, "sqrt_": ew.sqrt, "abs_": _abs_in_place,
        "clamp_": ew.clamp, "clip_": ew.clamp,
        "clamp_min_": lambda t, v: ew.clamp(t, min=v), "clamp_max_": lambda t, v: ew.clamp(t, max=v),
        "floor_divide_": integer.floor_divide, "remainder_": integer.remainder, "sign_": integer.sign,
        "bitwise_and_": integer.bitwise_and, "bitwise_or_": integer.bitwise_or, "bitwise_xor_": integer.bitwise_xor,
        "bitwise_not_": integer.bitwise_not, "logical_not_": integer.logical_not,
        "relu_": activation.relu, "sigmoid_": activation.sigmoid, "tanh_": activation.tanh,
        "masked_fill_": ew.masked_fill, "lerp_": ternary.lerp, "addcmul_": ternary.addcmul,
        "addcdiv_": ternary.addcdiv,
        **{f"{name}_": getattr(unary, name) for name in unary.__all__},
        **{f"{name}_": getattr(scatter, name) for name in scatter.__all__},
        **{f"{name}_": getattr(trigonometric, name) for name in trigonometric.__all__},
        **{f"{name}_": getattr(special, name) for name in ("logit", "xlogy", "sinc", "logaddexp", "lgamma", "digamma",
                                                              "erfinv", "mvlgamma")},
        **aliases.INPLACE, "cumsum_": scan.cumsum, "cumprod_": scan.cumprod, "tril_": rearrange.tril,
        "triu_": rearrange.triu, "fmod_": elementwise_more.fmod, "gcd_": elementwise_more.gcd,
        "lcm_": elementwise_more.lcm, "polygamma_": lambda t, n: special.polygamma(n, t),
        **{f"{name}_": getattr(products, name) for name in ("addmm", "addmv", "addr", "addbmm", "baddbmm")},
        "__iadd__": ew.add, "__isub__": ew.sub, "__imul__": ew.mul, "__itruediv__": ew.div, "__ipow__": ew.pow,
        "__ifloordiv__": integer.floor_divide, "__imod__": integer.remainder, "__iand__": integer.bitwise_and,
        "__ior__": integer.bitwise_or, "__ixor__": integer.bitwise_xor, "__ilshift__": integer.bitwise_left_shift,
        "__irshift__": integer.bitwise_right_shift, "bitwise_left_shift_": integer.bitwise_left_shift,
        "bitwise_right_shift_": integer.bitwise_right_shift, "float_power_": elementwise_more.float_power,
        "igamma_": incomplete_gamma.gammainc, "igammac_": incomplete_gamma.gammaincc,
        "copysign_": real_numbers.copysign, "ldexp_": real_numbers.ldexp, "nextafter_": real_numbers.nextafter,
        "conj_physical_": real_numbers.conj,
    }
    methods = {name: _inplace_method(name, fn) for name, fn in pairs.items()}
    methods.update(zero_=zero_, fill_=fill_, copy_=copy_, __setitem__=setitem)
    return methods


# ---------------------------------------------------------------------------- writers without a formula
def _fill_result(t, value):
    """``value`` everywhere; its gradient to the old values is zero (an inf or NaN there stays out)."""
    from .elementwise import where
    if not t.requires_grad:
        return Tensor._wrap(t.backend.full(t.shape, value, t.dtype), t.device)
    never = Tensor._wrap(t.backend.full(t.shape, False, np.dtype(bool)), t.device)
    return where(never, t, value)


def zero_(x):
    """``torch.Tensor.zero_``: fill with zeros in place."""
    return fill_(x, 0)


def fill_(x, value):
    """``torch.Tensor.fill_``: fill with one value in place."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        value = value.item()
    if isinstance(value, (int, float)) and x.dtype.kind in "iu":
        from ..creation import python_numbers_as
        value = python_numbers_as(value, x.dtype)[()]  # PyTorch truncates a float fill, refuses overflow
    if has_internal_overlap(x):
        return _write_through_overlap(x, Ellipsis, value, whole=True)
    return apply_inplace(x, "fill_", lambda t: _fill_result(t, value))


def copy_(x, src):
    """``torch.Tensor.copy_``: copy ``src`` (broadcast, cast to this dtype, from any device) in place."""
    if not isinstance(src, Tensor):
        src = Tensor._inferred(src, x.device)
    try:
        fits = np.broadcast_shapes(tuple(src.shape), tuple(x.shape)) == tuple(x.shape)
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"copy_: source of shape {tuple(src.shape)} cannot be broadcast to the destination "
                           f"shape {tuple(x.shape)}")
    warn_complex_cast(src.dtype, x.dtype, stacklevel=3)
    return apply_inplace(x, "copy_", lambda t: CopyFrom.apply(t, src.to(x.device)), (src,))


class CopyFrom(Function):
    """The values of ``src`` cast to ``dst``'s dtype and broadcast to its shape; gradient to src only."""

    supports_complex = True

    def forward(self, dst, src):
        self.src_shape, self.src_dtype = src.shape, src.dtype
        B = self.B
        out = B.full(dst.shape, 0, dst.dtype)
        return B.copy_(out, B.astype(real_if_real(src, dst.dtype), dst.dtype))

    def backward(self, g):
        B = self.B
        gs = None
        if self.needs_input_grad[1]:
            gs = B.astype(real_if_real(B.sum_to_shape(g, self.src_shape), self.src_dtype), self.src_dtype)
        return None, gs


class SetItem(Function):
    """``x[index] = value`` as a function of both: the gradient of x is g with the written places zeroed, the
    gradient of value is what those places received (summed back over broadcasting)."""

    supports_complex = True

    def forward(self, a, value, index, torch_name="SetItemBackward0"):
        B = self.B
        self.index, self.value_shape = index, getattr(value, "shape", ())
        self.node_name = torch_name  # (PyTorch's node depends on the index and the value: see _node_name)
        return B.setitem_(B.copy(a), index, value)

    def backward(self, g):
        B = self.B
        ga = gv = None
        if self.needs_input_grad[0]:
            ga = B.setitem_(B.copy(g), self.index, B.scalar(0, g.dtype))
        if len(self.needs_input_grad) > 1 and self.needs_input_grad[1]:
            picked = B.getitem(g, self.index)
            gv = B.sum_to_shape(picked, self.value_shape)
        return ga, gv


def setitem(x, index, value):
    """``Tensor.__setitem__``: write a number or a broadcastable tensor into ``x[index]``, as PyTorch; recorded in
    the graph when grad mode is on and either side requires grad."""
    from .indexing import index_parts, numpy_order_of, last_view_op
    parts = index_parts(x, index)
    if isinstance(value, Tensor):
        value = value.to(x.device)
        if value.dtype != x.dtype:
            value = value.to(x.dtype) if _is_differentiable(value.dtype) and _is_differentiable(x.dtype) else \
                Tensor._wrap(x.backend.astype(value.array, x.dtype), x.device)
        value = numpy_order_of(x.shape, parts, value)
    elif not isinstance(value, (int, float, bool, np.number)):
        value = Tensor(value, dtype=x.dtype, device=x.device)
    if has_internal_overlap(x) and not (isinstance(value, Tensor) and value.requires_grad):
        _write_through_overlap(x, parts, value)
        return
    if x._view_creation in MADE_WITHOUT_GRAD and is_grad_enabled() and \
            (x.requires_grad or isinstance(value, Tensor) and value.requires_grad):
        raise RuntimeError(view_creation_error(x, "is being", through=last_view_op(x.shape, parts)))
    if is_grad_enabled() and x.requires_grad and x.is_leaf and last_view_op(x.shape, parts) is not None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    torch_name = _node_name(index, value, last_view_op(x.shape, parts))
    apply_inplace(x, "__setitem__", lambda t: SetItem.apply(t, value, index=parts, torch_name=torch_name), (value,))


def _node_name(index, value, last_view):
    """PyTorch's graph node for ``x[index] = value``: a write through views (CopySlices), an index_put_, or a
    write to x itself (a copy_ or a fill_)."""
    if last_view is not None:
        return "torch::autograd::CopySlices"
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(part, (list, np.ndarray)) or isinstance(part, Tensor) and part.ndim > 0 for part in parts):
        return "IndexPutBackward0"
    return "torch::autograd::CopyBackwards" if isinstance(value, Tensor) else "FillBackward3"

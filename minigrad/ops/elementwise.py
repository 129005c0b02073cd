"""Elementwise arithmetic with broadcasting: + - * / ** neg exp log log1p sqrt abs clamp maximum minimum
(comparisons and selection are in compare.py; lerp, addcmul and addcdiv in ternary.py)."""
import numpy as np

from ..autograd import Function, named_node
from ..tensor import DTYPE_CATEGORY as _CATEGORY, Tensor, _is_floating, default_complex, default_float

__all__ = ["add", "sub", "mul", "div", "neg", "pow", "exp", "log", "log1p", "sqrt", "abs", "clamp",
           "maximum", "minimum", "where", "lt", "le", "gt", "ge", "eq", "ne", "isfinite", "masked_fill"]


def _promote(da, db):
    """Two dtypes of the same priority: a complex beats a float (keeping the wider precision: complex64 and float64
    give complex128), a float an int, an int a bool, else the wider one."""
    ca, cb = _CATEGORY[da.kind], _CATEGORY[db.kind]
    if ca != cb and {da.kind, db.kind} != {"f", "c"}:
        return da if ca > cb else db
    return np.promote_types(da, db)


def _over(higher, lower):
    """PyTorch's combine_categories: the dtype of a higher-priority group (dimensioned tensors over 0-d ones,
    0-d ones over Python numbers) unless the lower group's category is higher; a complex lower group over a
    float higher one gives the complex dtype of the float's precision."""
    if _CATEGORY[lower.kind] <= _CATEGORY[higher.kind]:
        return higher
    if lower.kind == "c" and higher.kind == "f":
        return np.promote_types(higher, np.complex64)
    return lower


def _result_dtype(a, b):
    """PyTorch's type promotion: a 0-d tensor only decides the dtype when its category (bool < integer < float)
    is higher than the other operand's, so float32 + a 0-d float64 tensor stays float32."""
    da, db = a.dtype, b.dtype
    if (a.ndim == 0) != (b.ndim == 0):
        dim, zero = (da, db) if b.ndim == 0 else (db, da)
        return _over(dim, zero)
    return _promote(da, db)


def result_type_of(operands):
    """PyTorch's result type of several operands (tensors and Python numbers): the dimensioned tensors' common
    dtype, unless the 0-d tensors' (or else the numbers') is of a higher category (bool < integer < float)."""
    groups = [[x.dtype for x in operands if isinstance(x, Tensor) and x.ndim],
              [x.dtype for x in operands if isinstance(x, Tensor) and not x.ndim],
              [np.dtype(bool) if isinstance(x, bool) else np.dtype("int64") if isinstance(x, int) else
               default_complex() if isinstance(x, complex) else default_float() for x in operands
               if isinstance(x, (int, float, complex))]]
    result = None
    for dtypes in reversed(groups):  # from the lowest priority up
        if not dtypes:
            continue
        common = dtypes[0]
        for dtype in dtypes[1:]:
            common = _promote(common, dtype)
        result = common if result is None else _over(common, result)
    return result


def _operands(a, b):
    """Make both sides Tensors; a Python number takes the tensor's dtype (float32 for an int tensor and a float)."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.array.dtype == b.array.dtype:
        return a, b  # (the common case: nothing to lift or promote)
    ref = a if isinstance(a, Tensor) else b
    if not isinstance(ref, Tensor):
        raise TypeError("expected a Tensor operand")
    B = ref.backend

    def lift(x):
        if isinstance(x, Tensor):
            return x
        if isinstance(x, bool):
            dtype = np.dtype(bool)  # the lowest category: any tensor's dtype wins over it
        elif isinstance(x, int):
            dtype = ref.dtype if ref.dtype != np.dtype(bool) else np.dtype("int64")
        elif isinstance(x, float):
            dtype = ref.dtype if ref.dtype.kind in "fc" else default_float()
        else:
            return Tensor._inferred(x, ref.device)
        return Tensor._wrap(B.scalar(x, dtype), ref.device)

    a, b = lift(a), lift(b)
    dtype = _result_dtype(a, b)
    if a.dtype != dtype:
        a = a.to(dtype)
    if b.dtype != dtype:
        b = b.to(dtype)
    return a, b


def broadcast_mismatch(shape_a, shape_b):
    """PyTorch's message for two shapes that do not broadcast (its infer_size: the last mismatching dimension,
    counted in the broadcast result), or None when they broadcast."""
    ndim = max(len(shape_a), len(shape_b))
    for dim in range(ndim - 1, -1, -1):
        offset = ndim - 1 - dim
        size_a = shape_a[len(shape_a) - 1 - offset] if offset < len(shape_a) else 1
        size_b = shape_b[len(shape_b) - 1 - offset] if offset < len(shape_b) else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            return (f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) at non-singleton "
                    f"dimension {dim}")
    return None


def float_operands(a, b):
    """Two operands of an op with a float result (true division, atan2, xlogy...) as Tensors of one float dtype,
    PyTorch's way: when neither is a float, each becomes the default float on its own before they are promoted
    together (uint8 / -1 is -x, not x / 255)."""
    if not any(isinstance(x, (float, complex)) or isinstance(x, Tensor) and x.dtype.kind in "fc" for x in (a, b)):
        a, b = (x.to(default_float()) if isinstance(x, Tensor) else float(x) for x in (a, b))
    return _operands(a, b)


def floating(a):
    """``a`` itself when it holds floats, else ``a`` in the default float dtype: PyTorch's exp, log, sqrt,
    sigmoid... of an integer or bool tensor are float32."""
    return a if a.array.dtype.kind in "fc" else a.to(default_float())


def _check_broadcast(a, b):
    if a.array.shape == b.array.shape:  # (the common case, without numpy's slower general check)
        return
    message = broadcast_mismatch(tuple(a.shape), tuple(b.shape))
    if message is not None:
        raise RuntimeError(message)


class _Binary(Function):
    """Shared bookkeeping of a broadcasting binary op: remember the input shapes."""

    def _reduce(self, grads, shapes):
        B = self.B
        return tuple(None if g is None else B.sum_to_shape(g, s) for g, s in zip(grads, shapes))


class Add(_Binary):
    supports_complex = True

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return self.B.add(a, b)

    def backward(self, g):
        return self._reduce((g, g), self.shapes)


class AddScaled(_Binary):
    """a + alpha * b rounded once, as PyTorch's CPU ``add(a, b, alpha=...)`` (a vector fused multiply-add; ``sub``
    is add with -alpha), for floating tensors."""

    def forward(self, a, b, alpha):
        B = self.B
        self.shapes, self.alpha = (a.shape, b.shape), alpha
        shape = np.broadcast_shapes(a.shape, b.shape)
        return B.fma(B.broadcast_to(b, shape), B.broadcast_to(B.scalar(alpha, b.dtype), shape),
                     B.broadcast_to(a, shape))

    def backward(self, g):
        scaled = self.B.mul(g, self.B.scalar(self.alpha, g.dtype)) if self.needs_input_grad[1] else None
        return self._reduce((g, scaled), self.shapes)

    def composite(self, a, b, alpha):
        """(for second derivatives, autograd_graph)"""
        return a + b * alpha


class Sub(_Binary):
    supports_complex = True

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return self.B.sub(a, b)

    def backward(self, g):
        return self._reduce((g, self.B.neg(g) if self.needs_input_grad[1] else None), self.shapes)


class Mul(_Binary):
    supports_complex = holomorphic = True

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        # (each side is saved only for the other's gradient, as PyTorch does: x[1:3] = x[1:3] * 10 then works)
        need_a, need_b = self.needs_input_grad
        self.save_for_backward(a if need_b else None, b if need_a else None)
        return self.B.mul(a, b)

    def backward(self, g):
        a, b = self.saved
        B = self.B
        return self._reduce((B.mul(g, b) if self.needs_input_grad[0] else None,
                             B.mul(g, a) if self.needs_input_grad[1] else None), self.shapes)


class Div(_Binary):
    supports_complex = holomorphic = True

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        self.save_for_backward(a if self.needs_input_grad[1] else None, b)
        return self.B.div(a, b)

    def backward(self, g):
        a, b = self.saved
        B = self.B
        ga = B.div(g, b) if self.needs_input_grad[0] else None
        gb = B.neg(B.div(B.mul(g, a), B.mul(b, b))) if self.needs_input_grad[1] else None
        return self._reduce((ga, gb), self.shapes)


class Pow(_Binary):
    """a ** b for tensors (either may be a lifted Python number)."""

    supports_complex = holomorphic = True

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        out = self.B.power(a, b)
        self.save_for_backward(a, b, out)
        return out

    def backward(self, g):
        a, b, out = self.saved
        B = self.B
        ga = gb = None
        if self.needs_input_grad[0]:  # (0 where the exponent is 0, even at a = 0, as PyTorch's)
            one, zero = B.scalar(1, b.dtype), B.scalar(0, b.dtype)
            ga = B.where(B.equal(b, zero), B.scalar(0, g.dtype), B.mul(g, B.mul(b, B.power(a, B.sub(b, one)))))
        if self.needs_input_grad[1]:
            # d(a^b)/db = a^b log a, taken as 0 where a == 0 (as PyTorch does)
            zero = B.scalar(0, a.dtype)
            safe_log = B.where(B.equal(a, zero), zero, B.log(B.where(B.equal(a, zero), B.scalar(1, a.dtype), a)))
            gb = B.mul(g, B.mul(out, safe_log))
        return self._reduce((ga, gb), self.shapes)


class Maximum(_Binary):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        self.save_for_backward(a, b)
        return self.B.maximum(a, b)

    def backward(self, g):
        a, b = self.saved
        return _split_ties(self, g, a, b, self.B.greater(a, b))


class Minimum(_Binary):
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        self.save_for_backward(a, b)
        return self.B.minimum(a, b)

    def backward(self, g):
        a, b = self.saved
        return _split_ties(self, g, a, b, self.B.less(a, b))


def _split_ties(fn, g, a, b, a_wins):
    """Gradient of max/min: to the winner, halved on ties, as PyTorch's maximum/minimum."""
    B = fn.B
    zero, half = B.scalar(0, g.dtype), B.scalar(0.5, g.dtype)
    tie = B.equal(a, b)
    ga = B.where(tie, B.mul(g, half), B.where(a_wins, g, zero))
    gb = B.where(tie, B.mul(g, half), B.where(a_wins, zero, g))
    return fn._reduce((ga, gb), fn.shapes)


class Neg(Function):
    supports_complex = True

    def forward(self, a):
        return self.B.neg(a)

    def backward(self, g):
        return self.B.neg(g)


class Exp(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.exp(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        return self.B.mul(g, self.saved[0])


class Log(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.log(a)

    def backward(self, g):
        return self.B.div(g, self.saved[0])


class Log1p(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.log1p(a)

    def backward(self, g):
        a = self.saved[0]
        return self.B.div(g, self.B.add(a, self.B.scalar(1, a.dtype)))


class Sqrt(Function):
    supports_complex = holomorphic = True

    def forward(self, a):
        out = self.B.sqrt(a)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        B = self.B
        return B.div(g, B.mul(self.saved[0], B.scalar(2, g.dtype)))


class Abs(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.B.abs(a)

    def backward(self, g):
        return self.B.mul(g, self.B.sign(self.saved[0]))


class Clamp(Function):
    def forward(self, a, low=None, high=None):
        self.save_for_backward(a)
        self.low, self.high = low, high
        return self.B.clip(a, low, high)

    def backward(self, g):
        B, a = self.B, self.saved[0]
        # Gradient flows where the input lies inside [low, high], bounds included, as in PyTorch.
        inside = B.greater_equal(a, B.scalar(self.low, a.dtype)) if self.low is not None else None
        if self.high is not None:
            below = B.less_equal(a, B.scalar(self.high, a.dtype))
            inside = below if inside is None else B.mul(inside, below)
        return g if inside is None else B.where(inside, g, B.scalar(0, g.dtype))


class ClampByTensors(_Binary):
    """clamp with tensor bounds (either may be None), broadcast together, as min(max(a, low), high) with NaN
    anywhere giving NaN. Gradients, PyTorch's: the input's where low <= a <= high; low's where a < low < high;
    high's where a > high or high < low (each comparison false at a NaN)."""

    def forward(self, a, low, high):
        self.save_for_backward(a, low, high)
        out = a if low is None else self.B.maximum(a, low)
        return out if high is None else self.B.minimum(out, high)

    def backward(self, g):
        B, (a, low, high) = self.B, self.saved
        zero = B.scalar(0, g.dtype)
        inside = B.greater_equal(a, low) if low is not None else None
        if high is not None:
            below = B.less_equal(a, high)
            inside = below if inside is None else B.bitwise_and(inside, below)
        wanted = iter(self.needs_input_grad)
        grads = [B.where(inside, g, zero) if next(wanted) else None]
        if low is not None:
            raised = B.less(a, low) if high is None else B.bitwise_and(B.less(a, low), B.less(low, high))
            grads.append(B.where(raised, g, zero) if next(wanted) else None)
        if high is not None:
            lowered = B.greater(a, high) if low is None else B.bitwise_or(B.greater(a, high), B.less(high, low))
            grads.append(B.where(lowered, g, zero) if next(wanted) else None)
        return self._reduce(grads, [x.shape for x in (a, low, high) if x is not None])


def _times_alpha(b, alpha):
    """alpha * b in b's (the result's) dtype, as PyTorch's add and sub scale after promoting both operands."""
    if isinstance(alpha, float) and not _is_floating(b.dtype):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if b.dtype == np.bool_:
        return b & bool(alpha)  # (alpha cast to bool, as PyTorch's)
    return mul(b, alpha)


def _fused(a, b):
    """Whether add(a, b, alpha) is PyTorch's fused multiply-add: one floating (not complex) dtype on both sides."""
    return a.dtype == b.dtype and a.dtype.kind == "f" and a.dtype.itemsize >= 4


def _scaled_add(a, b, alpha):
    if isinstance(alpha, Tensor) or isinstance(alpha, complex):
        return Add.apply(a, _times_alpha(b, alpha))
    _check_broadcast(a, b)
    return AddScaled.apply(a, b, alpha=float(alpha))


def _number_as_tensor(a, b):
    """PyTorch's add, sub, mul, div and floor_divide take two Python numbers (``torch.mul(2, 3)``): the first
    becomes a 0-d tensor of its inferred dtype (bool, int64 or the default float)."""
    numbers = (bool, int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return Tensor._inferred(a)
    return a


def add(a, b, alpha=1):
    """``torch.add``: a + alpha * b with broadcasting."""
    a, b = _operands(_number_as_tensor(a, b), b)
    if alpha != 1 and _fused(a, b):
        return _scaled_add(a, b, alpha)
    if alpha != 1:
        b = _times_alpha(b, alpha)
    _check_broadcast(a, b)
    return Add.apply(a, b)


def sub(a, b, alpha=1):
    """``torch.sub``: a - alpha * b with broadcasting; bool operands are refused, as PyTorch's."""
    if any(isinstance(x, bool) or isinstance(x, Tensor) and x.dtype == np.bool_ for x in (a, b)):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    a, b = _operands(_number_as_tensor(a, b), b)
    if alpha != 1 and _fused(a, b):
        return _scaled_add(a, b, -alpha)
    if alpha != 1:
        b = _times_alpha(b, alpha)
    _check_broadcast(a, b)
    return Sub.apply(a, b)


def mul(a, b):
    """``torch.mul`` with broadcasting."""
    a, b = _operands(_number_as_tensor(a, b), b)
    _check_broadcast(a, b)
    return Mul.apply(a, b)


def div(a, b, *, rounding_mode=None):
    """``torch.div``: true division (an integer tensor divided gives float32); ``rounding_mode='floor'`` rounds
    the quotient down and ``'trunc'`` toward zero, in the operands' dtype (integers stay integers)."""
    a = _number_as_tensor(a, b)
    if rounding_mode is not None:
        return _rounded_division(a, b, rounding_mode)
    a, b = float_operands(a, b)
    _check_broadcast(a, b)
    return Div.apply(a, b)


def _rounded_division(a, b, mode):
    from .integer import floor_divide
    from .unary import trunc
    if mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    a, b = _operands(a, b)
    if mode == "floor":
        return floor_divide(a, b)
    if _is_floating(a.dtype):
        return trunc(div(a, b))
    quotient = floor_divide(a, b)  # integers: floor, moved up by one where the exact quotient was negative
    return where((quotient < 0) & (quotient * b != a), quotient + 1, quotient)


def pow(a, b):  # noqa: A001
    """``torch.pow``: tensor ** number, number ** tensor, or tensor ** tensor. An integer tensor to a negative
    Python int is refused; negative integer exponents in a tensor give PyTorch's integer results (1 for a base
    of 1, +-1 for -1, else 0)."""
    negative_number = isinstance(b, int) and not isinstance(b, bool) and b < 0
    a, b = _operands(a, b)
    _check_broadcast(a, b)
    if a.dtype == np.bool_:  # (both bool: PyTorch's pow is a or not b)
        return a | ~b if b.dtype == np.bool_ else Pow.apply(a, b)
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        return Pow.apply(a, b)
    if negative_number:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if b.numel() == 0 or not bool((b < 0).any()):
        return Pow.apply(a, b)
    from .integer import remainder
    powers = Pow.apply(a, clamp(b, min=0))
    one = a.new_ones(())
    reciprocal = where(a == 1, one, where(a == -1, where(remainder(b, 2) == 1, -one, one), a.new_zeros(())))
    return where(b < 0, reciprocal, powers)


def maximum(a, b):
    """``torch.maximum``: elementwise max; ties split the gradient evenly."""
    a, b = _operands(a, b)
    _check_broadcast(a, b)
    return Maximum.apply(a, b)


def minimum(a, b):
    """``torch.minimum``: elementwise min; ties split the gradient evenly."""
    a, b = _operands(a, b)
    _check_broadcast(a, b)
    return Minimum.apply(a, b)


def neg(a):
    """``torch.neg``; a bool tensor is refused, as PyTorch's."""
    if a.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(a)


def exp(a):
    """``torch.exp``."""
    return Exp.apply(floating(a))


def log(a):
    """``torch.log`` (natural logarithm)."""
    return Log.apply(floating(a))


def log1p(a):
    """``torch.log1p``: log(1 + a), exact for small a."""
    return Log1p.apply(floating(a))


def sqrt(a):
    """``torch.sqrt``."""
    return Sqrt.apply(floating(a))


def abs(a):  # noqa: A001
    """``torch.abs``; its gradient at 0 is 0, as PyTorch's (a complex tensor's |z| is real)."""
    if a.array.dtype.kind == "c":
        from .complex_numbers import magnitude
        return magnitude(a)
    return Abs.apply(a)


def clamp(a, min=None, max=None):  # noqa: A002
    """``torch.clamp``: gradient passes where min <= a <= max."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):  # differentiable bounds, PyTorch's result type
        dtype = result_type_of([x for x in (a, min, max) if x is not None])
        a = a.to(dtype)
        low, high = (None if bound is None else _operands(a, bound)[1].to(dtype) for bound in (min, max))
        return named_node(ClampByTensors.apply(a, low, high), "ClampBackward0", a)
    if not _is_floating(a.dtype) and any(isinstance(bound, float) for bound in (min, max)):
        a = a.to(default_float())  # an integer tensor clamped to float bounds is float, as PyTorch's result type
    elif a.dtype == np.bool_ and any(isinstance(bound, int) and not isinstance(bound, bool) for bound in (min, max)):
        a = a.long()
    return named_node(Clamp.apply(a, low=min, high=max), "ClampBackward1", a)


def _reflected(fn):
    return lambda self, other: fn(other, self)


METHODS = {
    "__add__": add, "__radd__": _reflected(add), "__sub__": sub, "__rsub__": _reflected(sub),
    "__mul__": mul, "__rmul__": _reflected(mul), "__truediv__": div, "__rtruediv__": _reflected(div),
    "__pow__": pow, "__rpow__": _reflected(pow), "__neg__": neg, "__abs__": abs,
    "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "neg": neg, "exp": exp, "log": log, "log1p": log1p,
    "sqrt": sqrt, "abs": abs, "clamp": clamp, "clip": clamp, "maximum": maximum, "minimum": minimum,
    "clamp_min": lambda x, min: clamp(x, min=min), "clamp_max": lambda x, max: clamp(x, max=max),  # noqa: A006
}

# Comparisons and selection live in compare.py; imported here too, as they were always reachable from this module.
from .compare import where, lt, le, gt, ge, eq, ne, isfinite, logical_not_array, masked_fill  # noqa: E402,F401

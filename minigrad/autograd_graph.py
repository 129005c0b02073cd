"""Higher-order gradients: the backward pass recorded as a graph (``create_graph=True``), as PyTorch's.

A first-order backward pass runs each op's ``backward`` on raw arrays and records nothing. With
``create_graph=True`` the same ``forward`` and ``backward`` code runs again on Tensors: each op is re-run
("twin") with ``GraphBackend`` as its backend, whose functions are minigrad's differentiable ops, so the values
the backward reads (the saved input, output or intermediate) are recomputed from the op's inputs inside the
graph, and the gradient it returns is a Tensor whose own gradient can be taken. An op takes part only when its
forward and backward were checked to use nothing but GraphBackend's functions (``twice_differentiable``, tested
against PyTorch's second derivatives), or when it has a ``composite``: its output written with differentiable
ops (a fused op: max pooling, batch normalization, cross-entropy), whose gradient is then taken with
create_graph. Any other op raises NotImplementedError naming it, rather than give a gradient that is silently
missing a term.
"""
import functools

import numpy as np

from .tensor import Tensor


def _constant(array, device):
    return Tensor._wrap(array, device)


def _axes(a, axis):
    """A backend reduction's axis (None for all, an int or a tuple) as the tuple the Tensor methods take."""
    if axis is None:
        return tuple(range(a.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


# backend functions that are constants under differentiation (comparisons, signs): computed on the arrays
_CONSTANT = frozenset(("equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "sign", "logical_not",
                       "bitwise_and", "bitwise_or"))
# backend functions that are a Tensor method of the same name (extra arguments passed on)
_METHODS = frozenset(("exp", "log", "log1p", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "erf", "expm1",
                      "softmax", "log_softmax"))


class GraphBackend:
    """The backend functions that op code calls (``self.B.mul(a, b)``...), on Tensors, as differentiable ops.
    Comparisons and signs are constants (their derivative is zero wherever it exists)."""

    def __init__(self, backend, device):
        self.backend, self.device = backend, device

    def __getattr__(self, name):
        if name in _CONSTANT:
            return lambda *values: _constant(getattr(self.backend, name)(*(self._array(v) for v in values)),
                                             self.device)
        if name in _METHODS:
            return lambda a, *options: getattr(a, name)(*options)
        raise NotImplementedError(f"create_graph=True: an op's backward calls the backend's {name}, which minigrad "
                                  "cannot differentiate again")

    def _array(self, value):
        return value.array if isinstance(value, Tensor) else value

    def scalar(self, value, dtype):
        return _constant(self.backend.scalar(value, dtype), self.device)

    def conv_weight_finite(self, weight):
        return self.backend.conv_weight_finite(self._array(weight))

    # arithmetic
    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def div(self, a, b):
        return a / b

    def neg(self, a):
        return -a

    def power(self, a, b):
        return a ** b

    def maximum(self, a, b):
        from .ops.elementwise import maximum
        return maximum(a, b)

    def minimum(self, a, b):
        from .ops.elementwise import minimum
        return minimum(a, b)

    def where(self, condition, a, b):
        from .ops.compare import where
        return where(condition if isinstance(condition, Tensor) else _constant(condition, self.device), a, b)

    def clip(self, a, low, high):
        return a.clamp(low, high)

    # activations and their gradients, as formulas
    def relu(self, a):
        from .ops.activation import relu
        return relu(a)

    def relu_backward(self, g, out):
        return self.where(self.greater(out, self.scalar(0, out.dtype)), g, self.scalar(0, g.dtype))

    def leaky_relu(self, a, slope):
        from .ops.activation import leaky_relu
        return leaky_relu(a, slope)

    def leaky_relu_backward(self, g, a, slope):
        return self.where(self.greater(a, self.scalar(0, a.dtype)), g, g * self.scalar(slope, g.dtype))

    def sigmoid_backward(self, g, out):
        return g * out * (1 - out)

    def tanh_backward(self, g, out):
        return g * (1 - out * out)

    def softmax_backward(self, g, out, axis):
        return out * (g - (g * out).sum(axis, keepdim=True))

    def log_softmax_backward(self, g, out, axis):
        return g - out.exp() * g.sum(axis, keepdim=True)

    # reductions and shapes
    def sum(self, a, axis=None, keepdims=False):
        return a.sum(_axes(a, axis), keepdim=keepdims)

    def mean(self, a, axis=None, keepdims=False):
        return a.mean(_axes(a, axis), keepdim=keepdims)

    def var(self, a, axis=None, correction=1, keepdims=False):
        axes = _axes(a, axis)
        centred = a - a.mean(axes, keepdim=True)
        count = int(np.prod([a.shape[i] for i in axes]))
        return (centred * centred).sum(axes, keepdim=keepdims) / (count - correction)

    def amax(self, a, axis=None, keepdims=False):
        return a.amax(_axes(a, axis), keepdim=keepdims)

    def amin(self, a, axis=None, keepdims=False):
        return a.amin(_axes(a, axis), keepdim=keepdims)

    def cumsum(self, a, axis, reverse=False):
        from .ops.scan import cumsum
        running = cumsum(a, axis)
        return a.sum(axis, keepdim=True) - running + a if reverse else running

    def sum_to_shape(self, g, shape):
        """g summed over the dims that broadcasting added or stretched, to ``shape``."""
        shape = tuple(shape)
        lead = g.ndim - len(shape)
        stretched = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                               if s == 1 and g.shape[lead + i] != 1)
        return g.sum(stretched, keepdim=True).reshape(shape) if stretched else g

    def reshape(self, a, shape):
        return a.reshape(tuple(shape))

    reshape_view = reshape

    def broadcast_to(self, a, shape):
        return a.expand(*shape)

    def permute(self, a, axes):
        return a.permute(*axes)

    def matrix_transpose(self, a):
        return a.transpose(-1, -2)

    def matrix_product(self, a, b):
        return a @ b

    def copy(self, a):
        return a.clone()

    def concatenate(self, arrays, axis):
        from .ops.shape import cat
        return cat(list(arrays), axis)

    def split_at(self, a, sizes, axis):
        return a.split(list(sizes), axis)

    def stack(self, arrays, axis):
        from .ops.shape import stack
        return stack(list(arrays), axis)

    def getitem(self, a, index):
        from .ops.indexing import Index
        return Index.apply(a, index=index)

    def index_backward(self, g, in_shape, index):
        from .ops.indexing import IndexBackward
        return IndexBackward.apply(g, in_shape=in_shape, index=index)

    def contiguous(self, a):
        return a

    def astype(self, a, dtype):
        return a.to(dtype)

    # convolutions
    def conv2d(self, x, weight, bias, stride, padding, dilation, groups, out_size, weight_finite=None):
        from .ops.conv import Conv2d
        return Conv2d.apply(x, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups,
                            out_size=tuple(out_size))

    def conv_transpose2d(self, x, weight, stride, padding, dilation, groups, out_shape, weight_finite=None):
        from .ops.conv import ConvTranspose2d
        return ConvTranspose2d.apply(x, weight, None, stride=stride, padding=padding, dilation=dilation,
                                     groups=groups, out_size=tuple(out_shape[2:]))

    def conv2d_weight_grad(self, x, g, weight, stride, padding, dilation, groups):
        from .ops.conv import ConvWeightGrad
        return ConvWeightGrad.apply(x, g, weight=self._array(weight), stride=stride, padding=padding,
                                    dilation=dilation, groups=groups)

    def conv2d_bias_grad(self, g):
        return g.sum((0, 2, 3))

    def conv2d_add_bias(self, out, bias):
        return out + bias.reshape(1, -1, 1, 1)


@functools.cache
def twice_differentiable():
    """The Function classes whose forward and backward use only GraphBackend's functions."""
    from .ops import activation, compare, conv, elementwise as ew, indexing, linalg, reduce, shape, unary
    from .ops import binary_cross_entropy as bce, integer, scan, special, vector_norm
    return {ew.Add, ew.Sub, ew.Mul, ew.Div, ew.Pow, ew.Neg, ew.Exp, ew.Log, ew.Log1p, ew.Sqrt, ew.Abs, ew.Clamp,
            ew.ClampByTensors, ew.Maximum, ew.Minimum, compare.Where, unary.Sin, unary.Cos, unary.Expm1,
            unary.Reciprocal, unary.Rsqrt, reduce.Var, reduce._StdFromVar, reduce.Extreme, reduce.SharedByTies,
            vector_norm.PNorm,
            bce.BinaryCrossEntropy, bce.BinaryCrossEntropyWithLogits, special.Logit, special.Sinc, integer.Sign,
            scan.Cumsum,
            activation.ReLU, activation.LeakyReLU, activation.Sigmoid, activation.Tanh, activation.Softmax,
            activation.LogSoftmax, reduce.Sum, reduce.Mean, shape.Reshape, shape.Permute, shape.Expand,
            shape.Contiguous, shape.Clone, shape.ToDtype, shape.Cat, shape.Stack, indexing.Index,
            indexing.IndexBackward, linalg.MatMul, conv.Conv2d, conv.ConvTranspose2d, conv.ConvWeightGrad}


def _differentiable_twice(fn):
    from .ops.activation import _Pointwise  # (gelu, silu, softplus, mish...: rules written with backend functions)
    return type(fn) in twice_differentiable() or isinstance(fn, _Pointwise)


def graph_backward(fn, g):
    """fn's input gradients as Tensors in the graph, for the output gradient Tensor g: fn's twin, re-run on the
    same inputs with GraphBackend, then its backward."""
    if g.dtype.kind == "c":
        raise NotImplementedError("create_graph=True: minigrad does not differentiate gradients of complex tensors "
                                  "again (README, \"Complex numbers and FFT\")")
    if getattr(fn, "composite", None) is not None:
        return _composite_backward(fn, g)
    if not _differentiable_twice(fn):
        raise NotImplementedError(f"create_graph=True: minigrad cannot differentiate the backward of "
                                  f"{type(fn).__name__} again (README, 'Higher-order gradients', lists the ops "
                                  "covered: elementwise math, activations, reductions, shapes and indexing, "
                                  "matmul, convolutions, pooling, batch norm, the common losses)")
    args, kwargs = fn.call_args, fn.call_kwargs
    twin = type(fn)()
    twin.device, twin.B, twin.needs_input_grad = fn.device, GraphBackend(fn.B, fn.device), fn.needs_input_grad
    twin.forward(*args, **kwargs)
    grads = twin.backward(g)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for gradient in grads:
        if gradient is not None and not isinstance(gradient, Tensor):
            raise RuntimeError(f"create_graph=True: {type(fn).__name__}'s backward returned a "
                               f"{type(gradient).__name__}, not a Tensor")
    return grads


def _composite_backward(fn, g):
    """For a fused op (its kernels compute several things at once): the gradient of its ``composite``, the same
    output written with differentiable ops, taken with create_graph."""
    from .autograd import grad
    args, kwargs = fn.call_args, fn.call_kwargs
    output = fn.composite(*args, **kwargs)
    wanted = [p for p in fn.parents if p.requires_grad]
    found = iter(grad(output, wanted, grad_outputs=g, create_graph=True, allow_unused=True) if wanted else ())
    return tuple(next(found) if p.requires_grad else None for p in fn.parents)


def _is_leaf_like(node):
    return node._ctx is None or node._retains_grad


def walk_graph(outputs, grads, retain_graph, captured, order, leads_to_input, check_versions):
    """autograd._walk with Tensor gradients that stay in the graph (see the module's docstring)."""
    from .autograd import SECOND_BACKWARD, enable_grad, inputs_seen_by, run_post_accumulate_hooks
    with enable_grad():
        for node in order:
            g = grads.pop(id(node), None)
            if g is None:
                continue
            for (kind, _), hook in list(node._hooks.items()) if node._hooks else ():
                if kind == "grad":
                    result = hook(g)
                    g = g if result is None else result
            if captured is not None:
                if id(node) in captured:
                    captured[id(node)] = g
                if node._retains_grad and node._ctx is not None:  # (as autograd._walk)
                    node._grad = g if node._grad is None else node._grad + g
            elif _is_leaf_like(node):
                node._grad = g if node._grad is None else node._grad + g
                run_post_accumulate_hooks(node)
            fn = node._ctx
            if fn is None or (leads_to_input is not None and
                              not any(id(parent) in leads_to_input for parent in inputs_seen_by(fn))):
                continue
            if fn.saved is None:
                raise RuntimeError(SECOND_BACKWARD)
            check_versions(fn)
            for parent, pg in zip(inputs_seen_by(fn), graph_backward(fn, g)):
                if pg is None or not parent.requires_grad:
                    continue
                if pg.dtype != parent.dtype:
                    pg = pg.to(parent.dtype)
                key = id(parent)
                grads[key] = pg if key not in grads else grads[key] + pg
            if not retain_graph:
                fn.saved = None


"""PyTorch-style custom autograd functions: a subclass of ``minigrad.autograd.Function`` whose ``forward(ctx,
*args)`` and ``backward(ctx, *grad_outputs)`` are static methods on Tensors, as ``torch.autograd.Function``'s.

``apply`` runs ``forward`` outside the graph and links its outputs to one node whose backward calls the user's
``backward`` with the outputs' gradients (zeros for an output that got none, unless ``set_materialize_grads(False)``)
and hands its results to the inputs. Several outputs are joined through one hidden tensor holding them flattened, so
that the engine delivers all their gradients to the user's ``backward`` at once."""
import numpy as np

from . import autograd_nodes
from .autograd import Function, next_sequence

__all__ = ["Function", "InplaceFunction", "FunctionCtx", "apply_custom", "once_differentiable"]
InplaceFunction = Function  # (torch.autograd.function's name for a Function that may write its input)


class FunctionCtx:
    """What ``forward`` and ``backward`` share: ``save_for_backward``/``saved_tensors``, ``needs_input_grad``,
    ``mark_non_differentiable``, ``set_materialize_grads``, ``mark_dirty``, and any attribute set on it."""

    def __init__(self):
        self.to_save, self.non_differentiable, self.materialize_grads = (), set(), True
        self.needs_input_grad, self.dirty = (), set()

    def save_for_backward(self, *tensors):
        """Keep tensors for backward (through the pack hook of an active saved_tensors_hooks)."""
        if autograd_nodes.HOOKS:
            self.to_save, self.unpack = autograd_nodes.pack_tensors(tensors)
        else:
            self.to_save, self.unpack = tensors, None

    @property
    def saved_tensors(self):
        if getattr(self, "unpack", None) is None:
            return self.to_save
        return tuple(None if t is None else self.unpack(t) for t in self.to_save)

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        """The inputs ``forward`` changed in place (and returns): they come back as the outputs themselves, their
        history now passing through this function, as PyTorch's."""
        self.dirty.update(id(t) for t in tensors)


def once_differentiable(fn):
    """``torch.autograd.function.once_differentiable``: the backward as it is (minigrad does not differentiate
    backward passes)."""
    return fn


_NODE_CLASSES = {}


def _node_class(cls):
    """The node class of custom function ``cls``, named ``<cls>Backward`` as PyTorch names it
    (``type(y.grad_fn).__name__``)."""
    if cls not in _NODE_CLASSES:
        _NODE_CLASSES[cls] = type(f"{cls.__name__}Backward", (_CustomNode,), {})
    return _NODE_CLASSES[cls]


class _CustomNode:
    """The graph node of one custom-function call (the engine's Function protocol: parents, saved, backward)."""

    next_functions = property(autograd_nodes.next_functions)
    _replaced = None  # (see Function._replaced)

    def name(self):
        """``MyFunctionBackward``, as PyTorch names a custom function's node."""
        return f"{self.cls.__name__}Backward"

    def __repr__(self):
        return f"<torch.autograd.function.{self.name()} object at {id(self):#x}>"  # (PyTorch's module path)

    def __init__(self, cls, ctx, args, outputs, differentiable):
        from .tensor import Tensor
        self.cls, self.ctx, self.args = cls, ctx, args
        self.parents = tuple(a for a in args if isinstance(a, Tensor))
        self.needs_input_grad = tuple(t.requires_grad for t in self.parents)
        # every output, and whether its gradient arrives (the others get zeros, or None when not materialized)
        self.outputs = [(tuple(o.shape), o.dtype, id(o) in differentiable) if isinstance(o, Tensor) else None
                        for o in outputs]
        self.joined = sum(1 for o in self.outputs if o is not None and o[2]) > 1
        self.device, self.B = self.parents[0].device, self.parents[0].backend
        self.saved = ()
        self._sequence = next_sequence()
        self.received = set()  # (joined outputs: the ones whose gradient arrived in this pass)

    def backward(self, g):
        from .autograd import no_grad
        from .tensor import Tensor
        parts, start = [], 0
        for entry in self.outputs:
            if entry is None:
                parts.append(None)
                continue
            shape, dtype, arrives = entry
            if not arrives:
                parts.append(Tensor._wrap(self.B.zeros(shape, dtype), self.device) if self.ctx.materialize_grads
                             else None)
                continue
            size = int(np.prod(shape))
            if not self.joined:
                part = g
            else:
                part = self.B.reshape(g[start:start + size], shape)
                if start not in self.received and not self.ctx.materialize_grads:
                    part = None  # (no gradient reached this output: None, not zeros, when not materialized)
                start += size
            parts.append(None if part is None else Tensor._wrap(self.B.astype(part, dtype), self.device))
        self.received.clear()
        with no_grad():
            results = self.cls.backward(self.ctx, *parts)
        results = results if isinstance(results, tuple) else (results,)
        if len(results) < len(self.args):
            raise RuntimeError(f"function {self.cls.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {len(self.args)}, got {len(results)})")
        grads = []
        for arg, grad in zip(self.args, results):
            if not isinstance(arg, Tensor):
                continue
            if grad is None:
                grads.append(None)
                continue
            if tuple(grad.shape) != tuple(arg.shape):
                grad = grad.sum_to_size(*arg.shape) if grad.numel() != arg.numel() else grad.reshape(tuple(arg.shape))
            grads.append(grad.to(arg.dtype).array)
        return tuple(grads)


class _Part:
    """One output of a multi-output custom function, read from the hidden tensor that joins them."""

    next_functions = property(autograd_nodes.next_functions)
    _replaced = None

    def name(self):
        return "SplitWithSizesBackward0"  # (one output of several: PyTorch shows its node, this is ours)

    def __init__(self, hub, start, shape, dtype):
        self.parents, self.saved, self.hub = (hub,), (), hub
        self._sequence = next_sequence()
        self.start, self.shape, self.dtype = start, shape, dtype
        self.device, self.B = hub.device, hub.backend
        self.hub_shape, self.hub_dtype = tuple(hub.shape), hub.dtype

    def backward(self, g):
        B = self.B
        self.hub._ctx.received.add(self.start)
        size = int(np.prod(self.shape))
        before, after = self.start, self.hub_shape[0] - self.start - size
        return B.concatenate([B.zeros((before,), self.hub_dtype), B.reshape(B.astype(g, self.hub_dtype), (size,)),
                              B.zeros((after,), self.hub_dtype)], 0)


def apply_custom(cls, *args, **kwargs):
    """``Function.apply`` of a PyTorch-style subclass: ``forward(ctx, *args)``, or ``forward(*args)`` followed by
    ``setup_context(ctx, inputs, output)`` when the class defines one (PyTorch 2's form)."""
    from .autograd import is_grad_enabled, no_grad
    from .tensor import Tensor
    ctx = FunctionCtx()
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    with no_grad():
        if getattr(cls, "setup_context", None) is not None:
            outputs = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, outputs)
        else:
            outputs = cls.forward(ctx, *args, **kwargs)
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    given, args = args, _rebase_dirty(ctx, args, outs)
    stand_ins = {id(a): b for a, b in zip(given, args) if a is not b}  # dirty input -> its old values
    tensors = [a for a in args if isinstance(a, Tensor)]
    if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
        return outputs
    differentiable = [o for o in outs if isinstance(o, Tensor) and o.is_floating_point()
                      and id(o) not in ctx.non_differentiable]
    if not differentiable:
        return outputs
    node = _node_class(cls)(cls, ctx, args, outs, {id(o) for o in differentiable})
    if len(differentiable) == 1:
        linked = {id(differentiable[0]): _linked(differentiable[0], node, ctx, stand_ins)}
    else:
        dtype = np.result_type(*[np.dtype(o.dtype) for o in differentiable])
        B = differentiable[0].backend
        flat = B.concatenate([B.reshape(B.astype(o.array, dtype), (-1,)) for o in differentiable], 0)
        hub = Tensor._wrap(flat, differentiable[0].device, True)
        hub._ctx = node
        linked, start = {}, 0
        for o in differentiable:
            part = _Part(hub, start, tuple(o.shape), o.dtype)
            linked[id(o)] = _linked(o, part, ctx, stand_ins)
            start += o.numel()
    result = tuple(linked.get(id(o), o) for o in outs)
    return result[0] if single else result


def _rebase_dirty(ctx, args, outs):
    """The call's arguments with each input that ``forward`` marked dirty (and returns) replaced, as the graph's
    input, by a stand-in holding its old history; the input itself takes the new history in ``_linked``."""
    from .ops.inplace import _check_inplace
    from .tensor import Tensor
    if not ctx.dirty:
        return args
    returned = {id(o) for o in outs}
    replaced = []
    for a in args:
        if isinstance(a, Tensor) and id(a) in ctx.dirty and id(a) in returned:
            _check_inplace(a)
            a._bump_version()
            stand_in = Tensor._wrap(a.array, a.device, a.requires_grad)
            stand_in._ctx = a._ctx
            replaced.append(stand_in)
        else:
            replaced.append(a)
    return tuple(replaced)


def _linked(output, node, ctx, stand_ins):
    """A tensor of ``output``'s values whose gradient goes to ``node``: a new one, or ``output`` itself when
    ``forward`` changed it in place (``mark_dirty``; nodes recorded before then see its stand-in)."""
    from .autograd import take_history
    from .tensor import Tensor
    if id(output) in ctx.dirty:
        take_history(output, node, stand_ins.get(id(output)), node._sequence - 1 if id(output) in stand_ins
                     else node._sequence)
        return output
    linked = Tensor._wrap(output.array, output.device, True)
    linked._ctx, linked._requires_grad = node, True
    return linked

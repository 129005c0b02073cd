"""Reverse-mode automatic differentiation: Function, the backward walk, no_grad.

A Function is one differentiable operation. Its ``forward`` receives raw arrays
(numpy on the CPU, device arrays on CUDA) and returns a raw array; its
``backward`` receives the gradient of the output and returns one gradient per
tensor input, in order (``None`` where no gradient is needed). Gradients are
raw arrays too: the engine builds no graph while differentiating, so the
backward pass costs no Python objects beyond the arrays themselves.
"""
import functools
import itertools
import threading
import warnings

import numpy as np

from .backends import get_backend
from . import autograd_nodes as _nodes

_state = threading.local()
# The active minigrad.utils.profiler.profile, if any: it times each op's forward and backward.
_profiler = None
# minigrad.anomaly_mode's recorder while torch.autograd.detect_anomaly is on, else None.
_anomaly = None
# PyTorch's words when a graph's saved values were freed by an earlier backward
SECOND_BACKWARD = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
                   "have already been freed). Saved intermediate values of the graph are freed when you call "
                   ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                   "graph a second time or if you need to access saved tensors after calling backward.")
_callbacks = []  # run when the current backward pass ends (queue_callback)
# Each recorded node's number, in recording order: a node recorded before an in-place change of one of its inputs
# sees that input's old value (``inputs_seen_by``).
_SEQUENCE = itertools.count()
next_sequence = _SEQUENCE.__next__


_TENSOR = []  # the Tensor class, imported at the first op (tensor.py imports this module)


def _tensor_class():
    if not _TENSOR:
        from .tensor import Tensor
        _TENSOR.append(Tensor)
    return _TENSOR[0]


def is_grad_enabled():
    """True unless inside ``no_grad()``, as ``torch.is_grad_enabled``."""
    return getattr(_state, "enabled", True)


def _set_mode(mode):
    _state.enabled = bool(mode)


class _GradMode:
    """Context manager and decorator that sets grad mode, then restores it."""

    mode = True

    def __enter__(self):
        self._previous = is_grad_enabled()
        _set_mode(self.mode)
        return self

    def __exit__(self, *exc):
        _set_mode(self._previous)
        return False

    def _fresh(self):
        return self.__class__()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)
        return wrapper


class set_grad_enabled(_GradMode):
    """Switch graph recording on or off, as ``torch.set_grad_enabled``: called alone it switches at once (until
    switched back); as a context manager or decorator it restores the previous mode on exit."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = is_grad_enabled()
        _set_mode(self.mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set_mode(self._previous)
        return False

    def _fresh(self):
        return _ScopedMode(self.mode)

    def __call__(self, fn):
        _set_mode(self._previous)  # as a decorator the mode applies inside fn only
        return super().__call__(fn)


class _ScopedMode(_GradMode):
    def __init__(self, mode):
        self.mode = mode


class no_grad(_GradMode):
    """Disable graph recording, as ``torch.no_grad`` (context manager or decorator)."""

    mode = False


class enable_grad(_GradMode):
    """Re-enable graph recording inside ``no_grad``, as ``torch.enable_grad``."""

    mode = True


class Function:
    """One differentiable op: subclasses write ``forward`` and ``backward`` side by side.

    ``apply(*args, **kwargs)`` unwraps Tensor arguments to arrays, runs
    ``forward``, and, when grad mode is on and an input requires grad, links the
    result into the graph. Inside ``forward``, ``self.save_for_backward`` keeps
    arrays for ``backward`` and ``self.needs_input_grad[i]`` says whether the
    i-th tensor input wants a gradient.
    """

    _tensor_level = False  # a PyTorch-style subclass: static forward(ctx, ...) and backward(ctx, ...) on Tensors
    _sequence = 0  # the node's number in recording order (set when recorded)
    _replaced = None  # (number, old tensor) on the node an in-place op gave its tensor: see inputs_seen_by
    # Whether forward and backward are right for complex tensors; the others refuse complex inputs rather than give
    # a wrong gradient (see ops/complex_numbers.py). A holomorphic op's backward is written as g times its
    # derivative f'; for complex tensors the engine runs it as conj(backward(conj(g))) = g conj(f'), PyTorch's
    # convention, so one backward serves real and complex tensors.
    supports_complex = False
    holomorphic = False

    def __init_subclass__(cls, **kwargs):
        import inspect
        super().__init_subclass__(**kwargs)
        cls._tensor_level = isinstance(inspect.getattr_static(cls, "forward", None), staticmethod)

    def __init__(self):
        self.parents = ()
        self.saved = ()
        self.needs_input_grad = ()

    def save_for_backward(self, *arrays):
        self.saved = arrays if not _nodes.HOOKS else _nodes.pack(arrays, self.device)

    @property
    def next_functions(self):
        """``grad_fn.next_functions``: (node, 0) per input: its grad_fn, an AccumulateGrad for a leaf, or None."""
        return _nodes.next_functions(self)

    def name(self):
        """The node's name as PyTorch prints it in ``grad_fn=<MulBackward0>`` (``grad_fn.name()``): the op's
        class name, or PyTorch's name for it where they differ, then ``Backward0``."""
        own = self.__dict__.get("node_name")  # (set by ``named_node`` where the op's name depends on its call)
        if own is not None:
            return own
        op = type(self).__name__
        if op == "WriteFlat":  # (an in-place change of a view: PyTorch's node for it has no Backward suffix)
            return "torch::autograd::CopySlices"
        return _TORCH_NAMES.get(op, op) + "Backward0"

    def __repr__(self):
        """``<MulBackward0 object at 0x...>``, as PyTorch prints a graph node."""
        return f"<{self.name().rsplit('::', 1)[-1]} object at {id(self):#x}>"

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _tensor_class()
        if cls._tensor_level:
            from .custom_function import apply_custom
            return apply_custom(cls, *args, **kwargs)

        tensors = [a for a in args if isinstance(a, Tensor)]
        if not tensors:
            raise TypeError(f"{cls.__name__} needs at least one Tensor argument")
        device = tensors[0].device
        for t in tensors[1:]:
            if t.device is not device and t.device != device:
                raise RuntimeError(
                    f"{cls.__name__}: expected all tensors on one device, "
                    f"got {device} and {t.device}")
        for t in tensors:
            if t.array.dtype.kind == "c" and not (cls.supports_complex and t.device.type == "cpu"):
                _refuse_complex(cls, t)
            if t._base is not None and t._version_cell[0] != t._view_version:
                if t._view_creation in MADE_WITHOUT_GRAD and getattr(_state, "enabled", True) and \
                        (t._ctx is not None or t._base.requires_grad):
                    raise RuntimeError(view_creation_error(t, "its base or another view of its base has been"))
                from .ops.view_inplace import refresh_view
                refresh_view(t)  # its base changed in place since the view's history was set
        fn = cls()
        fn.device = device
        fn.B = get_backend(device)
        fn.needs_input_grad = tuple([t._requires_grad for t in tensors])
        raw = [a.array if isinstance(a, Tensor) else a for a in args]
        start = _profiler.start() if _profiler is not None else None
        out = fn.forward(*raw, **kwargs)
        if start is not None:
            _profiler.record(cls.__name__, "forward", start, device)
        track = getattr(_state, "enabled", True) and True in fn.needs_input_grad
        result = Tensor._wrap(out, device=device, requires_grad=track)
        _link_view(result, tensors)
        if track:
            # (args itself when it holds only the tensors, and the call's two parts as two attributes: every tuple
            # made here is one more object for the garbage collector to visit while the graph lives)
            fn.parents = args if len(tensors) == len(args) else tuple(tensors)
            fn.call_args, fn.call_kwargs = args, kwargs  # for a second differentiation: the op re-run on Tensors
            result._ctx = fn
            fn._sequence = next_sequence()
            if _anomaly is not None:
                _anomaly.record(fn)
            fn.versions = _saved_versions(fn.saved, tensors, result)
        return result


# ops whose PyTorch node has another name (for printing only)
_TORCH_NAMES = {"Conv2d": "Convolution", "ConvTranspose2d": "Convolution", "ReLU": "Relu", "LeakyReLU": "LeakyRelu",
                "CrossEntropy": "NllLoss", "Reshape": "View", "MaxPool2d": "MaxPool2DWithIndices",
                "AvgPool2d": "AvgPool2D", "BatchNorm": "NativeBatchNorm", "Index": "Index", "MatMul": "Mm",
                "ToDtype": "ToCopy", "Extreme": "Max", "TakeAlongDim": "Max", "Interpolate": "UpsampleBilinear2D"}


def named_node(result, torch_name, *inputs):
    """``result`` with its graph node named as PyTorch names the op that made it (``SumBackward1`` for a sum over
    dims, ``AddmmBackward0`` for a linear layer...), where minigrad built it from an op of another name. Nothing
    changes when the result is one of the ``inputs`` (an op that returned its input) or has no node."""
    node = getattr(result, "_ctx", None)
    if node is not None and not any(result is x for x in inputs):
        node.node_name = torch_name
    return result


def named_as(torch_name):
    """Decorator: the op's result node named ``torch_name``, as ``named_node`` names it."""
    def decorate(op):
        @functools.wraps(op)
        def named(*args, **kwargs):
            return named_node(op(*args, **kwargs), torch_name, *args)
        return named
    return decorate


def _storage_root(array):
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def _conjugated(grads):
    if not isinstance(grads, tuple):
        return None if grads is None else np.conjugate(grads)
    return tuple(None if g is None else np.conjugate(g) for g in grads)


def _refuse_complex(cls, tensor):
    if tensor.device.type != "cpu":
        raise NotImplementedError(f"{cls.__name__}: minigrad's complex tensors live on the CPU only")
    raise NotImplementedError(f"{cls.__name__}: this op does not take complex tensors in minigrad yet (README, "
                              "\"Complex numbers and FFT\")")


def _link_view(result, inputs):
    """A result that looks into an input's memory (reshape, slicing, transpose...) is a view of it, as in
    PyTorch: it shares the input's version counter, and ``_base`` names the tensor it looks into.

    A view made under no_grad (or inference_mode) of a tensor that requires grad requires grad too, as PyTorch's,
    but is a leaf that takes no gradient, and neither it nor a view of it may then be changed in place in grad
    mode (``_view_creation`` remembers the mode; see view_creation_error)."""
    array = result.array
    if getattr(array, "base", None) is None:
        for t in inputs:
            if array is t.array:
                break
        else:
            return
    root = _storage_root(result.array)
    for t in inputs:
        if t.array is result.array or _storage_root(t.array) is root:
            result._version_box = t._version_box
            result._base = t._base if t._base is not None else t
            result._view_version = int(t._version_cell[0])
            result._view_creation = t._view_creation if t._view_creation in MADE_WITHOUT_GRAD else None
            if not getattr(_state, "enabled", True):
                result._view_creation = "inference_mode" if getattr(_state, "inference", False) else "no_grad"
                # (PyTorch asks the base it looks into; a loaded tensor is its views' base)
                base = t if result._base._view_creation == "storage" else result._base
                result._requires_grad = base.requires_grad
            return


# the grad modes a view remembers it was made in (Tensor._view_creation; "storage" marks a loaded file's storage)
MADE_WITHOUT_GRAD = ("no_grad", "inference_mode")


def view_creation_error(view, what_changed, through=None):
    """PyTorch's message when a view made under no_grad or inference_mode (or a view of one) ``is being`` changed
    in place in grad mode, or used after ``its base or another view of its base has been``; ``through``: the op
    of a view taken of it on the way (``v[0] = ...`` writes through a Select)."""
    mode = view._view_creation
    if through is None and view._ctx is not None:
        through = view._ctx.name()[:-len("Backward0")]
    if through is None:
        prefix = "A view was created in"
    else:
        prefix = f"Output 0 of {through} is a view of a view which was created in"
    if mode == "inference_mode":
        situation = f"{prefix} inference mode and {what_changed} modified inplace in normal mode."
    else:
        situation = f"{prefix} no_grad mode and {what_changed} modified inplace with grad mode enabled."
    return (f"{situation} Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
            f"your code by moving both the view and the inplace either both inside the {mode} block (if you "
            f"don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).")


def _saved_versions(saved, inputs, result):
    """(counter, value) of every tensor whose own array the op saved for backward, checked at backward."""
    if not saved:
        return ()
    ids = {id(a) for a in saved}
    # No tensor is kept here (a result -> fn -> result cycle would hold activations until the garbage collector
    # runs): the counter, the value seen, and what the message needs.
    # (The message's text is made only when it is raised: formatting a dtype costs microseconds on every op.)
    found = [(t, "an input") for t in inputs if id(t.array) in ids]
    if id(result.array) in ids:
        found.append((result, "output 0"))
    return tuple((t._version_box, int(t._version_box[0]), t.array.dtype, t.array.shape, role) for t, role in found)


def _check_versions(fn):
    for box, seen, dtype, shape, role in getattr(fn, "versions", ()):
        if box[0] != seen:
            from .legacy import dtype_type_name
            hint = ("the backtrace further above shows the operation that failed to compute its gradient. The "
                    "variable in question was changed in there or anywhere later. Good luck!") if _anomaly else (
                "enable anomaly detection to find the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).")
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [{dtype_type_name(dtype)} {list(shape)}], which is {role} of {type(fn).__name__}, is "
                f"at version {int(box[0])}; expected version {seen} instead. Hint: {hint}")


def inputs_seen_by(fn):
    """``fn``'s input tensors as they were when ``fn`` was recorded. An in-place op gives its tensor a new graph
    node and keeps the old values in a hidden tensor (ops/inplace.py); a node recorded earlier that reads the
    tensor must send its gradient to those old values, as PyTorch's edges point at nodes, not tensors: otherwise
    ``a = x * 2; x.mul_(3)`` would route a's gradient through the multiplication by 3."""
    parents = fn.parents
    for parent in parents:
        node = parent._ctx
        if node is not None and node._replaced is not None:
            return tuple(_seen_by(fn, p) for p in parents)
    return parents


def take_history(tensor, node, old, since, changed=True):
    """``tensor`` (``changed`` in place) takes ``node`` as its graph node. When ``node`` was recorded after number
    ``since`` (by the in-place op itself), nodes recorded before now see ``old``, the tensor holding the old
    values and history, in its place (``inputs_seen_by``); so do the hooks registered so far, as PyTorch's hooks
    registered before an in-place change receive the gradient of the old values."""
    if node is not None and node._sequence > since:
        node._replaced = (next_sequence(), old)
        if changed and tensor._hooks and old is not None:
            old._hooks, tensor._hooks = tensor._hooks, None
    tensor._ctx, tensor._requires_grad = node, True


def _seen_by(fn, tensor):
    node = tensor._ctx
    while node is not None and node._replaced is not None and fn._sequence < node._replaced[0]:
        tensor = node._replaced[1]
        node = tensor._ctx
    return tensor


def _topological_order(roots):
    """Nodes reachable from ``roots`` with each node after all its consumers, no recursion."""
    order, visited = [], set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            for parent in inputs_seen_by(node._ctx):
                # (a view made under no_grad is a leaf without a gradient: PyTorch's graph has no edge to it)
                if id(parent) not in visited and parent._requires_grad and \
                        (parent._view_creation not in MADE_WITHOUT_GRAD or parent._ctx is not None):
                    stack.append((parent, False))
    order.reverse()
    return order


def _leading_to(order, targets):
    """Ids of the nodes in ``order`` (consumers first) that are in ``targets`` or have a parent that leads there."""
    leading = set()
    for node in reversed(order):
        if id(node) in targets or (node._ctx is not None and
                                   any(id(parent) in leading for parent in inputs_seen_by(node._ctx))):
            leading.add(id(node))
    return leading


def _as_tuple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _initial_grads(outputs, grad_outputs, keep_tensors=False):
    """{id(output): gradient array} for the walk: ones for a scalar output without a given gradient. With
    ``keep_tensors`` a gradient given as a Tensor stays that Tensor (create_graph: it may require grad)."""
    from .tensor import Size, Tensor

    grad_outputs = (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs: got {len(grad_outputs)} "
                           f"gradients for {len(outputs)} outputs")
    grads = {}
    for index, (out, gradient) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"element {index} of tensors does not require grad and does not have a grad_fn")
        backend = out.backend
        if gradient is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grad = backend.full(out.shape, 1.0, out.dtype)
        else:
            grad = gradient.array if isinstance(gradient, Tensor) else backend.asarray(gradient, out.dtype)
            if tuple(grad.shape) != tuple(out.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{index}] has a shape of {Size(grad.shape)} and "
                                   f"output[{index}] has a shape of {Size(out.shape)}.")
        if keep_tensors:
            grad = gradient if isinstance(gradient, Tensor) else Tensor._wrap(grad, out.device)
        key = id(out)
        grads[key] = grad if key not in grads else (grads[key] + grad if keep_tensors else
                                                    backend.add(grads[key], grad))
    return grads


def _walk(outputs, grads, retain_graph, captured=None, create_graph=False):
    """Propagate ``grads`` from ``outputs`` to the leaves. Without ``captured`` each leaf (and each tensor that
    called ``retain_grad``) accumulates its gradient in ``.grad``; with it, the gradient reaching each tensor
    whose id is in ``captured`` is stored there instead and no leaf's ``.grad`` changes (``autograd.grad``; a
    non-leaf that called ``retain_grad`` still accumulates what passes through it, as in PyTorch): then only
    the ops between the outputs and those tensors run (and free their saved arrays), as in PyTorch. With
    ``create_graph`` the gradients are Tensors recorded in the graph (autograd_graph)."""
    order = _topological_order(outputs)
    leads_to_input = _leading_to(order, captured) if captured is not None else None
    if create_graph:
        from .autograd_graph import walk_graph
        return walk_graph(outputs, grads, retain_graph, captured, order, leads_to_input, _check_versions)
    for node in order:
        g = grads.pop(id(node), None)
        if g is None:
            continue
        if node._hooks:
            g = _run_grad_hooks(node, g)
        if captured is not None:
            if id(node) in captured:
                captured[id(node)] = g
            if node._retains_grad and node._ctx is not None:  # (PyTorch's retain_grad hook fires in grad() too)
                node._accumulate_grad(g)
        elif node._ctx is None or node._retains_grad:
            node._accumulate_grad(g)
            run_post_accumulate_hooks(node)
        fn = node._ctx
        if fn is None or (leads_to_input is not None and
                          not any(id(parent) in leads_to_input for parent in inputs_seen_by(fn))):
            continue
        if fn.saved is None:
            raise RuntimeError(SECOND_BACKWARD)
        _check_versions(fn)
        saved = fn.saved
        if type(saved) is _nodes.PackedSaved:  # (saved under saved_tensors_hooks: unpacked for this pass)
            fn.saved = saved.unpacked()
        start = _profiler.start() if _profiler is not None else None
        if getattr(fn, "holomorphic", False) and g.dtype.kind == "c":
            input_grads = _conjugated(fn.backward(np.conjugate(g)))
        else:
            input_grads = fn.backward(g)
        if start is not None:
            _profiler.record(type(fn).__name__, "backward", start, fn.device)
        if _anomaly is not None:
            _anomaly.check(fn, input_grads)
        _pass_on(fn, input_grads, grads)
        del g, input_grads  # (``.grad`` takes a gradient without a copy only where nothing else holds it)
        # Free the saved arrays as soon as they have been used (or keep them as they were saved).
        fn.saved = saved if retain_graph else None


def run_post_accumulate_hooks(node):
    """``register_post_accumulate_grad_hook`` hooks, once ``node.grad`` has taken this pass's gradient (each must
    return None, as PyTorch requires)."""
    for (kind, _), hook in list(node._hooks.items()) if node._hooks else ():
        if kind == "post_accumulate" and hook(node) is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def _run_grad_hooks(node, g):
    """The gradient of ``node`` after its ``register_hook`` hooks, in their order: each sees the gradient the
    previous one left, and a tensor it returns takes its place."""
    from .tensor import Tensor
    for (kind, _), hook in list(node._hooks.items()):
        if kind != "grad":
            continue
        result = hook(Tensor._wrap(g, node.device))
        if result is not None:
            if tuple(result.shape) != tuple(node.shape):
                raise RuntimeError(f"hook returned a gradient of shape {tuple(result.shape)} for a tensor of shape "
                                   f"{tuple(node.shape)}")
            g = result.array if result.dtype == node.dtype else result.to(node.dtype).array
    return g


def _pass_on(fn, input_grads, grads):
    """Add what ``fn.backward`` returned to the gradients waiting for its inputs."""
    if not isinstance(input_grads, tuple):
        input_grads = (input_grads,)
    for parent, pg in zip(inputs_seen_by(fn), input_grads):
        if pg is None or not parent._requires_grad:
            continue
        if tuple(pg.shape) != tuple(parent.shape):
            raise RuntimeError(
                f"{type(fn).__name__}.backward returned a gradient of shape "
                f"{tuple(pg.shape)} for an input of shape {tuple(parent.shape)}")
        key = id(parent)
        grads[key] = pg if key not in grads else parent.backend.add(grads[key], pg)


_warned_of_cycle = []


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``, as ``torch.autograd.backward`` (and
    ``Tensor.backward``): ``tensors`` one tensor or several, ``grad_tensors`` their gradients. With
    ``create_graph=True`` the gradients are recorded in the graph (``.grad`` can be differentiated again; see
    autograd_graph for the ops this covers), and the graph is kept unless ``retain_graph=False``. With ``inputs``
    only those tensors (leaves or not) accumulate their gradients; every other ``.grad`` stays as it was."""
    outputs = _as_tuple(tensors)
    retain_graph = create_graph if retain_graph is None else retain_graph
    if create_graph and not _warned_of_cycle:
        _warned_of_cycle.append(True)  # once per process, as PyTorch's engine warns
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this. If you have to use this function, make sure to reset the "
                      ".grad fields of your parameters to None after use to break the cycle and avoid the leak.",
                      UserWarning, stacklevel=3)
    try:
        if inputs is None:
            _walk(outputs, _initial_grads(outputs, grad_tensors, create_graph), bool(retain_graph),
                  create_graph=create_graph)
        else:
            inputs = _as_tuple(inputs)
            if not inputs:
                raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
            _accumulate_into(inputs, grad(outputs, inputs, grad_tensors, retain_graph, create_graph,
                                          allow_unused=True))
        callbacks = list(_callbacks)
    finally:
        _callbacks.clear()
    for callback in callbacks:
        callback()


def _accumulate_into(inputs, grads):
    """backward(inputs=...): each input's gradient added to its ``.grad`` (a Tensor in the graph with
    create_graph); an input the outputs do not reach keeps its ``.grad``."""
    for t, g in zip(inputs, grads):
        if g is None or (t._retains_grad and t._ctx is not None):  # (a retained non-leaf has it from the walk)
            continue
        if g.requires_grad:
            t.grad = g if t._grad is None else t._grad + g
        else:
            t._accumulate_grad(g.array)


def queue_callback(callback):
    """Run ``callback()`` once the current backward pass has finished, as PyTorch's engine callbacks
    (DistributedDataParallel completes its all-reduces there, before ``backward()`` returns)."""
    _callbacks.append(callback)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned as a tuple and not accumulated in
    ``.grad``, as ``torch.autograd.grad``; with ``create_graph=True`` they are in the graph, so that they can be
    differentiated again (a gradient penalty, a Hessian-vector product; see autograd_graph for the ops covered)."""
    from .tensor import Tensor

    retain_graph = create_graph if retain_graph is None else retain_graph
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported by minigrad")
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    captured = {id(t): None for t in inputs}
    _walk(outputs, _initial_grads(outputs, grad_outputs, create_graph), bool(retain_graph), captured, create_graph)
    results = []
    for index, t in enumerate(inputs):
        g = captured[id(t)]
        if g is None:
            if materialize_grads:
                g = t.backend.full(t.shape, 0.0, t.dtype)
            elif not (allow_unused or materialize_grads):
                raise RuntimeError(f"The differentiated Tensor at index {index} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
        results.append(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g, t.device))
    return tuple(results)


class inference_mode(_GradMode):
    """``torch.inference_mode(mode=True)``: as ``no_grad`` here (context manager or decorator). minigrad has no
    separate inference tensors, so tensors made inside may later take part in autograd, as after no_grad; only
    views remember the mode (for PyTorch's message when one is changed in place outside)."""

    def __init__(self, mode=True):
        self.mode = not mode

    def __enter__(self):
        self._previous_inference = getattr(_state, "inference", False)
        _state.inference = not self.mode
        return super().__enter__()

    def __exit__(self, *exc):
        _state.inference = self._previous_inference
        return super().__exit__(*exc)

    def _fresh(self):
        return inference_mode(not self.mode)


def is_inference_mode_enabled():
    """True inside ``inference_mode()`` (or ``no_grad``: minigrad does not tell them apart)."""
    return not is_grad_enabled()


class _VariableMeta(type):
    def __instancecheck__(cls, instance):
        from .tensor import Tensor
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """The deprecated ``torch.autograd.Variable``: ``Variable(t)`` is ``t`` (``requires_grad=True`` sets it);
    every Tensor is an instance, as in PyTorch since 0.4."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        from .tensor import Tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if requires_grad:
            data.requires_grad_(True)
        return data

from .custom_function import FunctionCtx, once_differentiable  # noqa: E402,F401  (torch.autograd.function's)


def __getattr__(name):
    """``torch.autograd``'s names kept in modules of their own: ``gradcheck``, anomaly detection, ``functional``."""
    if name in ("gradcheck", "gradgradcheck"):
        from .utils.gradcheck import gradcheck, gradgradcheck
        return gradcheck if name == "gradcheck" else gradgradcheck
    if name == "functional":
        from . import autograd_functional
        return autograd_functional
    if name == "graph":
        return _nodes
    if name == "function":
        from . import custom_function
        return custom_function
    if name in ("detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"):
        from . import anomaly_mode
        return getattr(anomaly_mode, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

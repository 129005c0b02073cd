"""``torch.autograd.graph``: hooks on the tensors ops save for backward (``saved_tensors_hooks``, ``save_on_cpu``,
``disable_saved_tensors_hooks``) and the graph seen from a node (``grad_fn.next_functions``, ``AccumulateGrad``
with its ``variable``), so that activation-offloading code and graph drawers (torchviz) run.

While a ``saved_tensors_hooks(pack, unpack)`` context is active, every tensor an op saves for its backward is
handed to ``pack`` (as a Tensor) and what ``pack`` returns is kept instead; the backward pass gets
``unpack(kept)`` back. Several contexts nest: the innermost applies."""
import weakref

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "AccumulateGrad", "next_functions"]

HOOKS = []  # the active (pack, unpack) pairs, innermost last (read by Function.save_for_backward)
_DISABLED = []  # messages of active disable_saved_tensors_hooks contexts


class saved_tensors_hooks:
    """``torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook)``: a context manager."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _DISABLED:
            raise RuntimeError(_DISABLED[-1])
        HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        HOOKS.pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """``torch.autograd.graph.save_on_cpu(pin_memory=False)``: saved tensors kept on the CPU, moved back to
    their device for the backward pass."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.cpu()), lambda packed: packed[1].to(packed[0]))


class disable_saved_tensors_hooks:
    """``torch.autograd.graph.disable_saved_tensors_hooks(error_message)``: entering a saved_tensors_hooks
    context inside raises RuntimeError(error_message)."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _DISABLED.append(self.error_message)
        return self

    def __exit__(self, *exc):
        _DISABLED.pop()
        return False


class PackedSaved(tuple):
    """An op's saved values as its pack hook returned them, with the unpack hook that restores them."""

    def __new__(cls, packed, unpack, device):
        self = super().__new__(cls, packed)
        self.unpack, self.device = unpack, device
        return self

    def unpacked(self):
        """The arrays (or values) the op saved, through the unpack hook."""
        from .tensor import Tensor
        out = []
        for item in self:
            if isinstance(item, _Plain):
                out.append(item.value)
                continue
            value = self.unpack(item)
            out.append(value.array if isinstance(value, Tensor) else value)
        return tuple(out)


class _Plain:
    """A saved value that is not an array (a number, None): kept as it is, not packed."""

    def __init__(self, value):
        self.value = value


def _packed(items, pack_one):
    """``pack_one`` over ``items`` with the hooks off: the ops a pack hook runs save theirs without hooks, as in
    PyTorch (else each would pack again, forever)."""
    active = HOOKS[:]
    HOOKS.clear()
    try:
        return [pack_one(item) for item in items]
    finally:
        HOOKS[:] = active


def pack_tensors(tensors):
    """A custom function's saved tensors through the innermost pack hook (None kept), and the unpack hook."""
    pack_hook, unpack_hook = HOOKS[-1]
    return tuple(_packed(tensors, lambda t: None if t is None else pack_hook(t))), unpack_hook


def pack(values, device):
    """``values`` (an op's saved arrays) through the innermost pack hook, as Tensors."""
    from .tensor import Tensor
    pack_hook, unpack_hook = HOOKS[-1]
    packed = _packed(values, lambda v: pack_hook(Tensor._wrap(v, device)) if hasattr(v, "shape") and
                     hasattr(v, "dtype") else _Plain(v))
    return PackedSaved(packed, unpack_hook, device)


class AccumulateGrad:
    """The node at a leaf that requires grad, as PyTorch's: ``variable`` is the leaf; no inputs of its own."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


_ACCUMULATORS = weakref.WeakValueDictionary()  # id(leaf) -> its AccumulateGrad, one per leaf while in use


def _node_of(tensor):
    if tensor._ctx is not None:
        return tensor._ctx
    if not tensor.requires_grad:
        return None
    node = _ACCUMULATORS.get(id(tensor))
    if node is None or node.variable is not tensor:
        node = AccumulateGrad(tensor)
        _ACCUMULATORS[id(tensor)] = node
    return node


def next_functions(fn):
    """``grad_fn.next_functions``: a (node, 0) pair per input tensor of ``fn``: the input's own node, its
    AccumulateGrad when it is a leaf that requires grad, else None."""
    from .autograd import inputs_seen_by
    return tuple((_node_of(parent), 0) for parent in inputs_seen_by(fn))

"""``nn.Parameter``: a leaf tensor that a Module registers as learnable."""
import weakref

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that requires grad by default and is found by ``Module.parameters()``, as ``torch.nn.Parameter``."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = []
        source = data.array if isinstance(data, Tensor) else data
        device = data.device if isinstance(data, Tensor) else "cpu"
        super().__init__(source, dtype=None if not isinstance(data, Tensor) else data.dtype, device=device)
        if isinstance(data, Tensor):
            self.array = data.array
        if requires_grad:
            self._require_grad_at_creation()

    def __deepcopy__(self, memo):
        """Values and ``requires_grad``, not ``.grad``: PyTorch's Parameter deepcopy (a plain tensor's keeps it)."""
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor._wrap(self.backend.copy(self.array), self.device),
                                       requires_grad=self.requires_grad)
        return memo[id(self)]

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class _BufferMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and id(obj) in _BUFFER_PERSISTENCE


# id(tensor) -> persistent, for tensors made by Buffer (a Tensor has slots, not a __dict__, to hold the mark)
_BUFFER_PERSISTENCE = {}


class Buffer(metaclass=_BufferMeta):
    """``torch.nn.Buffer(data, persistent=True)``: a tensor (detached from ``data``'s graph, sharing its values) that
    a Module registers as a buffer when assigned as an attribute; ``persistent=False`` keeps it out of the
    ``state_dict``. As PyTorch's, the object made is a plain Tensor: ``isinstance(t, nn.Buffer)`` tells it apart."""

    def __new__(cls, data=None, *, persistent=True):
        from ..creation import empty
        tensor = (empty(0) if data is None else data).detach().requires_grad_(
            False if data is None else data.requires_grad)
        _BUFFER_PERSISTENCE[id(tensor)] = persistent
        weakref.finalize(tensor, _BUFFER_PERSISTENCE.pop, id(tensor), None)
        return tensor


def buffer_persistence(value):
    """True/False when value was made by ``Buffer`` (its ``persistent``), else None."""
    return _BUFFER_PERSISTENCE.get(id(value)) if isinstance(value, Tensor) else None


def __getattr__(name):
    """``torch.nn.parameter``'s lazy parameter names, kept in lazy.py (which builds on Parameter)."""
    if name in ("UninitializedParameter", "UninitializedBuffer"):
        from . import lazy
        return getattr(lazy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

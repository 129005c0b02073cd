"""``nn.Parameter``: a leaf tensor that a Module registers as learnable."""
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
        self.requires_grad_(requires_grad)

    def __deepcopy__(self, memo):
        """Values and ``requires_grad``, not ``.grad``: PyTorch's Parameter deepcopy (a plain tensor's keeps it)."""
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor._wrap(self.backend.copy(self.array), self.device),
                                       requires_grad=self.requires_grad)
        return memo[id(self)]

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

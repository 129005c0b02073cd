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

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

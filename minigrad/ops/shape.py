"""Shape ops: reshape, permute, indexing, cat... and moving between dtypes and devices."""
from ..autograd import Function
from ..backends import get_backend
from ..tensor import Tensor, _is_floating

__all__ = ["to_dtype", "to_device"]


class ToDtype(Function):
    def forward(self, a, dtype):
        self.source_dtype = a.dtype
        return self.B.astype(a, dtype)

    def backward(self, g):
        return self.B.astype(g, self.source_dtype)


def to_dtype(x, dtype):
    """Cast, as ``Tensor.to(dtype)``; differentiable between floating dtypes."""
    if _is_floating(x.dtype) and _is_floating(dtype):
        return ToDtype.apply(x, dtype=dtype)
    return Tensor._wrap(x.backend.astype(x.array, dtype), x.device)


class ToDevice(Function):
    def forward(self, a, target):
        self.source = self.device
        host = self.B.to_numpy(a)
        return get_backend(target).from_numpy(host)

    def backward(self, g):
        return self.B.from_numpy(get_backend(self.target).to_numpy(g))


def to_device(x, target):
    """Copy to another device, as ``Tensor.to(device)``; gradients flow back to the source."""
    out_backend = get_backend(target)
    if not x.requires_grad:
        return Tensor._wrap(out_backend.from_numpy(x.backend.to_numpy(x.array)), target)
    fn = ToDevice()
    fn.device, fn.B, fn.target = x.device, x.backend, target
    fn.needs_input_grad = (True,)
    out = Tensor._wrap(fn.forward(x.array, target), target, requires_grad=True)
    fn.parents = (x,)
    out._ctx = fn
    return out


METHODS = {}

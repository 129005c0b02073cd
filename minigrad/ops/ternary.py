"""Three-operand elementwise ops, as PyTorch's: lerp, addcmul, addcdiv, each rounded as PyTorch rounds it."""
import numpy as np

from ..autograd import Function
from .elementwise import _operands, add, div, mul, sub, where
from .elementwise import abs as magnitude

__all__ = ["lerp", "addcmul", "addcdiv"]


def lerp(input, end, weight):  # noqa: A002
    """``torch.lerp``: input + weight * (end - input), computed as PyTorch does (from end for weights of 0.5 and
    more, so that weight 1 gives end exactly)."""
    if not hasattr(weight, "shape"):  # a number
        if -0.5 < weight < 0.5:
            return add(input, mul(sub(end, input), weight))
        return sub(end, mul(sub(end, input), 1 - weight))
    low = add(input, mul(weight, sub(end, input)))
    high = sub(end, mul(sub(end, input), sub(1, weight)))
    return where(magnitude(weight) < 0.5, low, high)


class AddCMul(Function):
    """input + (value * tensor1) * tensor2 as one fused multiply-add, as PyTorch computes it; the three operands
    come broadcast to one shape."""

    def forward(self, a, t1, t2, value):
        B = self.B
        self.value = value
        self.save_for_backward(t1, t2)
        return B.fma(B.mul(t1, B.scalar(value, t1.dtype)), t2, a)

    def backward(self, g):
        B = self.B
        t1, t2 = self.saved
        scale = B.scalar(self.value, g.dtype)
        return (g, B.mul(B.mul(g, t2), scale) if self.needs_input_grad[1] else None,
                B.mul(B.mul(g, t1), scale) if self.needs_input_grad[2] else None)


def addcmul(input, tensor1, tensor2, value=1):  # noqa: A002
    """``torch.addcmul``: input + value * tensor1 * tensor2, rounded as PyTorch's (a fused multiply-add of
    value * tensor1 and tensor2 into input)."""
    input, tensor1 = _operands(input, tensor1)
    tensor1, tensor2 = _operands(tensor1, tensor2)
    input = input.to(tensor1.dtype) if input.dtype != tensor1.dtype else input
    shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(tensor1.shape), tuple(tensor2.shape)))
    return AddCMul.apply(*(t.expand(shape).contiguous() for t in (input, tensor1, tensor2)), value=float(value))


def addcdiv(input, tensor1, tensor2, value=1):  # noqa: A002
    """``torch.addcdiv``: input + value * tensor1 / tensor2, in PyTorch's order ((value * tensor1) / tensor2)."""
    return add(input, div(mul(tensor1, value) if value != 1 else tensor1, tensor2))



METHODS = {"lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv}

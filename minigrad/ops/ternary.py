"""Three-operand elementwise ops, as PyTorch's: lerp, addcmul, addcdiv, each rounded as PyTorch rounds it."""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor, cpp_type_name, torch_type_name
from .elementwise import _operands, add, broadcast_mismatch, div, mul, sub, where
from .elementwise import abs as magnitude

__all__ = ["lerp", "addcmul", "addcdiv"]


def _check_lerp_dtypes(input, end, weight):  # noqa: A002
    """PyTorch's lerp takes floating tensors only, ``end`` (and a weight tensor with dims) in input's dtype."""
    for name, other in (("end", end), ("weight", weight)):
        if hasattr(other, "shape") and other.dtype != input.dtype and (name == "end" or other.ndim):
            raise RuntimeError(f"expected dtype {cpp_type_name(input.dtype)} for `{name}` but got dtype "
                               f"{cpp_type_name(other.dtype)}")
    if input.dtype.kind not in "fc":
        kernel = "lerp_kernel_tensor" if hasattr(weight, "shape") else "lerp_kernel_scalar"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(input.dtype)}\'')


class Lerp(Function):
    """input + weight * (end - input) as PyTorch's vector kernel rounds it: one fused multiply-add from the nearer
    end, (end - input) * weight + input where |weight| < 0.5, else (end - input) * (weight - 1) + end (so weight 1
    gives end exactly); a number weight arrives as a 0-d array of the input's dtype (``number``: its value)."""

    def forward(self, a, end, weight, number=None):
        B = self.B
        self.shapes, self.number = (a.shape, end.shape, weight.shape), number
        shape = np.broadcast_shapes(*self.shapes)
        a, end, weight = (B.broadcast_to(x, shape) for x in (a, end, weight))
        difference = B.sub(end, a)
        small = B.less(B.abs(weight), B.scalar(0.5, weight.dtype))
        coefficient = B.where(small, weight, B.sub(weight, B.scalar(1, weight.dtype)))
        self.save_for_backward(difference if self.needs_input_grad[2] else None, weight)
        return B.fma(difference, coefficient, B.where(small, a, end))

    def backward(self, g):
        """PyTorch's: g (1 - weight) for input (1 - weight formed in double for a number), g weight for end,
        g (end - input) for weight."""
        B = self.B
        difference, weight = self.saved
        one = B.scalar(1, g.dtype)
        keep = B.scalar(1 - self.number, g.dtype) if self.number is not None else B.sub(one, weight)
        grads = (B.mul(g, keep) if self.needs_input_grad[0] else None,
                 B.mul(g, weight) if self.needs_input_grad[1] else None,
                 B.mul(g, difference) if self.needs_input_grad[2] else None)
        return tuple(None if x is None else B.sum_to_shape(x, s) for x, s in zip(grads, self.shapes))

    def composite(self, a, end, weight, number=None):
        """(for second derivatives, autograd_graph)"""
        return where(magnitude(weight) < 0.5, a + weight * (end - a), end - (end - a) * (1 - weight))


def lerp(input, end, weight):  # noqa: A002
    """``torch.lerp``: input + weight * (end - input), rounded as PyTorch's (a fused multiply-add from end for
    weights of 0.5 and more, so that weight 1 gives end exactly); floating tensors of one dtype, as PyTorch's."""
    _check_lerp_dtypes(input, end, weight)
    if input.dtype.kind == "c" or getattr(weight, "dtype", input.dtype).kind == "c" or isinstance(weight, complex):
        if not hasattr(weight, "shape"):  # a number
            if abs(weight) < 0.5:
                return add(input, mul(sub(end, input), weight))
            return sub(end, mul(sub(end, input), 1 - weight))
        low = add(input, mul(weight, sub(end, input)))
        high = sub(end, mul(sub(end, input), sub(1, weight)))
        return where(magnitude(weight) < 0.5, low, high)
    input, end = _operands(input, end)
    if not hasattr(weight, "shape"):
        _check_broadcast_three(input, end)
        number = float(weight)
        weight = Tensor._wrap(input.backend.scalar(number, input.dtype), input.device)
        return Lerp.apply(input, end, weight, number=number)
    _check_broadcast_three(input, end, weight)
    return Lerp.apply(input, end, weight)


def _check_broadcast_three(*tensors):
    """PyTorch's message for operands that do not broadcast, found pair by pair as its TensorIterator does."""
    shape = ()
    for t in tensors:
        mismatch = broadcast_mismatch(shape, tuple(t.shape))
        if mismatch is not None:
            raise RuntimeError(mismatch)
        shape = np.broadcast_shapes(shape, tuple(t.shape))


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
        # (PyTorch's: grad * (tensor2 * value) and grad * (tensor1 * value))
        return (g, B.mul(g, B.mul(t2, scale)) if self.needs_input_grad[1] else None,
                B.mul(g, B.mul(t1, scale)) if self.needs_input_grad[2] else None)


def addcmul(input, tensor1, tensor2, value=1):  # noqa: A002
    """``torch.addcmul``: input + value * tensor1 * tensor2, rounded as PyTorch's (a fused multiply-add of
    value * tensor1 and tensor2 into input)."""
    input, tensor1 = _operands(input, tensor1)
    tensor1, tensor2 = _operands(tensor1, tensor2)
    input = input.to(tensor1.dtype) if input.dtype != tensor1.dtype else input
    if tensor1.dtype.kind == "c":  # (no fused multiply-add for complex numbers, in PyTorch either)
        return add(input, mul(mul(tensor1, value), tensor2))
    shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(tensor1.shape), tuple(tensor2.shape)))
    return AddCMul.apply(*(t.expand(shape).contiguous() for t in (input, tensor1, tensor2)), value=float(value))


def addcdiv(input, tensor1, tensor2, value=1):  # noqa: A002
    """``torch.addcdiv``: input + value * tensor1 / tensor2, in PyTorch's order ((value * tensor1) / tensor2)."""
    if all(isinstance(t, Tensor) and t.dtype.kind not in "fc" for t in (tensor1, tensor2)):
        raise RuntimeError(_INTEGER_ADDCDIV)
    return add(input, div(mul(tensor1, value) if value != 1 else tensor1, tensor2))



_INTEGER_ADDCDIV = ("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
                    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                    "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                    "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                    "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")

METHODS = {"lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv}

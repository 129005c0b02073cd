"""``torch.nn.grad``: a convolution's input and weight gradients as functions (``conv2d_input``,
``conv2d_weight`` and their 1-D and 3-D forms), for custom autograd Functions that call a convolution's
backward themselves. Each is the adjoint the convolution's own backward computes (for conv2d: the transposed
convolution and the weight gradient of ops/conv.py), reached through autograd on the convolution, since it is
linear in each argument; ``create_graph`` follows its inputs, so the results differentiate again."""
from .. import autograd, creation
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _input_grad(conv, input_size, weight, grad_output, stride, padding, dilation, groups):
    x = creation.zeros(*input_size, dtype=weight.dtype, device=weight.device, requires_grad=True)
    out = conv(x, weight, None, stride, padding, dilation, groups)
    again = grad_output.requires_grad or weight.requires_grad
    return autograd.grad(out, x, grad_output, create_graph=again)[0]


def _weight_grad(conv, input, weight_size, grad_output, stride, padding, dilation, groups):  # noqa: A002
    w = creation.zeros(*weight_size, dtype=input.dtype, device=input.device, requires_grad=True)
    out = conv(input, w, None, stride, padding, dilation, groups)
    again = grad_output.requires_grad or input.requires_grad
    return autograd.grad(out, w, grad_output, create_graph=again)[0]


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.grad.conv1d_input``: the gradient of conv1d with respect to an input of ``input_size``."""
    return _input_grad(F.conv1d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """``torch.nn.grad.conv1d_weight``: the gradient of conv1d with respect to a weight of ``weight_size``."""
    return _weight_grad(F.conv1d, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.grad.conv2d_input``: C^T grad_output, the transposed convolution, of ``input_size``."""
    return _input_grad(F.conv2d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """``torch.nn.grad.conv2d_weight``: grad_output's columns times the input's patches, of ``weight_size``."""
    return _weight_grad(F.conv2d, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.grad.conv3d_input``."""
    return _input_grad(F.conv3d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """``torch.nn.grad.conv3d_weight``."""
    return _weight_grad(F.conv3d, input, weight_size, grad_output, stride, padding, dilation, groups)

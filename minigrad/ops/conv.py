"""2-D convolution and transposed convolution, and the dense matrix of a convolution.

A convolution is a linear map x -> C x. The backends have three products: ``conv2d`` (C x),
``conv_transpose2d`` (C^T y) and ``conv2d_weight_grad`` (the gradient with respect to the weight C is made
of). So each op's backward is the other op plus the weight gradient: conv2d's input gradient is a transposed
convolution of the output's gradient, and conv_transpose2d's input gradient is a convolution of its output's.
``conv2d_matrix`` writes C out densely from the convolution itself (its columns are the convolutions of the
one-hot images), so the identity can be checked and drawn.
"""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor, _is_floating

__all__ = ["conv2d", "conv_transpose2d", "conv2d_matrix", "conv2d_output_size", "conv_transpose2d_output_size"]
METHODS = {}


# ------------------------------------------------------------------ arguments and sizes
def _pair(value, what, op):
    """An int or a pair of ints as a (height, width) tuple of ints."""
    if isinstance(value, bool):
        raise TypeError(f"{op}: {what} must be an int or a pair of ints, got {value!r}")
    if isinstance(value, int) or hasattr(value, "__index__"):
        return int(value), int(value)
    pair = tuple(value)
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, int) for v in pair):
        raise TypeError(f"{op}: {what} must be an int or a pair of ints, got {value!r}")
    return pair


def _check_geometry(op, stride, dilation, padding=None, output_padding=None):
    if min(stride) <= 0:
        raise RuntimeError(f"{op}: non-positive stride is not supported, got stride={stride}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{op}: dilation should be greater than zero, got dilation={dilation}")
    if padding is not None and min(padding) < 0:
        raise RuntimeError(f"{op}: negative padding is not supported, got padding={padding}")
    if output_padding is not None and min(output_padding) < 0:
        raise RuntimeError(f"{op}: negative output_padding is not supported, got output_padding={output_padding}")


def _same_padding(kernel, dilation):
    """'same' padding per dim as (before, after): PyTorch puts the odd pixel of an even total after."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple(t // 2 for t in totals), tuple(t - t // 2 for t in totals)


def _conv_padding(padding, kernel, stride, dilation, op):
    """(top, left) and (bottom, right) zero borders from an int, a pair, 'same' or 'valid'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            return _same_padding(kernel, dilation)
        raise RuntimeError(f"{op}: invalid padding string {padding!r}, expected one of 'valid' or 'same'")
    pad = _pair(padding, "padding", op)
    return pad, pad


def conv2d_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of ``conv2d`` for an (H, W) input, by PyTorch's formula (padding may be 'same' or 'valid').

    H_out = floor((H + 2 padding - dilation (kernel - 1) - 1) / stride) + 1, the
    same for W. The result may be non-positive for a kernel larger than the padded input.
    """
    op = "conv2d_output_size"
    kernel, stride, dilation = _pair(kernel_size, "kernel_size", op), _pair(stride, "stride", op), \
        _pair(dilation, "dilation", op)
    before, after = _conv_padding(padding, kernel, stride, dilation, op)
    return tuple((size + b + a - d * (k - 1) - 1) // s + 1
                 for size, k, s, b, a, d in zip(_pair(input_size, "input_size", op), kernel, stride, before, after,
                                                dilation))


def conv_transpose2d_output_size(input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """(H_out, W_out) of ``conv_transpose2d``, by PyTorch's formula.

    H_out = (H - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1,
    the same for W: the largest input size a conv2d of these settings maps to H
    is this with output_padding = stride - 1.
    """
    op = "conv_transpose2d_output_size"
    return tuple((size - 1) * s - 2 * p + d * (k - 1) + o + 1
                 for size, k, s, p, o, d in zip(_pair(input_size, "input_size", op),
                                                _pair(kernel_size, "kernel_size", op), _pair(stride, "stride", op),
                                                _pair(padding, "padding", op),
                                                _pair(output_padding, "output_padding", op),
                                                _pair(dilation, "dilation", op)))


def _check_tensors(op, input, weight, bias, functional="conv2d"):  # noqa: A002
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors, got {type(input).__name__} and "
                        f"{type(weight).__name__}")
    if input.ndim not in (3, 4):  # (PyTorch's words, naming the functional even when a layer calls it)
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to {functional}, but got input of size: "
                           f"{list(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(f"{op}: expected a 4-D weight, but got weight of size {list(weight.shape)}")
    if not _is_floating(input.dtype):
        raise RuntimeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    if input.dtype == np.dtype("float16"):
        raise NotImplementedError(f"{op}: float16 convolution is not supported by minigrad (its kernels compute in "
                                  f"float32 and float64); convert with .float() first")
    if weight.shape[2] <= 0 or weight.shape[3] <= 0:
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got kernel_height: "
                           f"{weight.shape[2]} kernel_width: {weight.shape[3]}")
    if weight.numel() == 0:
        raise RuntimeError(f"{op}: non-empty 4D weight tensor expected, but got weight of size {list(weight.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(f"{op}: input type ({input.dtype}) and {name} type ({t.dtype}) should be the same")


def _check_groups(op, groups, weight, channel_dim):
    if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got groups={groups}")
    if weight.shape[channel_dim] % groups:
        raise RuntimeError(f"{op}: given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension {channel_dim}, but got weight of size {list(weight.shape)} instead")


def _check_channels(op, input, weight, expected, groups, transposed=False):  # noqa: A002
    got = input.shape[-3]
    if got != expected:  # (PyTorch's words exactly: the message users search for)
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {given}, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {expected} channels, but got {got} channels instead")


def _check_bias(op, bias, channels, weight):
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        raise RuntimeError(f"{op}: given weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
                           f"with {channels} elements, but got bias of size {list(bias.shape)} instead")


# ------------------------------------------------------------------ conv2d
class Conv2d(Function):
    """out = conv(x, w) + b. Saves w, and x when the weight gradient is needed; the backward pass recomputes
    the columns instead of keeping them."""

    def forward(self, x, weight, bias, stride, padding, dilation, groups, out_size):
        B = self.B
        self.unbatched = x.ndim == 3
        if self.unbatched:
            x = B.reshape(x, (1,) + tuple(x.shape))
        self.args = (stride, padding, dilation, groups)
        self.has_bias, self.input_shape = bias is not None, tuple(x.shape)
        self.save_for_backward(x if self.needs_input_grad[1] else None, weight)
        self.weight_finite = B.conv_weight_finite(weight)  # once: the saved weight cannot change before backward
        out = B.conv2d(x, weight, bias, stride, padding, dilation, groups, out_size, self.weight_finite)
        return B.reshape(out, tuple(out.shape[1:])) if self.unbatched else out

    def backward(self, g):
        B = self.B
        x, weight = self.saved
        if self.unbatched:
            g = B.reshape(g, (1,) + tuple(g.shape))
        need = self.needs_input_grad
        gx = gw = None
        g = B.contiguous(g)  # once, not in each of the products
        if need[0]:  # the adjoint of C is C^T: a transposed convolution of the gradient
            gx = B.conv_transpose2d(g, weight, *self.args, self.input_shape, self.weight_finite)
            if self.unbatched:
                gx = B.reshape(gx, tuple(gx.shape[1:]))
        if need[1]:
            gw = B.conv2d_weight_grad(x, g, weight, *self.args)
        if not self.has_bias:
            return gx, gw
        return gx, gw, (B.conv2d_bias_grad(g) if need[2] else None)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """``torch.nn.functional.conv2d``: cross-correlation of an (N, C_in, H, W) or (C_in, H, W) input with a
    (C_out, C_in/groups, kH, kW) weight; ``padding`` is an int, a pair, 'valid' or 'same' (stride 1 only)."""
    return _conv2d("conv2d", input, weight, bias, stride, padding, dilation, groups)


def _conv2d(op, input, weight, bias, stride, padding, dilation, groups):  # noqa: A002
    """conv2d whose errors are named after ``op`` (a layer passes itself, so messages show its settings)."""
    _check_tensors(op, input, weight, bias)
    stride, dilation = _pair(stride, "stride", op), _pair(dilation, "dilation", op)
    kernel = tuple(weight.shape[2:])
    before, after = _conv_padding(padding, kernel, stride, dilation, op)
    _check_geometry(op, stride, dilation, before)
    _check_groups(op, groups, weight, 0)
    _check_channels(op, input, weight, weight.shape[1] * groups, groups)
    _check_bias(op, bias, weight.shape[0], weight)
    size = tuple(input.shape[-2:])
    padded = tuple(s + b + a for s, b, a in zip(size, before, after))
    reach = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < r for p, r in zip(padded, reach)):
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel size: "
                           f"({reach[0]} x {reach[1]}). Kernel size can't be greater than actual input size")
    out_size = tuple((p - r) // s + 1 for p, r, s in zip(padded, reach, stride))
    return Conv2d.apply(input, weight, bias, stride=stride, padding=before, dilation=dilation, groups=groups,
                        out_size=out_size)


# ------------------------------------------------------------------ conv_transpose2d
class ConvTranspose2d(Function):
    """out = C^T x + b, where C is the conv2d of the same weight: conv2d's input gradient, as a forward pass.
    Saves w, and x when the weight gradient is needed."""

    def forward(self, x, weight, bias, stride, padding, dilation, groups, out_size):
        B = self.B
        self.unbatched = x.ndim == 3
        if self.unbatched:
            x = B.reshape(x, (1,) + tuple(x.shape))
        self.args = (stride, padding, dilation, groups)
        self.has_bias, self.input_hw = bias is not None, tuple(x.shape[2:])
        self.save_for_backward(x if self.needs_input_grad[1] else None, weight)
        out_shape = (x.shape[0], weight.shape[1] * groups) + tuple(out_size)
        self.weight_finite = B.conv_weight_finite(weight)  # once: the saved weight cannot change before backward
        out = B.conv_transpose2d(x, weight, stride, padding, dilation, groups, out_shape, self.weight_finite)
        if bias is not None:
            out = B.conv2d_add_bias(out, bias)
        return B.reshape(out, tuple(out.shape[1:])) if self.unbatched else out

    def backward(self, g):
        B = self.B
        x, weight = self.saved
        if self.unbatched:
            g = B.reshape(g, (1,) + tuple(g.shape))
        need = self.needs_input_grad
        gx = gw = None
        g = B.contiguous(g)  # once, not in each of the three products (a cat's backward hands out channel slices)
        if need[0]:  # the adjoint of C^T is C: a plain convolution of the gradient
            gx = B.conv2d(g, weight, None, *self.args, self.input_hw, self.weight_finite)
            if self.unbatched:
                gx = B.reshape(gx, tuple(gx.shape[1:]))
        if need[1]:  # conv2d's weight gradient, with the roles of input and output swapped
            gw = B.conv2d_weight_grad(g, x, weight, *self.args)
        if not self.has_bias:
            return gx, gw
        return gx, gw, (B.conv2d_bias_grad(g) if need[2] else None)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """``torch.nn.functional.conv_transpose2d``: the transpose (adjoint) of conv2d with the same settings, for a
    (C_in, C_out/groups, kH, kW) weight; ``output_padding`` (smaller than stride or dilation) adds rows and
    columns at the bottom and right to pick among the input sizes that conv2d maps to the same size."""
    return _conv_transpose2d("conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def _conv_transpose2d(op, input, weight, bias, stride, padding, output_padding, groups, dilation):  # noqa: A002
    """conv_transpose2d whose errors are named after ``op``."""
    _check_tensors(op, input, weight, bias, "conv_transpose2d")
    stride, dilation = _pair(stride, "stride", op), _pair(dilation, "dilation", op)
    if isinstance(padding, str):
        raise RuntimeError(f"{op}: padding must be an int or a pair of ints, got {padding!r} "
                           f"(string padding is only for conv2d)")
    padding, output_padding = _pair(padding, "padding", op), _pair(output_padding, "output_padding", op)
    _check_geometry(op, stride, dilation, padding, output_padding)
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    _check_groups(op, groups, weight, 0)
    _check_channels(op, input, weight, weight.shape[0], groups, transposed=True)
    _check_bias(op, bias, weight.shape[1] * groups, weight)
    size = tuple(input.shape[-2:])
    out_size = conv_transpose2d_output_size(size, tuple(weight.shape[2:]), stride, padding, output_padding, dilation)
    if min(out_size) <= 0:
        raise RuntimeError(f"{op}: given input size per channel: ({size[0]} x {size[1]}). Calculated output size "
                           f"per channel: ({out_size[0]} x {out_size[1]}). Output size is too small")
    return ConvTranspose2d.apply(input, weight, bias, stride=stride, padding=padding, dilation=dilation,
                                 groups=groups, out_size=out_size)


# ------------------------------------------------------------------ the weight gradient, as an op
class ConvWeightGrad(Function):
    """conv2d's weight gradient as a function of (input, output gradient), for second derivatives
    (autograd_graph). It is bilinear: its gradient for the output gradient is the convolution of the input by
    the weight-shaped upstream G, and for the input the transposed convolution of the output gradient by G."""

    def forward(self, x, g, weight, stride, padding, dilation, groups):
        self.args = (stride, padding, dilation, groups)
        self.input_shape, self.out_hw = tuple(x.shape), tuple(g.shape[2:])
        self.save_for_backward(x, g)
        return self.B.conv2d_weight_grad(x, g, weight, *self.args)

    def backward(self, grad_weight):
        B = self.B
        x, g = self.saved
        need = self.needs_input_grad
        return (B.conv_transpose2d(g, grad_weight, *self.args, self.input_shape) if need[0] else None,
                B.conv2d(x, grad_weight, None, *self.args, self.out_hw) if need[1] else None)


# ------------------------------------------------------------------ the matrix of a convolution
def conv2d_matrix(weight, input_size, stride=1, padding=0, dilation=1, groups=1):
    """The dense matrix C of ``conv2d(·, weight, stride=…, padding=…, dilation=…, groups=…)`` as a linear map.

    C has shape (C_out·H_out·W_out, C_in·H·W) and ``conv2d(x).flatten() == C @ x.flatten()`` for one
    (C_in, H, W) input; ``conv_transpose2d`` with the same weight and settings is ``C.T``. ``input_size`` is
    (H, W), (C_in, H, W) or an int. PyTorch has no such function; it is here to make the algebra visible.
    """
    op = "conv2d_matrix"
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        raise RuntimeError(f"{op}: expected a 4-D weight Tensor, got {getattr(weight, 'shape', weight)!r}")
    _check_groups(op, groups, weight, 0)
    size = tuple(input_size) if isinstance(input_size, (tuple, list)) else (input_size, input_size)
    if len(size) == 3:
        if size[0] != weight.shape[1] * groups:
            raise RuntimeError(f"{op}: input_size {size} has {size[0]} channels, the weight of size "
                               f"{list(weight.shape)} with groups={groups} expects {weight.shape[1] * groups}")
        size = size[1:]
    hw = _pair(size, "input_size", op)
    stride, dilation = _pair(stride, "stride", op), _pair(dilation, "dilation", op)
    before, after = _conv_padding(padding, tuple(weight.shape[2:]), stride, dilation, op)
    _check_geometry(op, stride, dilation, before)
    out_size = conv2d_output_size(hw, tuple(weight.shape[2:]), stride, padding, dilation)
    if min(out_size) <= 0:
        raise RuntimeError(f"{op}: kernel of size {list(weight.shape[2:])} (dilation {dilation}) is larger than "
                           f"the padded input of size {hw} with padding {padding}")
    # Column j of C is C e_j: the convolution of the image that is 1 at pixel j and 0 elsewhere. All of them at
    # once are the convolution of a batch of one-hot images, differentiable in the weight as any convolution.
    channels = weight.shape[1] * groups
    n = channels * hw[0] * hw[1]
    one_hot = Tensor._wrap(weight.backend.from_numpy(np.eye(n, dtype=weight.dtype).reshape(n, channels, *hw)),
                           weight.device)
    columns = _conv2d(op, one_hot, weight, None, stride, padding, dilation, groups)
    return columns.reshape(n, -1).transpose(0, 1)

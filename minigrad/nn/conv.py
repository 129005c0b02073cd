"""Convolution layers: ``nn.Conv2d`` and ``nn.ConvTranspose2d``, with PyTorch's signatures, init and state_dict;
Conv2d's non-zero padding modes pad the input first, as PyTorch's."""
from ..creation import empty
from ..ops.conv import _conv2d, _conv_transpose2d, _pair, conv_transpose2d_output_size
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv2d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def padded_for_mode(input, padding, kernel_size, dilation, mode):  # noqa: A002
    """``input`` padded by ``mode`` ('reflect', 'replicate' or 'circular') as a convolution with ``padding``
    (per dim, or 'same' / 'valid') would pad it with zeros; the convolution then takes no padding, as PyTorch."""
    from .functional import pad
    if padding == "valid":
        return input
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
        sides = [(t // 2, t - t // 2) for t in totals]
    else:
        sides = [(p, p) for p in padding]
    flat = [amount for before_after in reversed(sides) for amount in before_after]
    return pad(input, tuple(flat), mode=mode)


def check_padding_mode(name, padding_mode, transposed):
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, but got "
                         f"padding_mode='{padding_mode}'")
    if transposed and padding_mode != "zeros":
        raise ValueError(f'Only "zeros" padding mode is supported for {name}')


def add_parameters(layer, weight_shape, out_channels, bias, device, dtype):
    """A convolution layer's weight and bias (or None), drawn by its ``reset_parameters``."""
    layer.weight = Parameter(empty(weight_shape, dtype=dtype, device=device or "cpu"))
    if bias:
        layer.bias = Parameter(empty(out_channels, dtype=dtype, device=device or "cpu"))
    else:
        layer.register_parameter("bias", None)
    layer.reset_parameters()


class _ConvNd(Module):
    """What Conv2d and ConvTranspose2d share: argument checks, parameters, default init and repr."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                 output_padding, groups, bias, padding_mode, device, dtype):
        super().__init__()
        name = type(self).__name__
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels must be divisible by groups, got in_channels={in_channels} "
                             f"and groups={groups}")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels must be divisible by groups, got out_channels={out_channels} "
                             f"and groups={groups}")
        check_padding_mode(name, padding_mode, transposed)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size", name)
        self.stride, self.dilation = _pair(stride, "stride", name), _pair(dilation, "dilation", name)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{name}: invalid padding string {padding!r}, should be one of ('valid', 'same')")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _pair(padding, "padding", name)
        self.output_padding = _pair(output_padding, "output_padding", name)
        self.transposed, self.groups, self.padding_mode = transposed, groups, padding_mode
        kh, kw = self.kernel_size
        if transposed:
            shape = (in_channels, out_channels // groups, kh, kw)
        else:
            shape = (out_channels, in_channels // groups, kh, kw)
        add_parameters(self, shape, out_channels, bias, device, dtype)

    def reset_parameters(self):
        """PyTorch's default: ``init.default_layer_init_`` (fan_in = weight.shape[1] * kH * kW for both layers)."""
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0, 0):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """``torch.nn.Conv2d``: weight (out_channels, in_channels/groups, kH, kW), bias (out_channels,).

    Errors about the input (channel count, shape, size) are named after the layer and its settings.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):  # noqa: A002
        if self.padding_mode != "zeros":
            input = padded_for_mode(input, self.padding, self.kernel_size, self.dilation, self.padding_mode)
            return _conv2d(self, input, self.weight, self.bias, self.stride, (0, 0), self.dilation, self.groups)
        return _conv2d(self, input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """``torch.nn.ConvTranspose2d``: weight (in_channels, out_channels/groups, kH, kW), bias (out_channels,).

    ``forward(input, output_size=None)``: ``output_size`` ((H, W), or with the batch and channel dims too)
    picks the output padding, as PyTorch's, among the sizes a conv2d of these settings maps to the input's.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}, '
                             f"got padding_mode='{padding_mode}'")
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__}: padding must be an int or a pair of ints, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):  # noqa: A002
        if output_size is None:
            return self.output_padding
        size = [int(s) for s in output_size]
        lead = input.ndim - 2
        if len(size) == lead + 2:
            size = size[lead:]
        if len(size) != 2:
            raise ValueError(f"ConvTranspose2D: for {input.ndim}D input, output_size must have 2 or {lead + 2} "
                             f"elements (got {len(list(output_size))})")
        smallest = conv_transpose2d_output_size(tuple(input.shape[-2:]), self.kernel_size, self.stride,
                                                self.padding, 0, self.dilation)
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        if any(not lo <= want <= hi for want, lo, hi in zip(size, smallest, largest)):
            raise ValueError(f"requested an output size of {size}, but valid sizes range from {list(smallest)} to "
                             f"{largest} (for an input of {input.shape[-2:]})")
        return tuple(want - lo for want, lo in zip(size, smallest))

    def forward(self, input, output_size=None):  # noqa: A002
        output_padding = self._output_padding(input, output_size)
        return _conv_transpose2d(self, input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                 self.groups, self.dilation)


class ConvNdBase(Module):
    """What the 1-D and 3-D convolution layers share (Conv2d keeps its own checks and messages, _ConvNd): the
    arguments as ``dims``-tuples, the parameters, PyTorch's default init and repr."""
    dims = 1
    zeros_padding_only = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, transposed, output_padding, device, dtype):
        super().__init__()
        name = type(self).__name__
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels and out_channels must be divisible by groups")
        if self.zeros_padding_only and padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported for {self.dims}-D convolutions")
        check_padding_mode(name, padding_mode, transposed)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.dilation = (self._tuple(v) for v in (kernel_size, stride, dilation))
        self.padding = padding if isinstance(padding, str) else self._tuple(padding)
        self.output_padding, self.padding_mode, self.transposed = self._tuple(output_padding), padding_mode, transposed
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        add_parameters(self, shape + self.kernel_size, out_channels, bias, device, dtype)

    def _tuple(self, value):
        if isinstance(value, (tuple, list)):
            return tuple(int(v) for v in value)
        return (int(value),) * self.dims

    def reset_parameters(self):
        """PyTorch's default: ``init.default_layer_init_``."""
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        s += ", bias=False" if self.bias is None else ""
        return s + (f", padding_mode={self.padding_mode}" if self.padding_mode != "zeros" else "")


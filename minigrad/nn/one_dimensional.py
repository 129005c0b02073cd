"""The 1-D layers, as ``torch.nn``'s: Conv1d, ConvTranspose1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, each the
2-D computation on a plane of height 1 (``ops/one_dimensional.py``), with PyTorch's parameters and init."""
from ..ops import one_dimensional as F1
from . import init
from .conv import add_parameters, check_padding_mode, padded_for_mode
from .module import Module
from .pooling import MaxPoolNd

__all__ = ["Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d"]


class _Conv1dBase(Module):
    """Conv1d's and ConvTranspose1d's parameters, PyTorch's default init and repr."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, transposed, output_padding, device, dtype):
        super().__init__()
        name = type(self).__name__
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels and out_channels must be divisible by groups")
        check_padding_mode(name, padding_mode, transposed)
        single = lambda v: (int(v[0]) if isinstance(v, (tuple, list)) else int(v),)  # noqa: E731
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.dilation = single(kernel_size), single(stride), single(dilation)
        self.padding = padding if isinstance(padding, str) else single(padding)
        self.output_padding, self.padding_mode = single(output_padding), padding_mode
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        add_parameters(self, shape + self.kernel_size, out_channels, bias, device, dtype)

    def reset_parameters(self):
        """PyTorch's default: ``init.default_layer_init_``."""
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,):
            s += f", padding={self.padding}"
        if self.dilation != (1,):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        s += ", bias=False" if self.bias is None else ""
        return s + (f", padding_mode={self.padding_mode}" if self.padding_mode != "zeros" else "")


class Conv1d(_Conv1dBase):
    """``torch.nn.Conv1d``: weight (out_channels, in_channels/groups, k), bias (out_channels,)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, 0, device, dtype)

    def forward(self, input):  # noqa: A002
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        if self.padding_mode != "zeros":
            input = padded_for_mode(input, self.padding, self.kernel_size, self.dilation, self.padding_mode)
            padding = 0
        return F1.conv1d(input, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups,
                         op=repr(self))


class ConvTranspose1d(_Conv1dBase):
    """``torch.nn.ConvTranspose1d``: weight (in_channels, out_channels/groups, k), bias (out_channels,)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, True, output_padding, device, dtype)

    def forward(self, input):  # noqa: A002
        return F1.conv_transpose1d(input, self.weight, self.bias, self.stride[0], self.padding[0],
                                   self.output_padding[0], self.groups, self.dilation[0], op=repr(self))


class MaxPool1d(MaxPoolNd):
    """``torch.nn.MaxPool1d``."""
    pool = staticmethod(F1.max_pool1d)


class AvgPool1d(Module):
    """``torch.nn.AvgPool1d``."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        single = lambda v: (int(v[0]) if isinstance(v, (tuple, list)) else int(v),)  # noqa: E731
        self.kernel_size = single(kernel_size)
        self.stride = single(stride if stride is not None else kernel_size)
        self.padding, self.ceil_mode, self.count_include_pad = single(padding), ceil_mode, count_include_pad

    def forward(self, input):  # noqa: A002
        return F1.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """``torch.nn.AdaptiveAvgPool1d(output_size)``."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return F1.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"

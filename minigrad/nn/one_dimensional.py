"""The 1-D layers, as ``torch.nn``'s: Conv1d, ConvTranspose1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, each the
2-D computation on a plane of height 1 (``ops/one_dimensional.py``), with PyTorch's parameters and init."""
from ..ops import one_dimensional as F1
from .conv import ConvNdBase, padded_for_mode
from .module import Module
from .pooling import MaxPoolNd

__all__ = ["Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d"]


class _Conv1dBase(ConvNdBase):
    """Conv1d's and ConvTranspose1d's parameters, PyTorch's default init and repr."""
    dims = 1


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

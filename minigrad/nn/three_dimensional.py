"""The 3-D layers, as ``torch.nn``'s: Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d,
AdaptiveMaxPool3d, BatchNorm3d, InstanceNorm3d, with PyTorch's parameters, init and repr
(``ops/three_dimensional.py`` computes them with the 2-D kernels)."""
from ..ops import three_dimensional as F3
from .batchnorm import _BatchNorm
from .conv import ConvNdBase
from .module import Module
from .normalization import _InstanceNorm
from .pooling import MaxPoolNd

__all__ = ["Conv3d", "ConvTranspose3d", "MaxPool3d", "MaxUnpool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
           "BatchNorm3d", "InstanceNorm3d"]


def _triple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * 3


class _Conv3dBase(ConvNdBase):
    """Conv3d's and ConvTranspose3d's parameters, PyTorch's default init and repr (zero padding only)."""
    dims = 3
    zeros_padding_only = True


class Conv3d(_Conv3dBase):
    """``torch.nn.Conv3d``: weight (out_channels, in_channels/groups, kD, kH, kW)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, 0, device, dtype)

    def forward(self, input):  # noqa: A002
        return F3.conv3d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose3d(_Conv3dBase):
    """``torch.nn.ConvTranspose3d``: weight (in_channels, out_channels/groups, kD, kH, kW)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, True, output_padding, device, dtype)

    def forward(self, input):  # noqa: A002
        return F3.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                   self.groups, self.dilation)


class MaxPool3d(MaxPoolNd):
    """``torch.nn.MaxPool3d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)``."""
    pool = staticmethod(F3.max_pool3d)


class MaxUnpool3d(Module):
    """``torch.nn.MaxUnpool3d(kernel_size, stride=None, padding=0)``: the inverse of MaxPool3d with indices."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride = _triple(kernel_size), _triple(stride if stride is not None else kernel_size)
        self.padding = _triple(padding)

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return F3.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(Module):
    """``torch.nn.AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
    divisor_override=None)``."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):  # noqa: A002
        return F3.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool3d(Module):
    """``torch.nn.AdaptiveAvgPool3d(output_size)``."""
    function = "adaptive_avg_pool3d"

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return getattr(F3, self.function)(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool3d(AdaptiveAvgPool3d):
    """``torch.nn.AdaptiveMaxPool3d(output_size)``."""
    function = "adaptive_max_pool3d"

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):  # noqa: A002
        return F3.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class BatchNorm3d(_BatchNorm):
    """``torch.nn.BatchNorm3d``: normalise each channel of an (N, C, D, H, W) input."""

    _dims = (5,)
    _dims_text = "5D"


class InstanceNorm3d(_InstanceNorm):
    """``torch.nn.InstanceNorm3d``: each channel of each (N, C, D, H, W) sample normalised over D, H and W."""
    _batched = 5

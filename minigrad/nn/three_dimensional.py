"""The 3-D layers, as ``torch.nn``'s: Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d,
AdaptiveMaxPool3d, BatchNorm3d, InstanceNorm3d, with PyTorch's parameters, init and repr
(``ops/three_dimensional.py`` computes them with the 2-D kernels)."""
from ..ops import three_dimensional as F3
from . import init
from .batchnorm import _BatchNorm
from .conv import add_parameters
from .module import Module
from .normalization import _InstanceNorm
from .pooling import MaxPoolNd

__all__ = ["Conv3d", "ConvTranspose3d", "MaxPool3d", "MaxUnpool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
           "BatchNorm3d", "InstanceNorm3d"]


def _triple(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * 3


class _Conv3dBase(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, transposed, output_padding, device, dtype):
        super().__init__()
        name = type(self).__name__
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels and out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported for 3-D convolutions")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.dilation = _triple(kernel_size), _triple(stride), _triple(dilation)
        self.padding = padding if isinstance(padding, str) else _triple(padding)
        self.output_padding, self.padding_mode, self.transposed = _triple(output_padding), padding_mode, transposed
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        add_parameters(self, shape + self.kernel_size, out_channels, bias, device, dtype)

    def reset_parameters(self):
        """PyTorch's default: ``init.default_layer_init_``."""
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1, 1):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0, 0, 0):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        return s + (", bias=False" if self.bias is None else "")


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

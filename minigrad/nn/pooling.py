"""Pooling layers, as ``torch.nn.MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d``,
``AdaptiveMaxPool1d``, ``MaxUnpool2d``/``1d``, ``LPPool2d``/``1d``; and ``LocalResponseNorm`` and
``ChannelShuffle``, which pool or rearrange across channels; ``FractionalMaxPool2d``/``3d``; ``CrossMapLRN2d``."""
from ..ops.cross_map_lrn import cross_map_lrn2d
from ..ops.fractional_pool import fractional_max_pool2d, fractional_max_pool3d
from ..ops.pool import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d
from . import functional as F
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AdaptiveMaxPool1d", "MaxUnpool2d",
           "MaxUnpool1d", "LPPool2d", "LPPool1d", "LPPool3d", "LocalResponseNorm", "ChannelShuffle",
           "FractionalMaxPool2d", "FractionalMaxPool3d", "CrossMapLRN2d"]


class MaxPoolNd(Module):
    """What MaxPool1d, MaxPool2d and MaxPool3d share: their arguments (stride defaults to kernel_size), the call
    of their functional form (``pool``) and the repr."""
    pool = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):  # noqa: A002
        return type(self).pool(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                               self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(MaxPoolNd):
    """``torch.nn.MaxPool2d``: max over sliding windows (stride defaults to kernel_size)."""
    pool = staticmethod(max_pool2d)


class AvgPool2d(Module):
    """``torch.nn.AvgPool2d``: mean over sliding windows (stride defaults to kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):  # noqa: A002
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """``torch.nn.AdaptiveAvgPool2d(output_size)``: averages over PyTorch's adaptive windows, any input size to
    ``output_size``."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """``torch.nn.AdaptiveMaxPool2d(output_size, return_indices=False)``."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):  # noqa: A002
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class _Unpool(Module):
    dims = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        expand = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * self.dims)  # noqa: E731
        self.kernel_size = expand(kernel_size)
        self.stride = expand(stride if stride is not None else kernel_size)
        self.padding = expand(padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(_Unpool):
    """``torch.nn.MaxUnpool2d(kernel_size, stride=None, padding=0)``: the inverse of MaxPool2d with indices."""

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool1d(_Unpool):
    """``torch.nn.MaxUnpool1d(kernel_size, stride=None, padding=0)``."""
    dims = 1

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class LPPool2d(Module):
    """``torch.nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)``: power-average pooling."""
    function = "lp_pool2d"

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):  # noqa: A002
        return getattr(F, self.function)(input, float(self.norm_type), self.kernel_size, self.stride,
                                         self.ceil_mode)

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(LPPool2d):
    """``torch.nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)``."""
    function = "lp_pool1d"


class LPPool3d(LPPool2d):
    """``torch.nn.LPPool3d(norm_type, kernel_size, stride=None, ceil_mode=False)``."""
    function = "lp_pool3d"


class AdaptiveMaxPool1d(Module):
    """``torch.nn.AdaptiveMaxPool1d(output_size, return_indices=False)``."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):  # noqa: A002
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class LocalResponseNorm(Module):
    """``torch.nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0)``: normalization across channels."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):  # noqa: A002
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class ChannelShuffle(Module):
    """``torch.nn.ChannelShuffle(groups)``."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):  # noqa: A002
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"


class _FractionalMaxPool(Module):
    """``torch.nn.FractionalMaxPool2d`` / ``3d``: ``_random_samples`` (a buffer, None by default: drawn at each
    call) fixes the windows' placement."""
    dims, pool = 2, None

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        tupled = lambda v: None if v is None else (tuple(v) if isinstance(v, (tuple, list)) else (v,) * self.dims)  # noqa: E731
        self.kernel_size, self.return_indices = tupled(kernel_size), return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size, self.output_ratio = tupled(output_size), tupled(output_ratio)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{type(self).__name__} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):  # noqa: A002
        return type(self).pool(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                               _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPool):
    """``torch.nn.FractionalMaxPool2d``."""
    pool = staticmethod(fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPool):
    """``torch.nn.FractionalMaxPool3d``."""
    dims, pool = 3, staticmethod(fractional_max_pool3d)


class CrossMapLRN2d(Module):
    """``torch.nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)``: the legacy cross-channel normalization, with
    PyTorch's own forward and backward recurrences (ops/cross_map_lrn.py)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):  # noqa: A002
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"

"""Lazy layers, as ``torch.nn``'s: LazyLinear, LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d,
LazyInstanceNorm1d/2d/3d. The input size is read from the first input; until then the parameters are
``UninitializedParameter`` objects, which that first call materializes in place (an optimizer built before it
holds the same objects), draws with the layer's default init, and the layer becomes its eager class."""
import numpy as np

from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv2d, ConvTranspose2d
from .linear import Linear
from .normalization import InstanceNorm1d, InstanceNorm2d
from .one_dimensional import Conv1d, ConvTranspose1d
from .three_dimensional import BatchNorm3d, Conv3d, ConvTranspose3d, InstanceNorm3d
from .parameter import Parameter

__all__ = ["UninitializedParameter", "UninitializedBuffer", "LazyLinear", "LazyConv1d", "LazyConv2d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyConv3d",
           "LazyConvTranspose3d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class UninitializedParameter(Parameter):
    """``torch.nn.parameter.UninitializedParameter``: a parameter without a shape until ``materialize``."""

    __slots__ = ()

    def __init__(self, requires_grad=True, device=None, dtype=None):
        from .. import creation
        super().__init__(creation.empty(0, dtype=np.dtype(dtype or "float32"), device=device or "cpu"),
                         requires_grad)

    def materialize(self, shape, device=None, dtype=None):
        """Give it ``shape`` (values to be drawn by the layer's init); it becomes a plain Parameter."""
        from .. import creation
        self.array = creation.empty(*shape, dtype=dtype or self.dtype, device=device or self.device).array
        self.__class__ = Parameter

    def __repr__(self):
        return "<UninitializedParameter>"


class UninitializedBuffer(UninitializedParameter):
    """``torch.nn.parameter.UninitializedBuffer``."""

    __slots__ = ()

    def __init__(self, requires_grad=False, device=None, dtype=None):
        super().__init__(requires_grad, device, dtype)


class _LazyMixin:
    """Parameters left uninitialized; the first call reads the input's size, materializes and initializes them,
    and turns the layer into ``cls_to_become``."""
    cls_to_become = None

    def _make_lazy(self, names, device, dtype):
        for name in names:
            if self._parameters.get(name) is not None:
                self._parameters[name] = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_hook = self.register_forward_pre_hook(_LazyMixin._materialize_on_call)

    def has_uninitialized_params(self):
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    @staticmethod
    def _materialize_on_call(module, args):
        module.initialize_parameters(*args)
        module._lazy_hook.remove()
        module.__dict__.pop("_lazy_hook", None)
        module.__class__ = module.cls_to_become

    def _materialize(self, shapes):
        for name, shape in shapes.items():
            param = self._parameters.get(name)
            if isinstance(param, UninitializedParameter):
                param.materialize(shape)
        self.reset_parameters()


class LazyLinear(_LazyMixin, Linear):
    """``torch.nn.LazyLinear(out_features, bias=True)``: in_features from the first input's last dim."""
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Linear.__init__(self, 0, out_features, bias, device=device or "cpu", dtype=dtype)
        self._make_lazy(("weight", "bias"), device, dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):  # noqa: A002
        self.in_features = input.shape[-1]
        self._materialize({"weight": (self.out_features, self.in_features), "bias": (self.out_features,)})


class _LazyConv(_LazyMixin):
    transposed = False

    def _lazy_init(self, eager, out_channels, kernel_size, groups, device, dtype, **options):
        eager.__init__(self, groups, out_channels, kernel_size, groups=groups, device=device, dtype=dtype, **options)
        self.in_channels = 0
        self._make_lazy(("weight", "bias"), device, dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *rest):  # noqa: A002
        spatial = len(self.kernel_size)
        self.in_channels = input.shape[-spatial - 1]
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + tuple(self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + tuple(self.kernel_size)
        self._materialize({"weight": shape, "bias": (self.out_channels,)})


class LazyConv2d(_LazyConv, Conv2d):
    """``torch.nn.LazyConv2d(out_channels, kernel_size, ...)``: in_channels from the first input."""
    cls_to_become = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(Conv2d, out_channels, kernel_size, groups, device, dtype, stride=stride, padding=padding,
                        dilation=dilation, bias=bias, padding_mode=padding_mode)


class LazyConv1d(_LazyConv, Conv1d):
    """``torch.nn.LazyConv1d(out_channels, kernel_size, ...)``."""
    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(Conv1d, out_channels, kernel_size, groups, device, dtype, stride=stride, padding=padding,
                        dilation=dilation, bias=bias, padding_mode=padding_mode)


class LazyConvTranspose2d(_LazyConv, ConvTranspose2d):
    """``torch.nn.LazyConvTranspose2d(out_channels, kernel_size, ...)``."""
    cls_to_become = ConvTranspose2d
    transposed = True

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(ConvTranspose2d, out_channels, kernel_size, groups, device, dtype, stride=stride,
                        padding=padding, output_padding=output_padding, bias=bias, dilation=dilation,
                        padding_mode=padding_mode)


class LazyConvTranspose1d(_LazyConv, ConvTranspose1d):
    """``torch.nn.LazyConvTranspose1d(out_channels, kernel_size, ...)``."""
    cls_to_become = ConvTranspose1d
    transposed = True

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(ConvTranspose1d, out_channels, kernel_size, groups, device, dtype, stride=stride,
                        padding=padding, output_padding=output_padding, bias=bias, dilation=dilation,
                        padding_mode=padding_mode)


class _LazyNorm(_LazyMixin):
    def _lazy_init(self, eager, eps, momentum, affine, track_running_stats, device, dtype):
        eager.__init__(self, 0, eps, momentum, affine, track_running_stats, device=device, dtype=dtype)
        self._make_lazy(("weight", "bias"), device, dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):  # noqa: A002
        if not self.has_uninitialized_params() and not self.track_running_stats:
            return  # nothing to size: PyTorch leaves num_features at 0 too
        self.num_features = input.shape[1]  # (reset_parameters sizes the running statistics)
        self._materialize({"weight": (self.num_features,), "bias": (self.num_features,)})


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """``torch.nn.LazyBatchNorm2d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``."""
    cls_to_become = BatchNorm2d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(BatchNorm2d, eps, momentum, affine, track_running_stats, device, dtype)


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """``torch.nn.LazyBatchNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``."""
    cls_to_become = BatchNorm1d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(BatchNorm1d, eps, momentum, affine, track_running_stats, device, dtype)


class LazyConv3d(_LazyConv, Conv3d):
    """``torch.nn.LazyConv3d(out_channels, kernel_size, ...)``."""
    cls_to_become = Conv3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(Conv3d, out_channels, kernel_size, groups, device, dtype, stride=stride, padding=padding,
                        dilation=dilation, bias=bias, padding_mode=padding_mode)


class LazyConvTranspose3d(_LazyConv, ConvTranspose3d):
    """``torch.nn.LazyConvTranspose3d(out_channels, kernel_size, ...)``."""
    cls_to_become = ConvTranspose3d
    transposed = True

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        self._lazy_init(ConvTranspose3d, out_channels, kernel_size, groups, device, dtype, stride=stride,
                        padding=padding, output_padding=output_padding, bias=bias, dilation=dilation,
                        padding_mode=padding_mode)


class LazyBatchNorm3d(_LazyNorm, BatchNorm3d):
    """``torch.nn.LazyBatchNorm3d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``."""
    cls_to_become = BatchNorm3d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(BatchNorm3d, eps, momentum, affine, track_running_stats, device, dtype)


class LazyInstanceNorm1d(_LazyNorm, InstanceNorm1d):
    """``torch.nn.LazyInstanceNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``: PyTorch's
    lazy defaults, not InstanceNorm1d's; num_features is the input's dim 1, as PyTorch reads it."""
    cls_to_become = InstanceNorm1d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(InstanceNorm1d, eps, momentum, affine, track_running_stats, device, dtype)


class LazyInstanceNorm2d(LazyInstanceNorm1d, InstanceNorm2d):
    """``torch.nn.LazyInstanceNorm2d``, as LazyInstanceNorm1d."""
    cls_to_become = InstanceNorm2d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(InstanceNorm2d, eps, momentum, affine, track_running_stats, device, dtype)


class LazyInstanceNorm3d(LazyInstanceNorm1d, InstanceNorm3d):
    """``torch.nn.LazyInstanceNorm3d``, as LazyInstanceNorm1d."""
    cls_to_become = InstanceNorm3d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
        self._lazy_init(InstanceNorm3d, eps, momentum, affine, track_running_stats, device, dtype)

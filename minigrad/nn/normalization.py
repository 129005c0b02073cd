"""Per-sample normalisation layers, as ``torch.nn.LayerNorm``, ``RMSNorm``, ``GroupNorm``, ``InstanceNorm1d`` and
``InstanceNorm2d``."""
from .. import creation
from ..ops.norm import group_norm, instance_norm, layer_norm, rms_norm
from ..tensor import int64
from .batchnorm import _BatchNorm
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm", "RMSNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d"]


def _affine_parameters(module, shape, affine, bias, dtype, device):
    """weight (ones) and bias (zeros) of ``shape`` when ``affine``, else None, as PyTorch's layers."""
    if affine:
        module.weight = Parameter(creation.ones(*shape, dtype=dtype, device=device or "cpu"))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(creation.zeros(*shape, dtype=dtype, device=device or "cpu"))
    else:
        module.register_parameter("bias", None)


class LayerNorm(Module):
    """``torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)``."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        _affine_parameters(self, shape, elementwise_affine, bias, dtype, device)

    def forward(self, input):  # noqa: A002
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """``torch.nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)``: x / rms(x) * weight."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        _affine_parameters(self, shape, elementwise_affine, False, dtype, device)
        del self._parameters["bias"]  # (PyTorch's RMSNorm has no bias entry at all)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """``torch.nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)``."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        _affine_parameters(self, (num_channels,), affine, bias, dtype, device)

    def forward(self, input):  # noqa: A002
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(Module):
    """Shared body of InstanceNorm1d/2d: PyTorch's defaults (no affine, no running statistics)."""
    _batched = 0  # the number of dims of a batched input
    # the resets of PyTorch's common base of batch and instance norm
    reset_running_stats, reset_parameters = _BatchNorm.reset_running_stats, _BatchNorm.reset_parameters

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, (num_features,), affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype, device=device or "cpu"))
            self.register_buffer("running_var", creation.ones(num_features, dtype=dtype, device=device or "cpu"))
            # (PyTorch keeps this count for instance norm too, and never advances it: in its state dict all the same)
            self.register_buffer("num_batches_tracked", creation.tensor(0, dtype=int64, device=device or "cpu"))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, input):  # noqa: A002
        if input.ndim not in (self._batched - 1, self._batched):
            raise ValueError(f"expected {self._batched - 1}D or {self._batched}D input (got {input.ndim}D input)")
        unbatched = input.ndim == self._batched - 1
        if unbatched:
            input = input.unsqueeze(0)
        out = instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """``torch.nn.InstanceNorm1d``: each channel of each (N, C, L) sample normalised over L."""
    _batched = 3


class InstanceNorm2d(_InstanceNorm):
    """``torch.nn.InstanceNorm2d``: each channel of each (N, C, H, W) sample normalised over H and W."""
    _batched = 4

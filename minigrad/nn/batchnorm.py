"""Batch normalisation layers, as ``torch.nn.BatchNorm1d`` and ``torch.nn.BatchNorm2d``."""
from .. import creation
from ..tensor import int64
from ..ops.norm import batch_norm, batch_norm_relu
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    """Shared body of BatchNorm1d/2d: parameters, running buffers and PyTorch's forward logic."""

    _dims = ()
    _dims_text = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dev = device or "cpu"
        if affine:
            self.weight = Parameter(creation.ones(num_features, dtype=dtype, device=dev))
        else:
            self.register_parameter("weight", None)
        if affine and bias:  # bias=False (keyword only, as in PyTorch 2.13): a scale without a shift
            self.bias = Parameter(creation.zeros(num_features, dtype=dtype, device=dev))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype, device=dev))
            self.register_buffer("running_var", creation.ones(num_features, dtype=dtype, device=dev))
            self.register_buffer("num_batches_tracked", creation.tensor(0, dtype=int64, device=dev))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """Zero the mean and batch count, set the variance to one, as PyTorch."""
        if self.track_running_stats:
            B = self.running_mean.backend
            self.running_mean.array = B.zeros((self.num_features,), self.running_mean.dtype)
            self.running_var.array = B.full((self.num_features,), 1.0, self.running_var.dtype)
            self.num_batches_tracked.array = B.zeros((), int64)

    def reset_parameters(self):
        self.reset_running_stats()
        if self.weight is not None:
            self.weight.array = self.weight.backend.full((self.num_features,), 1.0, self.weight.dtype)
        if self.bias is not None:
            self.bias.array = self.bias.backend.zeros((self.num_features,), self.bias.dtype)

    def _check_input(self, input):  # noqa: A002
        if input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {self._dims_text} input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:  # (PyTorch's words)
            raise RuntimeError(f"running_mean should contain {input.shape[1]} elements not {self.num_features}")

    def forward(self, input):  # noqa: A002
        """PyTorch's rule: count the batch, pick the averaging factor (1/count when momentum is None)."""
        return self._normalize(input, batch_norm)

    def forward_relu(self, input):  # noqa: A002
        """``relu(self(input))`` as one fused op (``F.batch_norm_relu``): the same running-statistics update,
        one pass less over the activation. Used by blocks whose BatchNorm is followed by a ReLU."""
        return self._normalize(input, batch_norm_relu)

    def _normalize(self, input, op):  # noqa: A002
        self._check_input(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            counter = self.num_batches_tracked
            counter.backend.add_(counter.array, counter.backend.scalar(1, int64))
            factor = 1.0 / int(counter.item()) if self.momentum is None else self.momentum
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        keep_running = not self.training or self.track_running_stats
        return op(input, self.running_mean if keep_running else None,
                  self.running_var if keep_running else None, self.weight, self.bias,
                  use_batch_stats, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm2d(_BatchNorm):
    """``torch.nn.BatchNorm2d``: normalise each channel of an (N, C, H, W) input over N, H and W."""

    _dims = (4,)
    _dims_text = "4D"


class BatchNorm1d(_BatchNorm):
    """``torch.nn.BatchNorm1d``: normalise each channel of an (N, C) or (N, C, L) input."""

    _dims = (2, 3)
    _dims_text = "2D or 3D"

"""``SyncBatchNorm``: batch normalisation whose statistics are taken over the batches of all ranks, as
``torch.nn.SyncBatchNorm``.

Forward (training): each rank sums its x, x² and counts per channel; one all-reduce gives the global mean and
(biased) variance, used to normalise, and the running statistics move with the unbiased variance of the global
batch, as one BatchNorm over all ranks' images would. Backward: the per-channel sums of dy and dy·(x − mean) are
all-reduced, so each rank's input gradient is PyTorch's formula over the global batch. Ranks may hold different
batch sizes (even 0). In eval mode, or in a world of one, it is a plain BatchNorm.
"""
import numpy as np

from ..autograd import Function, no_grad
from ..distributed.group import default_group
from ..ops.activation import relu
from .batchnorm import _BatchNorm

__all__ = ["SyncBatchNorm"]


def _allreduce_sum(values):
    default_group().transport.all_reduce(values, "sum")
    return values


class SyncBatchNormFunction(Function):
    """Normalise x (N, C, *) with the global mean and inverse std given; backward all-reduces its channel sums."""

    def forward(self, x, weight, bias, mean, invstd, count):
        B = self.B
        shape = (1, -1) + (1,) * (x.ndim - 2)
        self.axes = (0,) + tuple(range(2, x.ndim))
        self.count, self.shape = count, shape
        mean_b, invstd_b = B.from_numpy(mean.reshape(shape)), B.from_numpy(invstd.reshape(shape))
        xhat = B.mul(B.sub(x, mean_b), invstd_b)
        out = xhat if weight is None else B.add(B.mul(xhat, weight.reshape(shape)), bias.reshape(shape))
        self.save_for_backward(x, weight, mean_b, invstd_b)
        return out

    def backward(self, g):
        B = self.B
        x, weight, mean_b, invstd_b = self.saved
        centred = B.sub(x, mean_b)
        local_dy = B.sum(g, axis=self.axes)
        local_dy_xmu = B.sum(B.mul(g, centred), axis=self.axes)
        # The two sums over the global batch; the weight and bias gradients stay local (DDP averages them).
        sums = np.concatenate([B.to_numpy(local_dy), B.to_numpy(local_dy_xmu)]).astype(np.float64)
        sums = _allreduce_sum(sums)
        channels = sums.size // 2
        dtype = x.dtype
        mean_dy = B.from_numpy((sums[:channels] / self.count).astype(dtype).reshape(self.shape))
        mean_dy_xmu = B.from_numpy((sums[channels:] / self.count).astype(dtype).reshape(self.shape))
        scale = invstd_b if weight is None else B.mul(invstd_b, weight.reshape(self.shape))
        correction = B.mul(B.mul(centred, B.mul(invstd_b, invstd_b)), mean_dy_xmu)
        grad_x = B.mul(B.sub(B.sub(g, mean_dy), correction), scale)
        if weight is None:
            return grad_x, None, None
        grad_w = B.sum(B.mul(g, B.mul(centred, invstd_b)), axis=self.axes)
        return grad_x, grad_w, local_dy


class SyncBatchNorm(_BatchNorm):
    """``torch.nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats, process_group)``."""

    _dims = (2, 3, 4, 5)
    _dims_text = "at least 2D"

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def forward(self, input):  # noqa: A002
        from .. import distributed
        synced = self.training and distributed.is_initialized() and distributed.get_world_size() > 1
        if not synced:
            return super().forward(input)
        self._check_input(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats and self.num_batches_tracked is not None:
            counter = self.num_batches_tracked
            counter.backend.add_(counter.array, counter.backend.scalar(1, counter.dtype))
            factor = 1.0 / int(counter.item()) if self.momentum is None else self.momentum
        mean, invstd, count = self._global_statistics(input, factor)
        return SyncBatchNormFunction.apply(input, self.weight, self.bias, mean=mean, invstd=invstd, count=count)

    def forward_relu(self, input):  # noqa: A002
        """``relu(self(input))`` (what the U-Net's blocks call)."""
        return relu(self.forward(input))

    @no_grad()
    def _global_statistics(self, x, factor):
        """Global mean and 1/sqrt(var + eps) per channel (float64 sums over all ranks), and the global count;
        the running statistics are updated here."""
        B = x.backend
        axes = (0,) + tuple(range(2, x.ndim))
        values = B.to_numpy(x.array).astype(np.float64)
        local = np.concatenate([values.sum(axis=axes), (values * values).sum(axis=axes),
                                [values.size // max(x.shape[1], 1)]])
        sums = _allreduce_sum(local)
        channels = x.shape[1]
        count = sums[-1]
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)} "
                             "over all ranks")
        mean = sums[:channels] / count
        var = np.maximum(sums[channels:2 * channels] / count - mean * mean, 0.0)
        if self.track_running_stats and self.running_mean is not None:
            rm, rv = self.running_mean, self.running_var
            new_mean = (1 - factor) * rm.numpy().astype(np.float64) + factor * mean
            new_var = (1 - factor) * rv.numpy().astype(np.float64) + factor * var * count / (count - 1)
            rm.array = rm.backend.from_numpy(new_mean.astype(rm.dtype))
            rv.array = rv.backend.from_numpy(new_var.astype(rv.dtype))
        dtype = x.dtype
        return mean.astype(dtype), (1.0 / np.sqrt(var + self.eps)).astype(dtype), float(count)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Every BatchNorm of ``module`` replaced by a SyncBatchNorm holding its parameters and buffers."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            for name in ("weight", "bias"):
                if getattr(module, name, None) is not None:
                    setattr(converted, name, getattr(module, name))
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                converted.register_buffer(name, getattr(module, name))
            converted.training = module.training
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted

"""``nn.DataParallel`` and ``nn.parallel.data_parallel``: PyTorch's single-process replication over several GPUs.
minigrad runs the module as PyTorch's DataParallel does when it finds no GPU to spread over: as is, in this
process. For data parallelism over processes (CPUs or GPUs, one machine or many) see ``DistributedDataParallel``."""
from ..module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """``torch.nn.DataParallel(module, device_ids=None, output_device=None, dim=0)``: the module under ``.module``
    (so a state_dict's keys start with ``module.``, as PyTorch's), called as is."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = [] if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """``torch.nn.parallel.data_parallel``: ``module(*inputs, **module_kwargs)`` (inputs a tuple or one tensor)."""
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    return module(*inputs, **(module_kwargs or {}))

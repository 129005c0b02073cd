"""``minigrad.nn.parallel``: ``DistributedDataParallel``, ``DataParallel`` and ``data_parallel``, as
``torch.nn.parallel``."""
from .distributed import DistributedDataParallel  # noqa: F401
from .data_parallel import DataParallel, data_parallel  # noqa: F401

"""``minigrad.utils.data``: datasets, samplers and the DataLoader, as ``torch.utils.data``."""
from .dataset import (Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset, ChainDataset,  # noqa: F401
                      Subset, random_split)
from .sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler,  # noqa: F401
                      WeightedRandomSampler, BatchSampler)
from .collate import default_collate, default_convert  # noqa: F401
from .worker import get_worker_info, WorkerInfo  # noqa: F401
from .dataloader import DataLoader  # noqa: F401

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset", "Subset",
           "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "default_collate", "default_convert", "get_worker_info", "WorkerInfo", "DataLoader"]
from . import distributed  # noqa: E402,F401 (torch.utils.data.distributed.DistributedSampler)
from .distributed import DistributedSampler  # noqa: E402,F401

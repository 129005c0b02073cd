"""Samplers: the order in which a DataLoader visits indices, as ``torch.utils.data``'s samplers.

The random ones draw their integers as PyTorch does (``randperm``; ``randint`` in chunks of 32), so with
``generator=minigrad.Generator().manual_seed(s)`` they visit PyTorch's order for the same seed.
"""
import numpy as np

from ...random import Generator, default_generator, randint_list, randperm_list

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]


class Sampler:
    """Base class: ``__iter__`` yields indices (``__len__`` optional), as ``torch.utils.data.Sampler``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) − 1, as ``torch.utils.data.SequentialSampler``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _pass_generator(sampler):
    """PyTorch's rule for a sampler without a generator: a fresh one per pass, seeded with a draw from the global
    generator (or from the one a resuming DataLoader hands it in ``seed_source``)."""
    if sampler.generator is not None:
        return sampler.generator
    source = sampler.__dict__.pop("seed_source", None) or default_generator
    return Generator().manual_seed(source.random64() % 2 ** 63)


class RandomSampler(Sampler):
    """A random permutation per pass (or ``num_samples`` draws with replacement), as
    ``torch.utils.data.RandomSampler``."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        self.data_source, self.replacement, self._num_samples, self.generator = \
            data_source, replacement, num_samples, generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = _pass_generator(self)
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from randint_list(n, 32, generator)
            yield from randint_list(n, self.num_samples % 32, generator)
            return
        for _ in range(self.num_samples // n):
            yield from randperm_list(n, generator)
        yield from randperm_list(n, generator)[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order, as ``torch.utils.data.SubsetRandomSampler``."""

    def __init__(self, indices, generator=None):
        self.indices, self.generator = indices, generator

    def __iter__(self):
        for i in randperm_list(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``, as
    ``torch.utils.data.WeightedRandomSampler``: ``multinomial`` of the float64 weights, PyTorch's draws for the
    same seed."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {weights.shape}")
        self.weights, self.num_samples, self.replacement, self.generator = \
            weights, num_samples, replacement, generator

    def __iter__(self):
        from ...creation import multinomial, tensor
        drawn = multinomial(tensor(self.weights), self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()  # (drawn at the first item, as PyTorch's generator function draws)

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``, as ``torch.utils.data.BatchSampler``."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

"""Datasets: ``Dataset``, ``Subset``, ``random_split`` as in ``torch.utils.data``, and the base of the
segmentation datasets, which applies random augmentations reproducibly."""
import numpy as np

__all__ = ["Dataset", "Subset", "random_split", "SegmentationDataset"]


class Dataset:
    """An indexable collection of samples, as ``torch.utils.data.Dataset``: subclasses define
    ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, as ``torch.utils.data.Subset``."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)

    def set_epoch(self, epoch):
        if hasattr(self.dataset, "set_epoch"):
            self.dataset.set_epoch(epoch)


def random_split(dataset, lengths, seed=0):
    """Split into non-overlapping Subsets of the given lengths (or fractions summing to 1),
    as ``torch.utils.data.random_split``, shuffled by a numpy Generator seeded with ``seed``."""
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and abs(sum(lengths) - 1.0) < 1e-6:
        counts = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):  # hand the remainder out round-robin, as PyTorch does
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError(f"random_split: sum of input lengths {list(lengths)} does not equal the length "
                         f"of the input dataset ({n})")
    order = np.random.default_rng(seed).permutation(n)
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[start:start + length]))
        start += length
    return out


class SegmentationDataset(Dataset):
    """Base of the segmentation datasets: ``load(index)`` gives ``(image, mask)`` as numpy arrays,
    image float32 C×H×W in [0, 1] and mask int64 H×W of class ids; ``transform(image, mask, rng)``
    then augments both identically.

    The augmentation of sample ``i`` in epoch ``e`` draws from its own generator seeded with
    ``(seed, e, i)``: results do not depend on the order samples are loaded in (background
    prefetch), and the whole augmentation state is ``(seed, epoch)``, which a checkpoint stores
    through the DataLoader (it calls ``set_epoch`` before each pass).
    """

    def __init__(self, transform=None, seed=0):
        self.transform = transform
        self.seed = int(seed)
        self.epoch = 0

    def set_epoch(self, epoch):
        """Choose the epoch whose augmentations ``__getitem__`` draws."""
        self.epoch = int(epoch)

    def load(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define load(index)")

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"{type(self).__name__}: index {index} out of range for {len(self)} samples")
        index = index % len(self)
        image, mask = self.load(index)
        if self.transform is not None:
            rng = np.random.default_rng((self.seed, self.epoch, index))
            image, mask = self.transform(image, mask, rng)
        return np.ascontiguousarray(image, dtype=np.float32), np.ascontiguousarray(mask, dtype=np.int64)

"""The base of the segmentation datasets, which applies random augmentations reproducibly."""
import numpy as np

from ..utils.data import Dataset

__all__ = ["SegmentationDataset"]


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

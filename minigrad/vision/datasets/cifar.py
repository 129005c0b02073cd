"""CIFAR-10 and CIFAR-100, as torchvision's: the "python version" batches in ``root/cifar-10-batches-py`` (or
``cifar-100-python``), downloaded with ``download=True`` (the archive's MD5 checked), images as PIL RGB images.

The batches are Python pickles. They are read by an unpickler that admits only what they hold, numpy arrays
(``numpy.core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``) and plain Python values, so a
tampered file cannot run code. The batches' own MD5s are not required (torchvision checks them), so that a
subset written in the same format loads too.
"""
import io
import os
import pickle

import numpy as np
from PIL import Image

from .utils import VisionDataset, download_and_extract_archive

__all__ = ["CIFAR10", "CIFAR100"]

_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype"),
            ("_codecs", "encode")}  # how protocol 2 writes bytes from Python 3: a str and its encoding


class _ArraysOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"a CIFAR batch may hold numpy arrays and plain values only, not "
                                         f"{module}.{name}")
        return super().find_class(module, name)


def load_batch(path):
    """One CIFAR batch file as a dict (its keys decoded as Python 2 wrote them)."""
    with open(path, "rb") as f:
        return _ArraysOnly(io.BytesIO(f.read()), encoding="latin1").load()


class CIFAR10(VisionDataset):
    """``torchvision.datasets.CIFAR10(root, train=True, transform=None, target_transform=None, download=False)``."""

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [["data_batch_1", "c99cafc152244af753f735de768cd75f"],
                  ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
                  ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
                  ["data_batch_4", "634d18415352ddfa80567beed471001a"],
                  ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"]]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    label_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self._fetch_or_check(download, "Dataset not found or corrupted.")
        images, self.targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            entry = load_batch(os.path.join(self.root, self.base_folder, name))
            images.append(np.asarray(entry["data"], np.uint8))
            self.targets.extend(int(t) for t in entry.get(self.label_key, entry.get("labels", [])))
        self.data = np.vstack(images).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # (N, H, W, C) bytes
        if len(self.data) != len(self.targets):
            raise RuntimeError(f"{self.base_folder}: {len(self.data)} images but {len(self.targets)} labels")
        self.classes = list(load_batch(os.path.join(self.root, self.base_folder,
                                                    self.meta["filename"]))[self.meta["key"]])
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def _check_exists(self):
        return all(os.path.isfile(os.path.join(self.root, self.base_folder, name))
                   for name, _ in self.train_list + self.test_list + [[self.meta["filename"], None]])

    def download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self._apply(Image.fromarray(self.data[index]), self.targets[index])

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 with its 100 fine labels."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
    label_key = "fine_labels"

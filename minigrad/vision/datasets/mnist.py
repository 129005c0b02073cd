"""MNIST, Fashion-MNIST and Kuzushiji-MNIST, as torchvision's: the four IDX files in ``root/<Class>/raw``
(downloaded with ``download=True``, their MD5 checked), images as PIL 'L' images, labels as ints."""
import os

import numpy as np
from PIL import Image

import minigrad

from .utils import VisionDataset, check_integrity, download_and_extract_archive

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "read_image_file", "read_label_file"]

# IDX type codes and their numpy types (big-endian in the file)
_IDX_TYPES = {8: np.uint8, 9: np.int8, 11: np.dtype(">i2"), 12: np.dtype(">i4"), 13: np.dtype(">f4"),
              14: np.dtype(">f8")}


def _read_idx(path):
    """An IDX file (LeCun's format) as a numpy array; its header must describe exactly the bytes that follow."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise RuntimeError(f"{path}: not an IDX file")
    code, dims = data[2], data[3]
    if data[:2] != b"\0\0" or code not in _IDX_TYPES or not 1 <= dims <= 3:
        raise RuntimeError(f"{path}: not an IDX file (magic {data[:4].hex()})")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    dtype = np.dtype(_IDX_TYPES[code])
    start = 4 + 4 * dims
    if len(data) - start != int(np.prod(shape)) * dtype.itemsize:
        raise RuntimeError(f"{path}: its header says {shape} x {dtype.itemsize} bytes, the file holds "
                           f"{len(data) - start}")
    return np.frombuffer(data, dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


def read_image_file(path):
    images = _read_idx(path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise RuntimeError(f"{path}: expected uint8 images (N, H, W), got {images.dtype} {images.shape}")
    return minigrad.from_numpy(images)


def read_label_file(path):
    labels = _read_idx(path)
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise RuntimeError(f"{path}: expected uint8 labels (N,), got {labels.dtype} {labels.shape}")
    return minigrad.from_numpy(labels.astype(np.int64))


class MNIST(VisionDataset):
    """``torchvision.datasets.MNIST(root, train=True, transform=None, target_transform=None, download=False)``."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self._fetch_or_check(download, "Dataset not found.")
        prefix = "train" if train else "t10k"
        self.data = read_image_file(os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"))
        self.targets = read_label_file(os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte"))
        if len(self.data) != len(self.targets):
            raise RuntimeError(f"{self.raw_folder}: {len(self.data)} images but {len(self.targets)} labels")

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _check_exists(self):
        return all(check_integrity(os.path.join(self.raw_folder, os.path.splitext(name)[0]))
                   for name, _ in self.resources)

    def download(self):
        """Fetch and unpack the four files (each from the first mirror that serves it with the right MD5)."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for name, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + name, self.raw_folder, filename=name, md5=md5)
                    break
                except (OSError, RuntimeError) as error:
                    errors.append(f"{mirror}{name}: {error}")
            else:
                raise RuntimeError("Error downloading " + name + ":\n" + "\n".join(errors))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        image = Image.fromarray(self.data.array[index])
        return self._apply(image, int(self.targets.array[index]))

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]

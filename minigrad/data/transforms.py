"""Segmentation transforms: each takes ``(image, mask, rng)`` and returns ``(image, mask)``, moving the
mask's pixels exactly as the image's so labels stay aligned.

``image`` is a float32 numpy array C×H×W, ``mask`` an int64 array H×W; ``rng`` is a numpy
Generator (given by ``SegmentationDataset``, one per sample and epoch). They follow
``torchvision.transforms.v2``'s names, applied jointly to image and mask.
"""
import numpy as np

__all__ = ["Compose", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation90", "RandomCrop",
           "CenterCrop", "Resize", "Normalize"]


def _check(name, image, mask):
    if image.ndim != 3 or mask.ndim != 2 or image.shape[1:] != mask.shape:
        raise ValueError(f"{name}: expected image C×H×W and mask H×W of the same H×W, "
                         f"got image {image.shape} and mask {mask.shape}")


class Compose:
    """Apply transforms in order, as ``torchvision.transforms.Compose``."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, image, mask, rng):
        for t in self.transforms:
            image, mask = t(image, mask, rng)
        return image, mask

    def __repr__(self):
        return "Compose(" + ", ".join(repr(t) for t in self.transforms) + ")"


class RandomHorizontalFlip:
    """Mirror left-right with probability ``p``, as ``torchvision.transforms.RandomHorizontalFlip``."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, image, mask, rng):
        _check("RandomHorizontalFlip", image, mask)
        if rng.random() < self.p:
            return image[:, :, ::-1], mask[:, ::-1]
        return image, mask

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"


class RandomVerticalFlip:
    """Mirror top-bottom with probability ``p``, as ``torchvision.transforms.RandomVerticalFlip``."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, image, mask, rng):
        _check("RandomVerticalFlip", image, mask)
        if rng.random() < self.p:
            return image[:, ::-1, :], mask[::-1, :]
        return image, mask

    def __repr__(self):
        return f"RandomVerticalFlip(p={self.p})"


class RandomRotation90:
    """Rotate by a random multiple of 90° (counter-clockwise). Non-square samples only turn by 0° or
    180°, so every sample of a batch keeps its shape."""

    def __call__(self, image, mask, rng):
        _check("RandomRotation90", image, mask)
        k = int(rng.integers(4)) if mask.shape[0] == mask.shape[1] else 2 * int(rng.integers(2))
        return np.rot90(image, k, axes=(1, 2)), np.rot90(mask, k, axes=(0, 1))

    def __repr__(self):
        return "RandomRotation90()"


def _pair(size):
    return (int(size), int(size)) if np.isscalar(size) else (int(size[0]), int(size[1]))


class RandomCrop:
    """Cut a random ``size`` window (int or (h, w)) from image and mask at the same place, as
    ``torchvision.transforms.RandomCrop``; samples smaller than ``size`` are an error."""

    def __init__(self, size):
        self.size = _pair(size)

    def __call__(self, image, mask, rng):
        _check("RandomCrop", image, mask)
        (h, w), (th, tw) = mask.shape, self.size
        if h < th or w < tw:
            raise ValueError(f"RandomCrop: required crop size {self.size} is larger than the input size {(h, w)}")
        top, left = int(rng.integers(h - th + 1)), int(rng.integers(w - tw + 1))
        return image[:, top:top + th, left:left + tw], mask[top:top + th, left:left + tw]

    def __repr__(self):
        return f"RandomCrop(size={self.size})"


class CenterCrop:
    """Cut the central ``size`` window from image and mask, as ``torchvision.transforms.CenterCrop``."""

    def __init__(self, size):
        self.size = _pair(size)

    def __call__(self, image, mask, rng=None):
        _check("CenterCrop", image, mask)
        (h, w), (th, tw) = mask.shape, self.size
        if h < th or w < tw:
            raise ValueError(f"CenterCrop: required crop size {self.size} is larger than the input size {(h, w)}")
        top, left = (h - th) // 2, (w - tw) // 2
        return image[:, top:top + th, left:left + tw], mask[top:top + th, left:left + tw]

    def __repr__(self):
        return f"CenterCrop(size={self.size})"


class Resize:
    """Resize to ``size`` (int or (h, w)): the image bilinearly, the mask by nearest neighbour so it
    keeps class ids, as ``torchvision.transforms.v2.Resize`` on an image and its mask."""

    def __init__(self, size):
        self.size = _pair(size)

    def __call__(self, image, mask, rng=None):
        _check("Resize", image, mask)
        (h, w), (th, tw) = mask.shape, self.size
        if (h, w) == (th, tw):
            return image, mask
        # Pixel-centre sampling positions, as align_corners=False.
        ys = np.clip((np.arange(th) + 0.5) * h / th - 0.5, 0, h - 1)
        xs = np.clip((np.arange(tw) + 0.5) * w / tw - 0.5, 0, w - 1)
        y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
        y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
        wy = (ys - y0).astype(np.float32)[None, :, None]
        wx = (xs - x0).astype(np.float32)[None, None, :]
        top = image[:, y0][:, :, x0] * (1 - wx) + image[:, y0][:, :, x1] * wx
        bottom = image[:, y1][:, :, x0] * (1 - wx) + image[:, y1][:, :, x1] * wx
        resized = (top * (1 - wy) + bottom * wy).astype(np.float32)
        ny = np.minimum(np.floor((np.arange(th) + 0.5) * h / th), h - 1).astype(np.int64)
        nx = np.minimum(np.floor((np.arange(tw) + 0.5) * w / tw), w - 1).astype(np.int64)
        return resized, mask[ny][:, nx]

    def __repr__(self):
        return f"Resize(size={self.size})"


class Normalize:
    """Subtract ``mean`` and divide by ``std`` per channel (image only), as
    ``torchvision.transforms.Normalize``."""

    def __init__(self, mean, std):
        self.mean = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
        self.std = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std evaluated to zero ({self.std.ravel().tolist()}), leading to division by zero")

    def __call__(self, image, mask, rng=None):
        if self.mean.shape[0] not in (1, image.shape[0]):
            raise ValueError(f"Normalize: {self.mean.shape[0]} channel means for an image of {image.shape[0]} channels")
        return ((image - self.mean) / self.std).astype(np.float32), mask

    def __repr__(self):
        return f"Normalize(mean={self.mean.ravel().tolist()}, std={self.std.ravel().tolist()})"

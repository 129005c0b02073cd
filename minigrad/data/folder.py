"""``SegmentationFolder``: real images and masks from a directory, read with Pillow.

    root/images/cat_001.jpg   root/masks/cat_001.png
    root/images/cat_002.png   root/masks/cat_002.png

An image and its mask share a file stem. Masks hold class ids (greyscale or palette-mode PNG,
pixel value = class) or colours (RGB PNG) translated to class ids by a palette, a list of
(r, g, b) whose position is the class id.
"""
import os

import numpy as np

from .dataset import SegmentationDataset

__all__ = ["SegmentationFolder", "parse_palette", "IMAGE_EXTENSIONS"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")


def parse_palette(text):
    """A palette from text such as ``"0,0,0 255,0,0 0,255,0"`` (one r,g,b per class, in class order),
    or from a file holding that text (spaces, semicolons or newlines between colours)."""
    if os.path.isfile(text):
        with open(text) as f:
            text = f.read()
    colours = [c for c in text.replace(";", " ").split() if c]
    palette = []
    for c in colours:
        parts = c.split(",")
        if len(parts) != 3 or not all(p.strip().isdigit() and int(p) <= 255 for p in parts):
            raise ValueError(f"palette: expected colours as r,g,b with values 0..255, got {c!r}")
        palette.append(tuple(int(p) for p in parts))
    if not palette:
        raise ValueError("palette: no colours given")
    return palette


LAYOUT = "root/images/<name>.png|jpg and root/masks/<name>.png, one mask per image with the same name"


def _files_by_stem(directory, root):
    if not os.path.isdir(directory):
        what = "folder" if not os.path.isdir(root) else "sub-folder"
        raise FileNotFoundError(f"SegmentationFolder: {what} not found: {directory if what != 'folder' else root} "
                                f"(expected the layout {LAYOUT})")
    found = {}
    for name in sorted(os.listdir(directory)):
        stem, ext = os.path.splitext(name)
        if ext.lower() in IMAGE_EXTENSIONS:
            if stem in found:
                raise ValueError(f"SegmentationFolder: two files with stem {stem!r} in {directory}")
            found[stem] = os.path.join(directory, name)
    return found


class SegmentationFolder(SegmentationDataset):
    """Image/mask pairs from ``root/images`` and ``root/masks``, as a segmentation dataset.

    ``split`` is ``"train"``, ``"val"`` or ``"all"``: the pairs are shuffled by ``split_seed`` and
    the first ``val_fraction`` of them form the validation split (at least one when there are two
    pairs or more), the rest the training split. ``palette`` translates colour masks to class ids;
    ``num_classes``, when given, is checked against each mask as it is read. ``channels`` is 3 (RGB)
    or 1 (greyscale). ``transform`` and ``seed`` are as in ``SegmentationDataset``. With ``check`` (the
    default) every pair of the split is read once up front and all bad files are listed in one error.
    """

    def __init__(self, root, split="all", val_fraction=0.2, split_seed=0, palette=None, num_classes=None,
                 channels=3, transform=None, seed=0, check=True):
        super().__init__(transform=transform, seed=seed)
        if split not in ("train", "val", "all"):
            raise ValueError(f"SegmentationFolder: split must be 'train', 'val' or 'all', got {split!r}")
        if not 0.0 <= val_fraction < 1.0:
            raise ValueError(f"SegmentationFolder: val_fraction must be in [0, 1), got {val_fraction}")
        if channels not in (1, 3):
            raise ValueError(f"SegmentationFolder: channels must be 1 or 3, got {channels}")
        images = _files_by_stem(os.path.join(root, "images"), root)
        masks = _files_by_stem(os.path.join(root, "masks"), root)
        lonely = sorted(set(images) ^ set(masks))
        if lonely:
            raise ValueError(f"SegmentationFolder: in {root}, these stems have an image but no mask or a mask but "
                             f"no image: {', '.join(lonely[:10])}{' ...' if len(lonely) > 10 else ''}")
        if not images:
            raise ValueError(f"SegmentationFolder: no {'/'.join(IMAGE_EXTENSIONS)} images in {root}/images")
        stems = sorted(images)
        order = [stems[i] for i in np.random.default_rng(split_seed).permutation(len(stems))]
        n_val = 0 if val_fraction == 0 or len(stems) < 2 else max(1, int(round(val_fraction * len(stems))))
        chosen = {"train": order[n_val:], "val": order[:n_val], "all": stems}[split]
        self.stems = sorted(chosen)
        self.pairs = [(images[s], masks[s]) for s in self.stems]
        self.palette = None if palette is None else np.asarray(palette, dtype=np.int64).reshape(-1, 3)
        self.num_classes = num_classes
        self.channels = channels
        if check:
            self.check()

    def check(self):
        """Read every pair once and raise one ValueError listing every bad file (unreadable, image and mask
        of different sizes, class ids out of range), so that a data set fails before training, not in it."""
        from PIL import Image
        problems, largest = [], -1
        for image_path, mask_path in self.pairs:
            try:
                with Image.open(image_path) as img:
                    width, height = img.size
                    img.verify()
            except Exception as error:  # Pillow raises many types for broken files
                problems.append(f"{image_path}: unreadable image ({type(error).__name__}: {error})")
                continue
            try:
                with Image.open(mask_path) as m:
                    mask = self._class_ids(m, mask_path)
            except Exception as error:
                problems.append(f"{mask_path}: {error}" if isinstance(error, ValueError)
                                else f"{mask_path}: unreadable mask ({type(error).__name__}: {error})")
                continue
            if mask.shape != (height, width):
                problems.append(f"{mask_path}: mask is {mask.shape[1]}x{mask.shape[0]} but its image {image_path} "
                                f"is {width}x{height}")
            elif self.num_classes is not None and mask.size and (mask.max() >= self.num_classes or mask.min() < 0):
                largest = max(largest, int(mask.max()))
                problems.append(f"{mask_path}: holds class id {int(mask.max())}, but there are only "
                                f"{self.num_classes} classes")
        if problems:
            hint = ""
            if largest >= 255 or (largest > 0 and self.num_classes is not None and largest >= 2 * self.num_classes):
                hint = ("\nHint: masks with values such as 255 are usually colour or 0/255 masks: give --palette "
                        "(palette=) with one r,g,b per class, or rescale the masks to class ids 0..classes-1.")
            raise ValueError(f"SegmentationFolder: {len(problems)} of {len(self.pairs)} image/mask pairs are "
                             f"unusable:\n  " + "\n  ".join(problems) + hint)

    def __len__(self):
        return len(self.pairs)

    def load(self, index):
        from PIL import Image
        image_path, mask_path = self.pairs[index]
        with Image.open(image_path) as img:
            image = np.asarray(img.convert("RGB" if self.channels == 3 else "L"), dtype=np.float32) / 255.0
        image = image[None] if image.ndim == 2 else image.transpose(2, 0, 1)
        with Image.open(mask_path) as m:
            mask = self._class_ids(m, mask_path)
        if mask.shape != image.shape[1:]:
            raise ValueError(f"SegmentationFolder: {image_path} is {image.shape[1:]} but its mask {mask_path} "
                             f"is {mask.shape}")
        if self.num_classes is not None and mask.size and (mask.max() >= self.num_classes or mask.min() < 0):
            raise ValueError(f"SegmentationFolder: {mask_path} holds class id {int(mask.max())}, but there are "
                             f"only {self.num_classes} classes")
        return np.ascontiguousarray(image, dtype=np.float32), mask

    def _class_ids(self, m, path):
        if m.mode in ("P", "L", "I", "I;16", "1"):
            return np.asarray(m, dtype=np.int64)
        rgb = np.asarray(m.convert("RGB"), dtype=np.int64)
        if self.palette is None:
            if np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2]):
                return rgb[..., 0].copy()  # a greyscale mask stored as RGB
            raise ValueError(f"SegmentationFolder: {path} is a colour mask; give a palette (one r,g,b per class) "
                             f"to translate its colours to class ids")
        codes = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
        palette_codes = (self.palette[:, 0] << 16) | (self.palette[:, 1] << 8) | self.palette[:, 2]
        order = np.argsort(palette_codes)
        pos = np.clip(np.searchsorted(palette_codes[order], codes), 0, len(order) - 1)
        known = palette_codes[order][pos] == codes
        if not known.all():
            bad = [((c >> 16) & 255, (c >> 8) & 255, c & 255) for c in np.unique(codes[~known]).tolist()]
            raise ValueError(f"SegmentationFolder: {path} has colours not in the palette: "
                             f"{bad[:5]}{' ...' if len(bad) > 5 else ''}")
        return order[pos].astype(np.int64)

"""Images in class folders (``root/<class>/<image>``) and made-up images, as torchvision's ``DatasetFolder``,
``ImageFolder`` and ``FakeData``."""
import os

from PIL import Image

import minigrad

from .utils import VisionDataset

__all__ = ["IMG_EXTENSIONS", "has_file_allowed_extension", "find_classes", "make_dataset", "pil_loader",
           "default_loader", "DatasetFolder", "ImageFolder", "FakeData"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def find_classes(directory):
    """The class folders' names, sorted, and their indices."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None, allow_empty=False):
    """(path, class index) of every valid file under each class folder, in sorted order, as torchvision's."""
    directory = os.path.expanduser(os.fspath(directory))
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    valid = is_valid_file if is_valid_file is not None else \
        (lambda path: has_file_allowed_extension(path, extensions))
    instances, found = [], set()
    for name in sorted(class_to_idx):
        for root, _, files in sorted(os.walk(os.path.join(directory, name), followlinks=True)):
            for filename in sorted(files):
                path = os.path.join(root, filename)
                if valid(path):
                    instances.append((path, class_to_idx[name]))
                    found.add(name)
    empty = set(class_to_idx) - found
    if empty and not allow_empty:
        message = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            names = extensions if isinstance(extensions, str) else ", ".join(extensions)
            message += f"Supported extensions are: {names}"
        raise FileNotFoundError(message)
    return instances


def pil_loader(path):
    """The image at ``path`` as an RGB PIL image."""
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


def default_loader(path):
    return pil_loader(path)


class DatasetFolder(VisionDataset):
    """Samples ``root/<class>/.../<file>`` read by ``loader``, labelled by their class folder's index."""

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None, is_valid_file=None,
                 allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.classes, self.class_to_idx = self.find_classes(self.root)
        self.samples = self.make_dataset(self.root, self.class_to_idx, extensions, is_valid_file, allow_empty)
        self.loader, self.extensions = loader, extensions
        self.targets = [target for _, target in self.samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False):
        return make_dataset(directory, class_to_idx, extensions, is_valid_file, allow_empty)

    def find_classes(self, directory):
        return find_classes(directory)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, target = self.samples[index]
        return self._apply(self.loader(path), target)


class ImageFolder(DatasetFolder):
    """A DatasetFolder of images (``IMG_EXTENSIONS``) opened as RGB PIL images; ``imgs`` is ``samples``."""

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader, is_valid_file=None,
                 allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None, transform,
                         target_transform, is_valid_file, allow_empty)
        self.imgs = self.samples


class FakeData(VisionDataset):
    """``size`` random images (C x H x W normal values, as PIL images) with random labels; item i is drawn from
    the seed ``i + random_offset`` (minigrad's generator), leaving the global generator as it was."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.image_size, self.num_classes = size, tuple(image_size), num_classes
        self.random_offset = random_offset

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = minigrad.get_rng_state()
        try:
            minigrad.manual_seed(index + self.random_offset)
            image = minigrad.randn(*self.image_size)
            target = int(minigrad.randint(0, self.num_classes, (1,)).item())
        finally:
            minigrad.set_rng_state(state)
        from ..transforms.functional import to_pil_image
        return self._apply(to_pil_image(image), target)

"""What torchvision's datasets share: the base class, downloads checked by MD5, archives unpacked safely."""
import gzip
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request

from ...utils.data import Dataset

__all__ = ["VisionDataset", "check_integrity", "download_url", "extract_archive", "download_and_extract_archive"]


class VisionDataset(Dataset):
    """torchvision's base: ``root``, ``transform`` (the image), ``target_transform`` (the label) and
    ``transforms`` (both at once; not with the other two)."""

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(os.fspath(root)) if root is not None else None
        if transforms is not None and (transform is not None or target_transform is not None):
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform, self.target_transform = transform, target_transform
        self.transforms = transforms if transforms is not None else (
            _Both(transform, target_transform) if transform is not None or target_transform is not None else None)

    def _fetch_or_check(self, download, missing):
        """``download()`` when asked, then the files must be there (``_check_exists``): else PyTorch's error."""
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(missing + " You can use download=True to download it")

    def _apply(self, image, target):
        return self.transforms(image, target) if self.transforms is not None else (image, target)

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"    Root location: {self.root}")
        lines += [f"    {line}" for line in self.extra_repr().splitlines()]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}".replace("\n", "\n    "))
        return "\n".join(lines)

    def extra_repr(self):
        return ""


class _Both:
    def __init__(self, transform, target_transform):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, image, target):
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target


def check_integrity(path, md5=None):
    """Whether ``path`` exists and, given ``md5``, has that digest."""
    if not os.path.isfile(path):
        return False
    if md5 is None:
        return True
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == md5


def download_url(url, root, filename=None, md5=None):
    """Download ``url`` into ``root`` (as ``filename``), unless a file with the right MD5 is there; written to a
    temporary file and renamed, so an interrupted download leaves nothing half-written."""
    root = os.path.expanduser(os.fspath(root))
    path = os.path.join(root, filename or os.path.basename(url))
    os.makedirs(root, exist_ok=True)
    if check_integrity(path, md5):
        return path
    print(f"Downloading {url} to {path}", file=sys.stderr)
    handle, partial = tempfile.mkstemp(dir=root, prefix=".download-")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out)
        if not check_integrity(partial, md5):
            raise RuntimeError(f"{url}: the download's MD5 is not {md5}")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return path


def extract_archive(from_path, to_path=None):
    """Unpack a .tar(.gz) or .gz file next to it (or into ``to_path``); a member that would land outside the
    folder (an absolute path, ``..``, a link) is refused."""
    to_path = os.path.dirname(from_path) if to_path is None else to_path
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path) as archive:
            archive.extractall(to_path, filter="data")
        return to_path
    if from_path.endswith(".gz"):
        target = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        return target
    raise RuntimeError(f"{from_path}: not a .tar, .tar.gz, .tgz or .gz archive")


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None):
    path = download_url(url, download_root, filename, md5)
    return extract_archive(path, extract_root or download_root)

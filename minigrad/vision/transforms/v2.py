"""``minigrad.vision.transforms.v2``: torchvision's v2 names for the same transforms, on one image at a time
(v2's passing of labels, boxes and masks alongside the image is not provided), plus ``ToImage`` and
``ToDtype``."""
import numpy as np

import minigrad

from . import *  # noqa: F401,F403 (v2 keeps v1's classes under the same names)
from . import __all__ as _v1_names
from . import _Transform, functional
from .functional import convert_image_dtype

__all__ = list(_v1_names) + ["ToImage", "ToDtype", "ToPureTensor"]


class ToImage(_Transform):
    """A PIL image or an H x W (x C) ndarray as a C x H x W tensor of its own dtype (no scaling)."""

    def __call__(self, inpt):
        if isinstance(inpt, minigrad.Tensor):
            return inpt
        if isinstance(inpt, np.ndarray):
            values = inpt[:, :, None] if inpt.ndim == 2 else inpt
            return minigrad.tensor(np.ascontiguousarray(values.transpose(2, 0, 1)))
        return functional.pil_to_tensor(inpt)

    def __repr__(self):
        return "ToImage()"


class ToDtype(_Transform):
    """To ``dtype``; with ``scale=True`` between value ranges (integers [0, max], floats [0, 1]) as v1's
    ``ConvertImageDtype``, except that integers become floats multiplied by 1 / max, as v2's."""

    def __init__(self, dtype, scale=False):
        self.dtype, self.scale = dtype, scale

    def __call__(self, inpt):
        if not self.scale:
            return inpt.to(self.dtype)
        if not inpt.is_floating_point() and np.dtype(self.dtype).kind == "f":
            return inpt.to(self.dtype).mul(1.0 / float(np.iinfo(inpt.dtype).max))
        return convert_image_dtype(inpt, self.dtype)


class ToPureTensor(_Transform):
    def __call__(self, inpt):
        return inpt

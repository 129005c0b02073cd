"""torchvision's colour and geometry augmentations: ``ColorJitter``, ``RandomRotation``, ``GaussianBlur``,
``RandomErasing``; their draws come from minigrad's generator, with torchvision's rules for what is drawn."""
import math
import numbers

import minigrad

from . import functional as F
from .functional import InterpolationMode

__all__ = ["ColorJitter", "RandomRotation", "GaussianBlur", "RandomErasing"]


def _uniform(low, high):
    """A draw in [low, high) (torchvision's ``torch.empty(1).uniform_(low, high)``)."""
    return float(minigrad.empty(1).uniform_(low, high).item())


def _range(value, name, center=1.0, bound=(0, float("inf")), clip_first_on_zero=True):
    """torchvision's ColorJitter argument: a number v means [center - v, center + v], a pair is the range."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    return None if value[0] == value[1] == center else tuple(value)


class ColorJitter:
    """Random brightness, contrast, saturation and hue changes, applied in a random order."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = _range(brightness, "brightness")
        self.contrast = _range(contrast, "contrast")
        self.saturation = _range(saturation, "saturation")
        self.hue = _range(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """(the order of the four changes, then each factor or None)."""
        order = minigrad.randperm(4).tolist()
        return [order] + [None if r is None else _uniform(r[0], r[1]) for r in (brightness, contrast, saturation, hue)]

    def __call__(self, img):
        order, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        changes = [(F.adjust_brightness, b), (F.adjust_contrast, c), (F.adjust_saturation, s), (F.adjust_hue, h)]
        for index in order:
            change, factor = changes[index]
            if factor is not None:
                img = change(img, factor)
        return img

    def __repr__(self):
        return (f"ColorJitter(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")


class RandomRotation:
    """Rotate by an angle drawn from ``degrees`` (a number d means [-d, d])."""

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = (-float(degrees), float(degrees))
        self.degrees = tuple(float(d) for d in degrees)
        self.interpolation, self.expand, self.center, self.fill = interpolation, expand, center, fill

    @staticmethod
    def get_params(degrees):
        return _uniform(degrees[0], degrees[1])

    def __call__(self, img):
        return F.rotate(img, self.get_params(self.degrees), self.interpolation, self.expand, self.center,
                        self.fill)

    def __repr__(self):
        return f"RandomRotation(degrees={list(self.degrees)}, expand={self.expand})"


class GaussianBlur:
    """Blur with ``kernel_size`` and a sigma drawn from ``sigma`` (a number is fixed)."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        self.kernel_size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise ValueError("Kernel size value should be an odd and positive number.")
        self.sigma = (float(sigma), float(sigma)) if isinstance(sigma, numbers.Number) else tuple(sigma)
        if not 0 < self.sigma[0] <= self.sigma[1]:
            raise ValueError("sigma values should be positive and of the form (min, max).")

    @staticmethod
    def get_params(sigma_min, sigma_max):
        return _uniform(sigma_min, sigma_max)

    def __call__(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, list(self.kernel_size), [sigma, sigma])

    def __repr__(self):
        return f"GaussianBlur(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing:
    """With probability p, a random rectangle of a tensor image (area ``scale`` of the image's, aspect
    ``ratio``) set to ``value`` (a number, one per channel, or 'random' for normal noise)."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        if not 0 <= p <= 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """(top, left, height, width, values): up to 10 tries at a rectangle inside the image, else the whole
        image left as it is."""
        channels, height, width = img.shape[-3], img.shape[-2], img.shape[-1]
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            erase_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            h = int(round(math.sqrt(erase_area * aspect)))
            w = int(round(math.sqrt(erase_area / aspect)))
            if not (h < height and w < width):
                continue
            values = minigrad.empty(channels, h, w).normal_() if value is None else \
                minigrad.tensor(value, dtype=minigrad.float32)[:, None, None]
            top = int(minigrad.randint(0, height - h + 1, (1,)).item())
            left = int(minigrad.randint(0, width - w + 1, (1,)).item())
            return top, left, h, w, values
        return 0, 0, height, width, img

    def __call__(self, img):
        if float(minigrad.rand(1).item()) >= self.p:
            return img
        if isinstance(self.value, str) and self.value == "random":
            value = None
        elif isinstance(self.value, numbers.Number):
            value = [float(self.value)]
        else:
            value = list(self.value)
        if value is not None and len(value) not in (1, img.shape[-3]):
            raise ValueError("If value is a sequence, it should have either a single value or "
                             f"{img.shape[-3]} (number of input channels)")
        top, left, h, w, values = self.get_params(img, self.scale, self.ratio, value)
        return F.erase(img, top, left, h, w, values, self.inplace)

    def __repr__(self):
        return f"RandomErasing(p={self.p}, scale={self.scale}, ratio={self.ratio}, value={self.value})"

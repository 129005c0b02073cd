"""``minigrad.vision.transforms.functional``: torchvision's ``transforms.functional`` on PIL images and on
minigrad tensors (..., C, H, W).

PIL images go through PIL's own operations, as torchvision's do, so the pixels are the same. Tensors are data,
not part of a graph here: the geometric functions work on their values with numpy and return new tensors of the
same dtype.
"""
import numbers
from enum import Enum

import numpy as np
from PIL import Image, ImageOps

import minigrad

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "normalize", "hflip", "vflip", "crop",
           "center_crop", "resize", "resized_crop", "pad", "rgb_to_grayscale", "to_grayscale", "get_dimensions",
           "get_image_size", "get_image_num_channels", "convert_image_dtype", "adjust_brightness", "adjust_contrast",
           "adjust_saturation", "adjust_hue", "rotate", "erase", "gaussian_blur"]


class InterpolationMode(Enum):
    """torchvision's interpolation modes (the names PIL and ``interpolate`` know)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_FILTERS = {InterpolationMode.NEAREST: Image.NEAREST, InterpolationMode.NEAREST_EXACT: Image.NEAREST,
                InterpolationMode.BILINEAR: Image.BILINEAR, InterpolationMode.BICUBIC: Image.BICUBIC,
                InterpolationMode.BOX: Image.BOX, InterpolationMode.HAMMING: Image.HAMMING,
                InterpolationMode.LANCZOS: Image.LANCZOS}
# PIL modes whose pixels are not bytes, and the numpy type torchvision reads them as
_MODE_TYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _is_pil(img):
    return isinstance(img, Image.Image)


def _interpolation(mode):
    if isinstance(mode, int):  # a PIL filter constant, as older scripts pass
        return {Image.NEAREST: InterpolationMode.NEAREST, Image.BILINEAR: InterpolationMode.BILINEAR,
                Image.BICUBIC: InterpolationMode.BICUBIC}.get(mode, InterpolationMode.BILINEAR)
    return InterpolationMode(mode) if isinstance(mode, str) else mode


def get_dimensions(img):
    """[channels, height, width], as torchvision's."""
    if _is_pil(img):
        return [len(img.getbands()), img.height, img.width]
    shape = tuple(img.shape)
    return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]


def get_image_size(img):
    """[width, height], as torchvision's."""
    channels, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def to_tensor(pic):
    """A PIL image or an H x W (x C) ndarray as a C x H x W tensor: bytes scaled to float in [0, 1], other
    types kept as they are, as ``transforms.functional.to_tensor``."""
    if _is_pil(pic):
        values = np.array(pic, _MODE_TYPES.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            values = values * np.uint8(255)
        values = values.reshape(pic.height, pic.width, len(pic.getbands()))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        values = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    values = np.ascontiguousarray(values.transpose(2, 0, 1))
    if values.dtype == np.uint8:
        return minigrad.tensor(values.astype(minigrad.get_default_dtype()) / np.float32(255))
    return minigrad.tensor(values)


def pil_to_tensor(pic):
    """A PIL image as a C x H x W tensor of its own pixel type (no scaling), as torchvision's."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    values = np.array(pic, _MODE_TYPES.get(pic.mode, np.uint8), copy=True)
    return minigrad.tensor(np.ascontiguousarray(values.reshape(pic.height, pic.width, -1).transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """A C x H x W tensor or an H x W x C ndarray as a PIL image; floats are multiplied by 255 and truncated to
    bytes, as torchvision's (for any mode but 'F')."""
    if isinstance(pic, minigrad.Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        values = pic.detach().cpu().numpy()
        values = values[None] if values.ndim == 2 else values
        if values.dtype.kind == "f" and mode != "F":
            with np.errstate(invalid="ignore"):  # values outside [0, 1] wrap, as PyTorch's byte()
                values = (values * 255).astype(np.int64).astype(np.uint8)
        values = values.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        values = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    channels = values.shape[2]
    if channels == 1:
        values = values[:, :, 0]
        if values.dtype.type not in (np.uint8, np.int16, np.int32, np.float32):
            raise TypeError(f"Input type {values.dtype} is not supported")
    elif values.dtype != np.uint8:
        raise TypeError(f"Input type {values.dtype} is not supported for {channels} channels")
    elif channels > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {channels} channels.")
    image = Image.fromarray(values)  # L, I;16, I, F; LA, RGB, RGBA: from the dtype and the channels
    return image.convert(mode) if mode not in (None, image.mode) else image


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float (..., C, H, W) tensor, as torchvision's."""
    if not isinstance(tensor, minigrad.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tuple(tensor.shape)}")
    mean = minigrad.as_tensor(mean, dtype=tensor.dtype)
    std = minigrad.as_tensor(std, dtype=tensor.dtype)
    if bool((std == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    mean, std = mean.reshape(-1, 1, 1), std.reshape(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean).div_(std)
    return tensor.sub(mean).div(std)


def _values(img):
    return img.detach().cpu().numpy()


def _like(img, values):
    return minigrad.tensor(np.ascontiguousarray(values), dtype=img.dtype)


def hflip(img):
    """Mirror left to right."""
    return img.transpose(Image.FLIP_LEFT_RIGHT) if _is_pil(img) else _like(img, _values(img)[..., ::-1])


def vflip(img):
    """Mirror top to bottom."""
    return img.transpose(Image.FLIP_TOP_BOTTOM) if _is_pil(img) else _like(img, _values(img)[..., ::-1, :])


def crop(img, top, left, height, width):
    """The height x width region at (top, left); where it leaves the image, zeros (as torchvision's)."""
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    values = _values(img)
    H, W = values.shape[-2:]
    out = np.zeros(values.shape[:-2] + (height, width), values.dtype)
    y0, y1, x0, x1 = max(top, 0), min(top + height, H), max(left, 0), min(left + width, W)
    if y0 < y1 and x0 < x1:
        out[..., y0 - top:y1 - top, x0 - left:x1 - left] = values[..., y0:y1, x0:x1]
    return _like(img, out)


def _pair(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return int(size[0]), int(size[0])
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return int(size[0]), int(size[1])
    raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")


def center_crop(img, output_size):
    """The central region of ``output_size`` (an int for a square); an image smaller than it is padded with
    zeros first, as torchvision's."""
    crop_height, crop_width = _pair(output_size)
    _, height, width = get_dimensions(img)
    if crop_width > width or crop_height > height:
        padding = [(crop_width - width) // 2 if crop_width > width else 0,
                   (crop_height - height) // 2 if crop_height > height else 0,
                   (crop_width - width + 1) // 2 if crop_width > width else 0,
                   (crop_height - height + 1) // 2 if crop_height > height else 0]
        img = pad(img, padding, fill=0)
        _, height, width = get_dimensions(img)
        if crop_width == width and crop_height == height:
            return img
    top = int(round((height - crop_height) / 2.0))
    left = int(round((width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def _resized_size(height, width, size, max_size):
    """torchvision's output size: an int (or [int]) sets the shorter edge and keeps the aspect ratio."""
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return int(size[0]), int(size[1])
    requested = size[0] if isinstance(size, (list, tuple)) else size
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if width <= height else (new_short, new_long)  # (height, width)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the shorter edge), as torchvision's. PIL images by PIL's
    filters; tensors by ``nn.functional.interpolate`` as torchvision's (antialiased for bilinear and bicubic unless
    ``antialias=False``; differentiable), integers rounded back (bicubic clamped to 0-255 first)."""
    mode = _interpolation(interpolation)
    _, height, width = get_dimensions(img)
    new_height, new_width = _resized_size(height, width, size, max_size)
    if (new_height, new_width) == (height, width):
        return img
    if _is_pil(img):
        return img.resize((new_width, new_height), _PIL_FILTERS[mode])
    smooth = mode.value in ("bilinear", "bicubic")
    batch = img.reshape(-1, *img.shape[-3:]) if img.ndim >= 3 else img[None, None]
    out = minigrad.nn.functional.interpolate(batch if batch.is_floating_point() else batch.float(),
                                             size=(new_height, new_width), mode=mode.value,
                                             align_corners=False if smooth else None, antialias=antialias and smooth)
    if mode.value == "bicubic" and img.dtype == minigrad.uint8:
        out = out.clamp(0, 255)
    return _round_like(img, out.reshape(*img.shape[:-2], new_height, new_width))


def _round_like(img, out):
    if img.is_floating_point():
        return out.to(img.dtype)
    return out.round().clamp(0, 255 if img.dtype == minigrad.uint8 else None).to(img.dtype)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """crop, then resize, as torchvision's."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _padding(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


_NUMPY_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad by ``padding`` (all sides; (left/right, top/bottom); or (left, top, right, bottom)) with ``fill``, or by
    'edge', 'reflect' or 'symmetric' values, as torchvision's."""
    if padding_mode not in _NUMPY_PAD_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _padding(padding)
    if _is_pil(img):
        if padding_mode == "constant" and min(left, top, right, bottom) >= 0:
            return ImageOps.expand(img, border=(left, top, right, bottom), fill=fill)
        values = np.asarray(img)
        widths = ((top, bottom), (left, right)) + (((0, 0),) if values.ndim == 3 else ())
        kwargs = {"constant_values": fill} if padding_mode == "constant" else {}
        padded = Image.fromarray(np.pad(values, widths, _NUMPY_PAD_MODES[padding_mode], **kwargs))
        if img.mode == "P":
            padded.putpalette(img.getpalette())
        return padded
    values = _values(img)
    widths = ((0, 0),) * (values.ndim - 2) + ((top, bottom), (left, right))
    kwargs = {"constant_values": fill} if padding_mode == "constant" else {}
    return _like(img, np.pad(values, widths, _NUMPY_PAD_MODES[padding_mode], **kwargs))


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma (ITU-R 601-2: 0.299 R + 0.587 G + 0.114 B), in 1 or 3 channels, as torchvision's."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        gray = img.convert("L")
        return gray if num_output_channels == 1 else Image.merge("RGB", [gray, gray, gray])
    if img.shape[-3] == 1:
        gray = img
    else:
        r, g, b = img.unbind(dim=-3)
        gray = (0.2989 * r.float() + 0.587 * g.float() + 0.114 * b.float()).to(img.dtype).unsqueeze(-3)
    return gray.expand(*img.shape[:-3], num_output_channels, *img.shape[-2:]).clone() if num_output_channels == 3 \
        else gray


def to_grayscale(img, num_output_channels=1):
    return rgb_to_grayscale(img, num_output_channels)


def convert_image_dtype(image, dtype=minigrad.float32):
    """Between image dtypes with their value ranges (integers [0, max], floats [0, 1]), as torchvision's:
    integers to floats divide by the input's max; floats to integers multiply by max + 1 - 0.001 and truncate;
    integers to integers shift by the ratio of the ranges."""
    dtype = np.dtype(dtype)
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.kind == "f":
            return image.to(dtype)
        if (image.dtype == np.float32 and dtype in (np.int32, np.int64)) or \
                (image.dtype == np.float64 and dtype == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        return image.mul(float(np.iinfo(dtype).max) + 1.0 - 1e-3).to(dtype)
    input_max, output_max = int(np.iinfo(image.dtype).max), None if dtype.kind == "f" else int(np.iinfo(dtype).max)
    if output_max is None:
        return image.to(dtype) / float(input_max)
    if input_max > output_max:
        return minigrad.div(image, (input_max + 1) // (output_max + 1), rounding_mode="floor").to(dtype)
    return image.to(dtype) * ((output_max + 1) // (input_max + 1))


from .functional_color import (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue,  # noqa: E402,F401
                               rotate, erase, gaussian_blur)

"""The colour, rotation, blur and erasing functions of torchvision's ``transforms.functional``: PIL images through
PIL's own operations (``ImageEnhance``, ``rotate``), as torchvision's; tensors (..., C, H, W) through torchvision's
formulas on their values. Reached as ``minigrad.vision.transforms.functional.adjust_brightness`` and so on."""
import numpy as np
from PIL import Image, ImageEnhance

import minigrad

from .functional import _PIL_FILTERS, InterpolationMode, _interpolation, _is_pil, get_dimensions, rgb_to_grayscale

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue", "rotate", "erase",
           "gaussian_blur"]


def _float_values(img):
    """(values as floats in [0, 1], how to turn such values back into img's dtype)."""
    values = img.detach().cpu().numpy()
    if img.is_floating_point():
        return values, lambda v: minigrad.tensor(v.astype(values.dtype))
    top = float(np.iinfo(values.dtype).max)
    return values.astype(np.float32) / np.float32(top), \
        lambda v: minigrad.tensor((v * np.float32(top + 1.0 - 1e-3)).astype(values.dtype))


def _blend(img, other, ratio):
    """ratio * img + (1 - ratio) * other, clamped to img's range, in img's dtype (torchvision's _blend)."""
    values = img.detach().cpu().numpy()
    bound = 1.0 if img.is_floating_point() else float(np.iinfo(values.dtype).max)
    mixed = ratio * values.astype(np.float32) + (1.0 - ratio) * np.asarray(other, np.float32)
    return minigrad.tensor(np.clip(mixed, 0, bound).astype(values.dtype))


def adjust_brightness(img, brightness_factor):
    """Scale the values by the factor (0: black, 1: the image)."""
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    if _is_pil(img):
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    return _blend(img, 0.0, brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey level (0: flat grey, 1: the image)."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    if _is_pil(img):
        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    gray = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    values = gray.detach().cpu().numpy().astype(img.dtype if img.is_floating_point() else np.float32)
    return _blend(img, values.mean(axis=(-3, -2, -1), keepdims=True), contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Blend with the image's grey version (0: grey, 1: the image)."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if _is_pil(img):
        return ImageEnhance.Color(img).enhance(saturation_factor)
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img).detach().cpu().numpy(), saturation_factor)


def _rgb_to_hsv(rgb):
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    equal = maxc == minc
    span = maxc - minc
    s = span / np.where(equal, 1.0, maxc)
    divisor = np.where(equal, 1.0, span)
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc) + \
        ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod(h / 6.0 + 1.0, 1.0)
    return np.stack((h, s, maxc), axis=-3).astype(rgb.dtype)


def _hsv_to_rgb(hsv):
    h, s, v = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
    sector = np.floor(h * 6.0)
    f = h * 6.0 - sector
    sector = sector.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    red = np.choose(sector, (v, q, p, p, t, v))
    green = np.choose(sector, (t, v, v, q, p, p))
    blue = np.choose(sector, (p, p, t, v, v, q))
    return np.stack((red, green, blue), axis=-3).astype(hsv.dtype)


def adjust_hue(img, hue_factor):
    """Turn the hue by ``hue_factor`` of a full turn (in [-0.5, 0.5])."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if _is_pil(img):
        if img.mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        hue = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            hue += np.uint8(int(hue_factor * 255) % 256)
        return Image.merge("HSV", (Image.fromarray(hue, "L"), s, v)).convert(img.mode)
    if get_dimensions(img)[0] == 1:
        return img
    values, back = _float_values(img)
    hsv = _rgb_to_hsv(values)
    hsv[..., 0, :, :] = np.mod(hsv[..., 0, :, :] + hue_factor, 1.0)
    return back(_hsv_to_rgb(hsv))


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about the centre (or ``center``), as PIL's ``rotate`` (what
    torchvision does for PIL images; a tensor is rotated plane by plane the same way)."""
    resample = _PIL_FILTERS[_interpolation(interpolation)]
    if _is_pil(img):
        fillcolor = tuple(fill) if isinstance(fill, (list, tuple)) else fill
        return img.rotate(angle, resample=resample, expand=expand, center=center, fillcolor=fillcolor)
    values = img.detach().cpu().numpy()
    planes = values.reshape(-1, *values.shape[-2:]).astype(np.float32)
    fills = np.broadcast_to(np.asarray(0.0 if fill is None else fill, np.float32), (values.shape[-3],))
    turned = [np.asarray(Image.fromarray(p, "F").rotate(angle, resample=resample, expand=expand, center=center,
                                                         fillcolor=float(fills[i % len(fills)])))
              for i, p in enumerate(planes)]
    out = np.stack(turned).reshape(values.shape[:-2] + turned[0].shape)
    return minigrad.tensor(out if img.is_floating_point() else np.round(out).astype(values.dtype), dtype=img.dtype)


def erase(img, i, j, h, w, v, inplace=False):
    """The h x w region at (i, j) set to ``v`` (a tensor that broadcasts to it), as torchvision's."""
    if not inplace:
        img = img.clone()
    values = v.detach().cpu().numpy() if isinstance(v, minigrad.Tensor) else np.asarray(v)
    with minigrad.no_grad():
        img[..., i:i + h, j:j + w] = minigrad.tensor(np.broadcast_to(values, tuple(img[..., i:i + h, j:j + w].shape))
                                                     .astype(img.dtype))
    return img


def _gaussian_kernel(size, sigma):
    half = (size - 1) * 0.5
    x = np.linspace(-half, half, size, dtype=np.float32)
    pdf = np.exp(-0.5 * (x / np.float32(sigma)) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a separable Gaussian (``kernel_size`` odd; ``sigma`` by default 0.3 * ((k - 1) / 2 - 1) + 0.8),
    borders reflected, as torchvision's (a PIL image goes through a tensor and back, as there)."""
    sizes = [kernel_size, kernel_size] if isinstance(kernel_size, int) else list(kernel_size)
    if len(sizes) == 1:
        sizes = sizes * 2
    if any(k <= 0 or k % 2 == 0 for k in sizes):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    sigmas = [0.3 * ((k - 1) * 0.5 - 1) + 0.8 for k in sizes] if sigma is None else \
        ([float(sigma)] * 2 if isinstance(sigma, (int, float)) else [float(s) for s in sigma] * (2 // len(sigma)))
    if any(s <= 0 for s in sigmas):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    if _is_pil(img):
        from .functional import to_pil_image, pil_to_tensor
        return to_pil_image(gaussian_blur(pil_to_tensor(img), sizes, sigmas), mode=img.mode)
    values = img.detach().cpu().numpy()  # integers are blurred as floats of their own values, then rounded
    kx, ky = _gaussian_kernel(sizes[0], sigmas[0]), _gaussian_kernel(sizes[1], sigmas[1])
    pad = [(0, 0)] * (values.ndim - 2) + [(sizes[1] // 2,) * 2, (sizes[0] // 2,) * 2]
    padded = np.pad(values.astype(np.float32), pad, mode="reflect")
    rows = sum(ky[n] * padded[..., n:n + values.shape[-2], :] for n in range(sizes[1]))
    blurred = sum(kx[n] * rows[..., n:n + values.shape[-1]] for n in range(sizes[0]))
    if img.is_floating_point():
        return minigrad.tensor(blurred.astype(values.dtype))
    return minigrad.tensor(np.round(blurred).astype(img.dtype))

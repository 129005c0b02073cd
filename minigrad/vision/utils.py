"""``minigrad.vision.utils``: a batch of images tiled into one picture, and saved, as torchvision's."""
import math

import numpy as np
from PIL import Image

import minigrad

__all__ = ["make_grid", "save_image"]


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """A (B, C, H, W) tensor (or a list of (C, H, W) ones) as one (3, H', W') image: ``nrow`` images per row,
    ``padding`` pixels of ``pad_value`` between them; one channel is repeated to three; ``normalize`` shifts each
    image (or the whole batch) into [0, 1] by its range (or ``value_range``)."""
    if isinstance(tensor, (list, tuple)):
        tensor = minigrad.stack(list(tensor), dim=0)
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.ndim == 3:
        tensor = tensor.unsqueeze(0)
    if tensor.ndim != 4:
        raise ValueError(f"make_grid expects (B, C, H, W) images, got shape {tuple(tensor.shape)}")
    if tensor.shape[1] == 1:
        tensor = minigrad.cat((tensor, tensor, tensor), 1)
    values = tensor.detach().cpu().numpy().copy()
    if normalize:
        def scaled(image):
            low, high = value_range if value_range is not None else (image.min(), image.max())
            image = np.clip(image, low, high)
            return (image - low) / max(high - low, 1e-5)
        if scale_each:
            values = np.stack([scaled(image) for image in values]).astype(values.dtype)
        else:
            values = scaled(values).astype(values.dtype)
    if values.shape[0] == 1:
        return minigrad.tensor(values[0])
    count = values.shape[0]
    columns = min(nrow, count)
    rows = int(math.ceil(count / columns))
    height, width = values.shape[2] + padding, values.shape[3] + padding
    grid = np.full((values.shape[1], height * rows + padding, width * columns + padding), pad_value, values.dtype)
    for k in range(count):
        y, x = divmod(k, columns)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = values[k]
    return minigrad.tensor(grid)


def save_image(tensor, fp, format=None, **kwargs):  # noqa: A002 (torchvision's name)
    """``make_grid(tensor, **kwargs)`` written as an image file: values in [0, 1] scaled to bytes (rounded,
    clamped), as torchvision's."""
    grid = make_grid(tensor, **kwargs).numpy()
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    Image.fromarray(pixels).save(fp, format=format)

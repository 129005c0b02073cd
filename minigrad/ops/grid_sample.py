"""Sampling an image at given places, as PyTorch's ``affine_grid`` and ``grid_sample`` (2-D): written with
differentiable ops (the four neighbours gathered by index, weighted by the distances to them; sixteen for
'bicubic', weighted by the cubic convolution kernel with a = -0.75), so the gradient reaches both the image and the
sampling grid, as PyTorch's does."""
import numpy as np

from ..tensor import Tensor, int64
from .compare import where

__all__ = ["affine_grid", "grid_sample"]


def _base_coordinates(size, align_corners):
    """The normalised coordinates of ``size`` pixel centres in [-1, 1] (their corners with align_corners=False)."""
    if size == 1:
        return np.zeros(1)
    steps = np.linspace(-1.0, 1.0, size)
    return steps if align_corners else steps * (size - 1) / size


def _default_align_corners(align_corners):
    """False when not given, with PyTorch's warning (its default changed in 1.3)."""
    if align_corners is None:
        import warnings
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def affine_grid(theta, size, align_corners=None):
    """``torch.nn.functional.affine_grid``: for (N, 2, 3) affine matrices and an output size (N, C, H, W), the
    (N, H, W, 2) grid of (x, y) places that ``grid_sample`` reads, theta @ (x, y, 1) for each output pixel."""
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or len(size) != 4 or size[0] != theta.shape[0]:
        raise ValueError(f"affine_grid: expected theta of shape (N, 2, 3) and a size (N, C, H, W) with N = "
                         f"{theta.shape[0] if theta.ndim else '?'}; got theta {list(theta.shape)} and size "
                         f"{list(size)}")
    height, width = size[2], size[3]
    align_corners = _default_align_corners(align_corners)
    xs, ys = _base_coordinates(width, align_corners), _base_coordinates(height, align_corners)
    base = np.stack([np.tile(xs, height), np.repeat(ys, width), np.ones(height * width)], 1)  # (H*W, 3)
    base = Tensor(base, dtype=theta.dtype, device=theta.device)
    return (base @ theta.transpose(1, 2)).reshape(size[0], height, width, 2)


def _pixel(coordinate, size, align_corners):
    """Normalised coordinates in [-1, 1] as pixel positions, PyTorch's unnormalisation."""
    if align_corners:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def _reflect(place, low, high):
    """Reflect coordinates into [low, high] (PyTorch's reflect_coordinates, in twice the units)."""
    if low == high:
        return place * 0
    span = (high - low) / 2
    place = (place - low / 2).abs()
    flips = (place / span).floor()
    extra = place - flips * span
    return where(flips.remainder(2) == 0, extra + low / 2, span - extra + low / 2)


def _gather(input, iy, ix, valid):  # noqa: A002
    """input[n, :, iy, ix] for (N, Ho, Wo) integer places (clipped into the image), zero where not ``valid``."""
    N, C, H, W = input.shape
    flat = (iy.clamp(0, H - 1) * W + ix.clamp(0, W - 1)).reshape(N, 1, -1).expand(N, C, iy.shape[1] * iy.shape[2])
    values = input.reshape(N, C, H * W).gather(2, flat.contiguous()).reshape(N, C, iy.shape[1], iy.shape[2])
    return where(valid.unsqueeze(1), values, 0.0)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002
    """``torch.nn.functional.grid_sample`` for (N, C, H, W) input and an (N, Ho, Wo, 2) grid of (x, y) in [-1, 1]:
    mode 'bilinear' or 'nearest' (halves to even), padding_mode 'zeros', 'border' or 'reflection';
    ``align_corners`` False by default, as PyTorch's."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sample: expected a 4D input and an (N, H, W, 2) grid of the same batch, got "
                           f"{list(input.shape)} and {list(grid.shape)}")
    align_corners = _default_align_corners(align_corners)
    H, W = input.shape[2:]
    ix, iy = _pixel(grid[..., 0], W, align_corners), _pixel(grid[..., 1], H, align_corners)
    if mode == "bicubic":
        return _bicubic(input, ix, iy, padding_mode, align_corners)
    if padding_mode == "border":
        ix, iy = ix.clamp(0, W - 1), iy.clamp(0, H - 1)
    elif padding_mode == "reflection":
        if align_corners:
            ix, iy = _reflect(ix, 0, 2 * (W - 1)), _reflect(iy, 0, 2 * (H - 1))
        else:
            ix, iy = _reflect(ix, -1, 2 * W - 1), _reflect(iy, -1, 2 * H - 1)
        ix, iy = ix.clamp(0, W - 1), iy.clamp(0, H - 1)

    def inside(y, x):
        return (x >= 0) & (x <= W - 1) & (y >= 0) & (y <= H - 1)

    if mode == "nearest":
        nx, ny = ix.round().detach(), iy.round().detach()
        return _gather(input, ny.to(int64), nx.to(int64), inside(ny, nx))
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    x1, y1 = x0 + 1, y0 + 1
    out = 0
    for cy, cx, weight in ((y0, x0, (x1 - ix) * (y1 - iy)), (y0, x1, (ix - x0) * (y1 - iy)),
                           (y1, x0, (x1 - ix) * (iy - y0)), (y1, x1, (ix - x0) * (iy - y0))):
        out = out + _gather(input, cy.to(int64), cx.to(int64), inside(cy, cx)) * weight.unsqueeze(1)
    return out


_CUBIC_A = -0.75  # the cubic convolution kernel's parameter PyTorch uses


def _cubic_weights(t):
    """The weights of the four neighbours at offsets -1, 0, 1, 2 for a fraction t (Keys' kernel, PyTorch's
    order of operations)."""
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)


def _bicubic(input, ix, iy, padding_mode, align_corners):  # noqa: A002
    """Bicubic sampling: each of the 4x4 neighbours of floor(ix), floor(iy), its coordinates mapped by the padding
    mode (and zero outside the image with 'zeros'), interpolated along x, then along y."""
    H, W = input.shape[2:]
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    weights_x, weights_y = _cubic_weights(ix - x0), _cubic_weights(iy - y0)

    def bounded(coordinate, size):
        if padding_mode == "border":
            return coordinate.clamp(0, size - 1)
        if padding_mode == "reflection":
            low, high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
            return _reflect(coordinate, low, high).clamp(0, size - 1)
        return coordinate

    out = 0
    for i in range(4):
        cy = bounded(y0 + (i - 1), H)
        row = 0
        for j in range(4):
            cx = bounded(x0 + (j - 1), W)
            iy_int, ix_int = cy.to(int64), cx.to(int64)
            valid = (ix_int >= 0) & (ix_int <= W - 1) & (iy_int >= 0) & (iy_int <= H - 1)
            row = row + _gather(input, iy_int, ix_int, valid) * weights_x[j].unsqueeze(1)
        out = out + row * weights_y[i].unsqueeze(1)
    return out


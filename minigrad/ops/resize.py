"""Resizing: ``interpolate`` (nearest, bilinear) as ``torch.nn.functional.interpolate``, and a U-Net centre crop."""
import math

import numpy as np

from ..autograd import Function

__all__ = ["interpolate", "upsample", "center_crop"]
METHODS = {}

_MODES = ("nearest", "bilinear")


class Interpolate(Function):
    """Resize the last two dims; backward scatters each output's gradient back to its source pixels."""

    def forward(self, x, out_size=None, mode="nearest", align_corners=False, scale_factors=(None, None)):
        self.in_shape, self.mode = x.shape, mode
        self.align_corners, self.scale_factors = align_corners, scale_factors
        if mode == "nearest":
            return self.B.interpolate_nearest(x, out_size, scale_factors)
        return self.B.interpolate_bilinear(x, out_size, align_corners, scale_factors)

    def backward(self, g):
        if self.mode == "nearest":
            return self.B.interpolate_nearest_backward(g, self.in_shape, self.scale_factors)
        return self.B.interpolate_bilinear_backward(g, self.in_shape, self.align_corners, self.scale_factors)


def _per_dim(value, name):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"interpolate: input and output must have the same number of spatial dimensions, but got input "
                f"with 2 spatial dimensions and {name} {tuple(value)}; give (N, C, H, W) input and a {name} of "
                f"2 values")
        return tuple(value)
    return (value, value)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None):
    """``torch.nn.functional.interpolate`` for (N, C, H, W) input, modes 'nearest' and 'bilinear'.

    With ``scale_factor`` the output size is floor(in·scale) and, unless
    ``recompute_scale_factor``, the source positions use 1/scale_factor itself
    (not in/out), exactly as PyTorch; with ``size`` they use in/out. Bilinear
    with align_corners=False maps output pixel centres to input pixel centres,
    src = (dst + 0.5)·in/out − 0.5 clamped at 0; align_corners=True maps the
    corner pixels onto each other, src = dst·(in − 1)/(out − 1).
    """
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode '{mode}' is not supported; use one of {', '.join(_MODES)}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if input.ndim != 4:
        raise NotImplementedError(f"interpolate: got {input.ndim}D input, but mode '{mode}' needs 4D input "
                                  f"(N, C, H, W)")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    H, W = input.shape[-2:]
    if size is not None:
        sizes = _per_dim(size, "size")
        if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in sizes):
            raise TypeError(f"interpolate: size must be an int or a tuple of ints, got {size!r}")
        out_size = tuple(int(s) for s in sizes)
        scales = (None, None)
    else:
        scales = tuple(float(s) for s in _per_dim(scale_factor, "scale_factor"))
        out_size = tuple(int(math.floor(n * s)) for n, s in zip((H, W), scales))
        if recompute_scale_factor:
            scales = (None, None)
    if min(out_size) <= 0 or min(H, W) <= 0:
        raise RuntimeError(f"interpolate: input and output sizes should be greater than 0, but got input "
                           f"(H: {H}, W: {W}) output (H: {out_size[0]}, W: {out_size[1]})")
    return Interpolate.apply(input, out_size=out_size, mode=mode, align_corners=bool(align_corners),
                             scale_factors=scales)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    """``torch.nn.functional.upsample`` (deprecated in PyTorch): the same as ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)


class Crop(Function):
    """A window of the last two dims; its gradient is the window's gradient in a zero array."""

    def forward(self, x, top=0, left=0, height=0, width=0):
        self.in_shape, self.corner = x.shape, (top, left)
        return self.B.crop2d(x, top, left, height, width)

    def backward(self, g):
        return self.B.crop2d_backward(g, self.in_shape, *self.corner)


def center_crop(input, size):  # noqa: A002
    """Crop the last two dims to ``size`` = (h, w) (or one int for both) around the centre.

    The U-Net with unpadded convolutions crops each encoder map to its decoder
    map's size before concatenating. The offsets follow torchvision's CenterCrop:
    top = int(round((H − h)/2)), left = int(round((W − w)/2)) with Python's round (half to
    even): a margin of 1 leaves the extra pixel at the bottom, a margin of 3 at the top.
    Differentiable; the crop may not be larger than the input.
    """
    h, w = (int(size), int(size)) if not isinstance(size, (tuple, list)) else (int(size[0]), int(size[-1]))
    if input.ndim < 2:
        raise ValueError(f"center_crop: expected an input with at least 2 dims, got shape {tuple(input.shape)}")
    H, W = input.shape[-2:]
    if h <= 0 or w <= 0 or h > H or w > W:
        raise ValueError(f"center_crop: crop size ({h}, {w}) must be positive and fit inside the input's last "
                         f"two dims ({H}, {W})")
    top, left = int(round((H - h) / 2.0)), int(round((W - w) / 2.0))
    return Crop.apply(input, top=top, left=left, height=h, width=w)

"""Resizing: ``interpolate`` as ``torch.nn.functional.interpolate`` (nearest and bilinear kernels for (N, C, H, W);
1-D inputs as planes of height 1, 'linear' as bilinear on them; 3-D volumes as their depth slices resized in 2-D,
then their depth resized by index selections and, for 'trilinear', a linear blend), and a U-Net centre crop."""
import math

import numpy as np

from ..autograd import Function, named_node
from ..tensor import Tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "center_crop"]
METHODS = {}

_MODES = ("nearest", "nearest-exact", "bilinear", "linear", "bicubic", "lanczos", "trilinear", "area")
_SPATIAL_DIMS = {"bilinear": 2, "linear": 1, "bicubic": 2, "lanczos": 2, "trilinear": 3}


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


def _per_dim(value, name, dims=2):
    if isinstance(value, (tuple, list)):
        if len(value) != dims:
            raise ValueError(
                f"interpolate: input and output must have the same number of spatial dimensions, but got input "
                f"with {dims} spatial dimensions and {name} {tuple(value)}")
        return tuple(value)
    return (value,) * dims


def _nearest_sources(n_in, n_out, factor, exact):
    """PyTorch's nearest source index for each output position: min(floor(i·scale), n_in − 1), or for
    'nearest-exact' min(floor((i + 0.5)·scale), n_in − 1), the scale (1/scale_factor, or in/out) in float32 and
    the position rounded to float32 before the floor, as its nearest_idx computes them (without the 1x and 2x
    shortcuts its 2-D kernel takes)."""
    scale = np.float32(1.0 / factor) if factor else np.float32(n_in) / np.float32(n_out)
    if exact:
        position = ((np.arange(n_out) + 0.5) * np.float64(scale)).astype(np.float32)
    else:
        position = np.arange(n_out).astype(np.float32) * scale
    return np.minimum(np.floor(position).astype(np.int64), n_in - 1)


def _depth_sources(size, out, scale, align_corners, linear, dtype):
    """Where each output depth reads: for 'nearest' the index (_nearest_sources), for the linear modes the two
    neighbours and the weight of the second, computed in the input's float type as PyTorch's
    area_pixel_compute_source_index."""
    if not linear:
        return _nearest_sources(size, out, scale, exact=False), None, None
    real = np.float64 if np.dtype(dtype) == np.float64 else np.float32
    dst = np.arange(out, dtype=real)
    if align_corners:
        step = real(size - 1) / real(out - 1) if out > 1 else real(0)
        src = step * dst
    else:
        step = real(1.0 / scale) if scale else real(size) / real(out)
        src = np.maximum(step * (dst + real(0.5)) - real(0.5), real(0))
    below = np.minimum(np.floor(src).astype(np.int64), size - 1)
    above = np.minimum(below + 1, size - 1)
    return below, above, (src - below).astype(real)


def _interpolate_volume(input, out_size, mode, align_corners, scales):  # noqa: A002
    """(N, C, D, H, W): each depth slice resized in 2-D, then the depth."""
    from ..creation import tensor
    from .rearrange import index_select
    n, c, depth, height, width = input.shape
    slices = input.permute(0, 2, 1, 3, 4).reshape(n * depth, c, height, width)
    plane_mode = "nearest" if mode == "nearest" else "bilinear"
    planes = Interpolate.apply(slices, out_size=out_size[1:], mode=plane_mode, align_corners=bool(align_corners),
                               scale_factors=scales[1:])
    planes = planes.reshape((n, depth, c) + tuple(out_size[1:]))
    below, above, weight = _depth_sources(depth, out_size[0], scales[0], align_corners, mode != "nearest", input.dtype)
    out = index_select(planes, 1, tensor(below, device=input.device))
    if mode != "nearest":
        lam = tensor(weight.astype(np.dtype(input.dtype)), device=input.device).reshape(1, -1, 1, 1, 1)
        out = out * (1 - lam) + index_select(planes, 1, tensor(above, device=input.device)) * lam
    return out.permute(0, 2, 1, 3, 4)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """``torch.nn.functional.interpolate`` for (N, C, L), (N, C, H, W) and (N, C, D, H, W) input, modes 'nearest',
    'nearest-exact' and 'area' (adaptive average pooling; any), 'linear' (3-D input), 'bilinear' and 'bicubic'
    (4-D) and 'trilinear' (5-D); ``antialias`` for 'bilinear' and 'bicubic', and 'lanczos' with it
    (resize_separable).

    With ``scale_factor`` the output size is floor(in·scale) and, unless
    ``recompute_scale_factor``, the source positions use 1/scale_factor itself
    (not in/out), exactly as PyTorch; with ``size`` they use in/out. Bilinear
    with align_corners=False maps output pixel centres to input pixel centres,
    src = (dst + 0.5)·in/out − 0.5 clamped at 0; align_corners=True maps the
    corner pixels onto each other, src = dst·(in − 1)/(out − 1).
    """
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode '{mode}' is not supported; use one of {', '.join(_MODES)}")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if mode == "lanczos" and not antialias:
        raise ValueError("Lanczos mode requires antialias=True")
    if mode == "lanczos" and align_corners:
        raise ValueError("Lanczos mode does not support align_corners=True")
    dims = input.ndim - 2
    if dims not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    if mode in _SPATIAL_DIMS and _SPATIAL_DIMS[mode] != dims:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_SPATIAL_DIMS[mode] + 2}D input")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = tuple(input.shape[2:])
    if size is not None:
        sizes = _per_dim(size, "size", dims)
        if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in sizes):
            raise TypeError(f"interpolate: size must be an int or a tuple of ints, got {size!r}")
        out_size = tuple(int(s) for s in sizes)
        scales = (None,) * dims
    else:
        scales = tuple(float(s) for s in _per_dim(scale_factor, "scale_factor", dims))
        out_size = tuple(int(math.floor(n * s)) for n, s in zip(spatial, scales))
        if recompute_scale_factor:
            scales = (None,) * dims
    if min(out_size) <= 0 or min(spatial) <= 0:
        names = ("D", "H", "W")[-dims:]
        describe = lambda sizes: ", ".join(f"{n}: {v}" for n, v in zip(names, sizes))  # noqa: E731
        raise RuntimeError(f"interpolate: input and output sizes should be greater than 0, but got input "
                           f"({describe(spatial)}) output ({describe(out_size)})")
    if mode == "nearest-exact" or (mode == "nearest" and dims != 2):
        return _nearest_by_index(input, spatial, out_size, scales, exact=mode == "nearest-exact")
    if mode == "area":  # PyTorch's 'area' is adaptive average pooling to the output size
        from . import one_dimensional, pool, three_dimensional
        pooling = {1: one_dimensional.adaptive_avg_pool1d, 2: pool.adaptive_avg_pool2d,
                   3: three_dimensional.adaptive_avg_pool3d}[dims]
        return pooling(input, out_size[0] if dims == 1 else out_size)
    if mode in ("bicubic", "lanczos") or antialias:
        from .resize_separable import separable_resize
        return separable_resize(input, out_size, mode, bool(align_corners), scales, antialias)
    if dims == 3:
        return _interpolate_volume(input, out_size, mode, align_corners, scales)
    if dims == 1:  # a plane of height 1, resized along its width only
        out = interpolate(input.unsqueeze(2), size=(1, out_size[0]) if size is not None else None,
                          scale_factor=None if size is not None else (1.0, scales[0] or out_size[0] / spatial[0]),
                          mode="nearest" if mode == "nearest" else "bilinear", align_corners=align_corners,
                          recompute_scale_factor=recompute_scale_factor if size is None else None)
        return out.squeeze(2)
    out = Interpolate.apply(input, out_size=out_size, mode=mode, align_corners=bool(align_corners),
                            scale_factors=scales)
    return named_node(out, _UPSAMPLE_NAMES.get(mode, "UpsampleBilinear2DBackward0"), input)


_UPSAMPLE_NAMES = {"nearest": "UpsampleNearest2DBackward0", "nearest-exact": "UpsampleNearestExact2DBackward0"}


def _nearest_by_index(input, spatial, out_size, scales, exact):  # noqa: A002
    """'nearest' (1-D and 3-D) and 'nearest-exact' (any): each output pixel copies the input pixel at
    _nearest_sources along every spatial dim, by indexing (its gradient adds up where a pixel is read twice)."""
    index = [slice(None), slice(None)]
    for d, (n_in, n_out, factor) in enumerate(zip(spatial, out_size, scales)):
        shape = [1] * len(spatial)
        shape[d] = n_out
        source = _nearest_sources(n_in, n_out, factor, exact).reshape(shape)
        index.append(Tensor(source, dtype=np.int64, device=input.device))
    return input[tuple(index)]


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    # (PyTorch's upsample has no antialias argument either)
    """``torch.nn.functional.upsample`` (deprecated in PyTorch, with its warning): the same as ``interpolate``."""
    import warnings
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", UserWarning,
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    """``torch.nn.functional.upsample_nearest`` (deprecated in PyTorch, with its warning): ``interpolate(mode=
    'nearest')``."""
    import warnings
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    """``torch.nn.functional.upsample_bilinear`` (deprecated in PyTorch, with its warning): bilinear with
    align_corners=True."""
    import warnings
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


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

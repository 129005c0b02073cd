"""Resizing as two matrix products: ``interpolate`` with mode='bicubic', and with ``antialias=True`` (bilinear,
bicubic or lanczos), as PyTorch's. Each of these is separable: output row y mixes input rows with weights that depend on y
alone, and the same for columns, so out = W_h @ x @ W_w^T with W_h of shape (out_h, in_h). Building W_h and W_w
once and multiplying keeps the code to the weights themselves, and the gradient comes from matmul's (its adjoint
is the transposed weights, the resize's C^T).

Bicubic (Keys' cubic convolution, a = -0.75 as PyTorch): output position y reads source s = (y + 0.5) * scale
- 0.5 (or y * scale with align_corners; not clamped, unlike bilinear), its four neighbours floor(s) - 1 ..
floor(s) + 2 clamped to the image, weighted by the cubic kernel at their distances. Antialiased (PIL's filters,
as PyTorch): when shrinking by a factor f > 1 the filter (a triangle for bilinear, a = -0.5 cubic for bicubic)
(or Lanczos-3) is stretched f times and reads every input pixel under it, the weights normalized to sum to 1; enlarging, it is
the plain filter. The weights are computed in the tensor's precision, as PyTorch's kernels compute them."""
import math

import numpy as np

from ..creation import tensor

__all__ = ["separable_resize"]


def _scale(size, out, align_corners, factor, real):
    """PyTorch's area_pixel_compute_scale: the step between output positions in input pixels."""
    if align_corners:
        return real((size - 1) / (out - 1)) if out > 1 else real(0)
    return real(1.0 / factor) if factor else real(size) / real(out)


def _cubic(x, a):
    """Keys' cubic convolution kernel at distance |x| (0 beyond 2)."""
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return type(x)(0)


def _bicubic_weights(size, out, align_corners, factor, real):
    scale = _scale(size, out, align_corners, factor, real)
    a = real(-0.75)
    weights = np.zeros((out, size), real)
    for y in range(out):
        source = scale * real(y) if align_corners else scale * (real(y) + real(0.5)) - real(0.5)
        below = math.floor(source)
        t = real(source - real(below))
        taps = (_cubic(t + real(1), a), _cubic(t, a), _cubic(real(1) - t, a), _cubic(real(2) - t, a))
        for k, w in enumerate(taps):
            weights[y, min(max(below - 1 + k, 0), size - 1)] += w
    return weights


def _lanczos(x, real):
    """The Lanczos-3 window: sinc(x) sinc(x / 3) for |x| < 3."""
    if not -3 <= x < 3:
        return real(0)
    if x == 0:
        return real(1)
    return real(math.sin(math.pi * x) / (math.pi * x) * math.sin(math.pi * x / 3) / (math.pi * x / 3))


def _antialias_weights(size, out, align_corners, factor, real, mode):
    scale = _scale(size, out, align_corners, factor, real)
    half = real({"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}[mode])  # the filter's half-width
    support = half * scale if scale >= 1 else half
    inverse = real(1) / scale if scale >= 1 else real(1)
    weights = np.zeros((out, size), real)
    for y in range(out):
        centre = scale * (real(y) + real(0.5))
        first = max(int(centre - support + real(0.5)), 0)
        last = min(int(centre + support + real(0.5)), size)
        taps = []
        for x in range(first, last):
            distance = (real(x) - centre + real(0.5)) * inverse
            if mode == "bilinear":
                taps.append(max(real(0), real(1) - abs(distance)))
            else:
                taps.append(_cubic(distance, real(-0.5)) if mode == "bicubic" else _lanczos(distance, real))
        total = sum(taps, real(0))
        for x, w in zip(range(first, last), taps):
            weights[y, x] = w / total if total != 0 else w
    return weights


def separable_resize(input, out_size, mode, align_corners, scales, antialias):  # noqa: A002
    """(N, C, H, W) resized to ``out_size`` by W_h @ x @ W_w^T (see the module's docstring)."""
    real = np.float32 if input.dtype == np.float32 else np.float64
    matrices = []
    for size, out, factor in zip(input.shape[2:], out_size, scales):
        if antialias and out == size:  # PyTorch's antialiased kernels leave a dim of unchanged size as it is
            matrices.append(tensor(np.eye(size, dtype=real), device=input.device))
            continue
        if antialias:
            weights = _antialias_weights(size, out, align_corners, factor, real, mode)
        else:
            weights = _bicubic_weights(size, out, align_corners, factor, real)
        matrices.append(tensor(weights, device=input.device))
    rows, columns = matrices
    return rows @ input @ columns.transpose(0, 1)

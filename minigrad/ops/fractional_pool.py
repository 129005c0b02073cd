"""Fractional max pooling (Graham, 2014), as ``torch.nn.functional.fractional_max_pool2d`` / ``3d``: windows of
``kernel_size`` whose starts advance by a pseudo-random mix of floor(alpha) and ceil(alpha) steps,
alpha = (in - k) / (out - 1), so that ``output_size`` (or ``output_ratio`` of the input) windows cover the input.
Each plane's starts come from one uniform sample per dim (``_random_samples``, (N, C, dims), drawn from minigrad's
generator unless given): start_i = int((i + u) alpha) - int(u alpha), the last one at in - k, computed in the
input's precision as PyTorch's kernel. The max of each window, found by gathering its entries, and its flat
index within the plane; the gradient goes to that entry."""
import numpy as np

from .. import creation

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]


def _starts(samples, size, out, kernel, real):
    """(..., out) window starts of one dim for samples (...)."""
    starts = np.zeros(samples.shape + (out,), np.int64)
    if out > 1:
        alpha = real(size - kernel) / real(out - 1)
        steps = np.arange(out - 1, dtype=real)
        u = samples.astype(real)[..., None]
        starts[..., :-1] = ((steps + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    if out > 0:
        starts[..., -1] = size - kernel
    return starts


def _pool(name, input, kernel_size, output_size, output_ratio, return_indices, samples, dims):  # noqa: A002
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    kernel = (kernel_size,) * dims if isinstance(kernel_size, int) else tuple(kernel_size)
    unbatched = input.ndim == dims + 1
    x = input.unsqueeze(0) if unbatched else input
    n, c = x.shape[:2]
    spatial = tuple(x.shape[2:])
    if output_size is None:
        ratios = (output_ratio,) * dims if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        output_size = tuple(int(s * r) for s, r in zip(spatial, ratios))
    out = (output_size,) * dims if isinstance(output_size, int) else tuple(output_size)
    for s, k, o in zip(spatial, kernel, out):
        if o + k - 1 > s:
            raise RuntimeError(f"{name}(): pool height {k} too large relative to input height {s} and output "
                               f"size {o}" if dims == 2 else f"{name}(): pool size {k} too large")
    real = np.float32 if x.dtype == np.float32 else np.float64
    if samples is None:
        samples = creation.rand(n, c, dims, dtype=x.dtype, device=x.device)
    drawn = samples.detach().cpu().numpy()
    # PyTorch reads the samples as (w, h) in 2-D and (t, h, w) in 3-D
    order = (1, 0) if dims == 2 else (0, 1, 2)
    starts = [_starts(drawn[..., order[d]], spatial[d], out[d], kernel[d], real) for d in range(dims)]
    # the flat index (in the plane) of every entry of every window: (N, C, *out, prod(kernel))
    index = np.zeros((n, c) + out + kernel, np.int64)
    stride = 1
    for d in reversed(range(dims)):
        shape = [n, c] + [1] * dims + [1] * dims
        shape[2 + d] = out[d]
        offsets = np.arange(kernel[d]).reshape([1] * (2 + dims + d) + [kernel[d]] + [1] * (dims - d - 1))
        index = index + (starts[d].reshape(shape) + offsets) * stride
        stride *= spatial[d]
    flat_index = creation.tensor(index.reshape(n, c, -1), device=x.device)
    windows = x.reshape(n, c, -1).gather(-1, flat_index).reshape(n, c, *out, -1)
    values, position = windows.max(-1)
    plane_index = flat_index.reshape(n, c, *out, -1).gather(-1, position.unsqueeze(-1)).squeeze(-1)
    if unbatched:
        values, plane_index = values.squeeze(0), plane_index.squeeze(0)
    return (values, plane_index) if return_indices else values


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,  # noqa: A002
                          _random_samples=None):
    """``F.fractional_max_pool2d``: (N, C, H, W) or (C, H, W) input."""
    return _pool("fractional_max_pool2d", input, kernel_size, output_size, output_ratio, return_indices,
                 _random_samples, 2)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,  # noqa: A002
                          _random_samples=None):
    """``F.fractional_max_pool3d``: (N, C, T, H, W) or (C, T, H, W) input."""
    return _pool("fractional_max_pool3d", input, kernel_size, output_size, output_ratio, return_indices,
                 _random_samples, 3)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """``F.fractional_max_pool2d_with_indices``: (values, indices)."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """``F.fractional_max_pool3d_with_indices``: (values, indices)."""
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)

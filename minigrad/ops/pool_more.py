"""Pooling and channel ops written with the 2-D pools and shape ops, as ``torch.nn.functional``'s:
max_unpool1d/2d (the inverse of max pooling with its indices), lp_pool1d/2d, local_response_norm,
adaptive_max_pool1d, channel_shuffle, max_pool1d/2d_with_indices."""
from .conv import _pair
from .indexing import pad
from .one_dimensional import _as_plane, _single, max_pool1d
from .pool import adaptive_max_pool2d, avg_pool2d, max_pool2d
from .activation import relu

__all__ = ["max_unpool1d", "max_unpool2d", "lp_pool1d", "lp_pool2d", "local_response_norm", "adaptive_max_pool1d",
           "channel_shuffle", "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "native_channel_shuffle",
           "lp_pool3d"]


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=True):
    """``F.max_pool2d_with_indices``: ``max_pool2d`` with its indices."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=True):
    """``F.max_pool1d_with_indices``: ``max_pool1d`` with its indices."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                            return_indices=True):
    """``F.max_pool3d_with_indices``: ``max_pool3d`` with its indices."""
    from .three_dimensional import max_pool3d
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):  # noqa: A002
    """``F.adaptive_max_pool1d_with_indices``: ``adaptive_max_pool1d`` with its indices."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):  # noqa: A002
    """``F.adaptive_max_pool2d_with_indices``: ``adaptive_max_pool2d`` with its indices."""
    from .pool import adaptive_max_pool2d
    return adaptive_max_pool2d(input, output_size, True)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """``F.lp_pool3d``: (sum over each window of x^p)^(1/p), from the window means as ``lp_pool2d``."""
    from .three_dimensional import _triple, avg_pool3d
    kd, kh, kw = _triple(kernel_size, "kernel_size", "lp_pool3d")
    means = avg_pool3d(input ** norm_type, (kd, kh, kw), stride, 0, ceil_mode)
    return (means.sign() * relu(means.abs())).mul(kd * kh * kw) ** (1.0 / norm_type)


def _unpooled_size(size, kernel, stride, padding, output_size, op):
    default = [(n - 1) * s - 2 * p + k for n, k, s, p in zip(size, kernel, stride, padding)]
    if output_size is None:
        return default
    wanted = list(output_size)[-len(size):]
    for n, low, k, s in zip(wanted, default, kernel, stride):
        if not low - s < n < low + s:
            raise ValueError(f"{op}: invalid output_size {list(output_size)} (expected between {default} minus and "
                             f"plus the stride)")
    return wanted


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """``F.max_unpool2d``: each value put back at its index (flat in H_out * W_out) of a zero plane: the
    inverse of ``max_pool2d(..., return_indices=True)``; the gradient reads the same places."""
    kernel = _pair(kernel_size, "kernel_size", "max_unpool2d")
    step = kernel if stride is None else _pair(stride, "stride", "max_unpool2d")
    pads = _pair(padding, "padding", "max_unpool2d")
    batched = input.ndim == 4
    x, places = (input, indices) if batched else (input.unsqueeze(0), indices.unsqueeze(0))
    height, width = _unpooled_size(tuple(x.shape[-2:]), kernel, step, pads, output_size, "max_unpool2d")
    n, c = x.shape[:2]
    flat_places = places.reshape(n, c, -1)
    if flat_places.numel() and (int(flat_places.min()) < 0 or int(flat_places.max()) >= height * width):
        raise RuntimeError(f"max_unpool2d: found an invalid max index (outside an output of size "
                           f"{height}x{width})")
    out = x.new_zeros((n, c, height * width)).scatter(2, flat_places, x.reshape(n, c, -1))
    out = out.reshape(n, c, height, width)
    return out if batched else out.squeeze(0)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """``F.max_unpool1d``: ``max_unpool2d`` at height 1."""
    kernel = _single(kernel_size, "kernel_size", "max_unpool1d")
    step = kernel if stride is None else _single(stride, "stride", "max_unpool1d")
    size = None if output_size is None else (1, list(output_size)[-1])
    out = max_unpool2d(_as_plane(input, "max_unpool1d"), indices.unsqueeze(-2), (1, kernel), (1, step),
                       (0, _single(padding, "padding", "max_unpool1d")), size)
    return out.squeeze(-2)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """``F.lp_pool2d``: (sum over each window of x^p)^(1/p), computed as PyTorch does, from the window means."""
    kh, kw = _pair(kernel_size, "kernel_size", "lp_pool2d")
    means = avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode)
    return (means.sign() * relu(means.abs())).mul(kh * kw) ** (1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """``F.lp_pool1d``: ``lp_pool2d`` at height 1."""
    kernel = _single(kernel_size, "kernel_size", "lp_pool1d")
    step = None if stride is None else (1, _single(stride, "stride", "lp_pool1d"))
    return lp_pool2d(_as_plane(input, "lp_pool1d"), norm_type, (1, kernel), step, ceil_mode).squeeze(-2)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """``F.local_response_norm``: each value divided by (k + alpha * the mean of the squares over ``size``
    neighbouring channels)^beta, the channels zero-padded at both ends as PyTorch's."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    shape = tuple(input.shape)
    squares = (input * input).reshape(shape[0], 1, shape[1], -1)
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    mean = avg_pool2d(squares, (size, 1), stride=1).reshape(shape)
    return input / (mean * alpha + k) ** beta


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """``F.adaptive_max_pool1d``: ``adaptive_max_pool2d`` at height 1."""
    out = adaptive_max_pool2d(_as_plane(input, "adaptive_max_pool1d"),
                              (1, _single(output_size, "output_size", "adaptive_max_pool1d")), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def channel_shuffle(input, groups):  # noqa: A002
    """``F.channel_shuffle``: the channels of (N, C, *) read as (groups, C / groups) and transposed."""
    n, c = input.shape[:2]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    rest = tuple(input.shape[2:])
    return input.reshape((n, groups, c // groups) + rest).transpose(1, 2).reshape((n, c) + rest)
native_channel_shuffle = channel_shuffle  # (F.native_channel_shuffle: the same shuffle)

"""The 3-D layers as PyTorch's: conv3d, conv_transpose3d, max_pool3d, avg_pool3d, adaptive_avg_pool3d,
adaptive_max_pool3d, for (N, C, D, H, W) volumes (or (C, D, H, W)).

Each is its 2-D namesake run on every depth slice, the slices folded into the batch, and the kernel's depth taps
combined with index selections along depth: conv3d sums, for each depth tap k, the 2-D convolutions of the
slices d·stride + k·dilation with the weight's k-th slice (one 2-D convolution for all taps, their output
channels stacked); conv_transpose3d scatters each input slice's 2-D transposed convolutions to the depths
d·stride + k·dilation; the pools reduce depth windows of 2-D pooled slices. So the fast 2-D kernels do the work
and every gradient is theirs and the selections'."""
import math

import numpy as np

from ..creation import tensor
from .conv import _conv2d, _conv_transpose2d
from .indexing import pad
from .pool import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d
from .rearrange import index_select
from .scatter import index_add
from .shape import stack

__all__ = ["conv3d", "conv_transpose3d", "max_pool3d", "max_unpool3d", "avg_pool3d", "adaptive_avg_pool3d",
           "adaptive_max_pool3d"]


def _triple(value, name, op):
    values = tuple(int(v) for v in value) if isinstance(value, (tuple, list)) else (int(value),) * 3
    if len(values) != 3:
        raise ValueError(f"{op}: {name} must be an int or a 3-tuple, got {value}")
    return values


def _batched(input, op):  # noqa: A002
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{op}: expected a 4D (unbatched) or 5D (batched) input, got {input.ndim}D input of "
                           f"size {list(input.shape)}")
    return (input, True) if input.ndim == 5 else (input.unsqueeze(0), False)


def _slices(x):
    """(N, C, D, H, W) as (N*D, C, H, W): every depth slice a sample."""
    n, c, d, h, w = x.shape
    return x.permute(0, 2, 1, 3, 4).reshape(n * d, c, h, w)


def _volume(y, n, depth):
    """(N*D, C, H, W) slices back to (N, D, C, H, W)."""
    return y.reshape((n, depth) + tuple(y.shape[1:]))


def _depth_index(count, step, offset, device):
    return tensor(np.arange(count) * step + offset, device=device)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """``torch.nn.functional.conv3d``: weight (C_out, C_in/groups, kD, kH, kW); padding an int, a 3-tuple,
    'valid' or 'same'."""
    op = "conv3d"
    x, batched = _batched(input, op)
    if weight.ndim != 5:
        raise RuntimeError(f"{op}: expected a 5D weight (C_out, C_in/groups, kD, kH, kW), got {list(weight.shape)}")
    (sd, sh, sw), (dd, dh, dw) = _triple(stride, "stride", op), _triple(dilation, "dilation", op)
    kd = weight.shape[2]
    if padding == "valid":
        padding = 0
    if padding == "same":
        if (sd, sh, sw) != (1, 1, 1):
            raise RuntimeError("conv3d: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(weight.shape[2:], (dd, dh, dw))]
        x = pad(x, tuple(a for t in reversed(totals) for a in (t // 2, t - t // 2)))
        pd = ph = pw = 0
    else:
        pd, ph, pw = _triple(padding, "padding", op)
        x = pad(x, (0, 0, 0, 0, pd, pd)) if pd else x
    n, depth = x.shape[0], x.shape[2]
    out_depth = (depth - dd * (kd - 1) - 1) // sd + 1
    if out_depth <= 0:
        raise RuntimeError(f"{op}: the kernel's depth ({dd * (kd - 1) + 1}, dilated) is larger than the padded "
                           f"input's ({depth})")
    slices = _slices(x)
    if groups == 1:  # one 2-D convolution for every depth tap: output channels (tap, C_out)
        stacked = weight.permute(2, 0, 1, 3, 4).reshape((kd * weight.shape[0],) + tuple(weight.shape[1:2] +
                                                                                         weight.shape[3:]))
        planes = _volume(_conv2d(op, slices, stacked, None, (sh, sw), (ph, pw), (dh, dw), 1), n, depth)
        planes = planes.reshape((n, depth, kd, weight.shape[0]) + tuple(planes.shape[-2:]))
        taps = [planes.select(2, k) for k in range(kd)]
    else:
        taps = [_volume(_conv2d(op, slices, weight.select(2, k), None, (sh, sw), (ph, pw), (dh, dw), groups), n,
                        depth) for k in range(kd)]
    out = None
    for k, tap in enumerate(taps):
        part = index_select(tap, 1, _depth_index(out_depth, sd, k * dd, input.device))
        out = part if out is None else out + part
    out = out.permute(0, 2, 1, 3, 4)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out if batched else out.squeeze(0)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """``torch.nn.functional.conv_transpose3d``: the transpose of conv3d, weight (C_in, C_out/groups, kD, kH,
    kW)."""
    op = "conv_transpose3d"
    x, batched = _batched(input, op)
    if weight.ndim != 5:
        raise RuntimeError(f"{op}: expected a 5D weight (C_in, C_out/groups, kD, kH, kW), got {list(weight.shape)}")
    (sd, sh, sw), (pd, ph, pw) = _triple(stride, "stride", op), _triple(padding, "padding", op)
    (od, oh, ow), (dd, dh, dw) = _triple(output_padding, "output_padding", op), _triple(dilation, "dilation", op)
    if od >= sd and od >= dd:
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or dilation")
    kd, out_channels = weight.shape[2], weight.shape[1] * groups
    n, depth = x.shape[0], x.shape[2]
    out_depth = (depth - 1) * sd - 2 * pd + dd * (kd - 1) + od + 1
    if out_depth <= 0:
        raise RuntimeError(f"{op}: the output depth would be {out_depth}: too small")
    slices = _slices(x)
    if groups == 1:
        stacked = weight.permute(0, 2, 1, 3, 4).reshape((weight.shape[0], kd * weight.shape[1]) +
                                                        tuple(weight.shape[3:]))
        planes = _volume(_conv_transpose2d(op, slices, stacked, None, (sh, sw), (ph, pw), (oh, ow), 1, (dh, dw)), n,
                         depth)
        planes = planes.reshape((n, depth, kd, out_channels) + tuple(planes.shape[-2:]))
        taps = [planes.select(2, k) for k in range(kd)]
    else:
        taps = [_volume(_conv_transpose2d(op, slices, weight.select(2, k), None, (sh, sw), (ph, pw), (oh, ow),
                                          groups, (dh, dw)), n, depth) for k in range(kd)]
    full_depth = max((depth - 1) * sd + dd * (kd - 1) + 1, pd + out_depth)
    out = taps[0].new_zeros((n, full_depth) + tuple(taps[0].shape[2:]))
    for k, tap in enumerate(taps):
        out = index_add(out, 1, _depth_index(depth, sd, k * dd, input.device), tap)
    out = out.narrow(1, pd, out_depth).permute(0, 2, 1, 3, 4)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out if batched else out.squeeze(0)


def _pooled_depth(depth, kernel, stride, padding, dilation, ceil_mode):
    span = depth + 2 * padding - dilation * (kernel - 1) - 1
    count = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (count - 1) * stride >= depth + padding:
        count -= 1
    return count


def _depth_windows(volume, count, kernel, stride, padding, dilation, fill):
    """For each depth tap, the (N, count, ...) slices it reads, the depth padded with ``fill`` (past the end too,
    for ceil_mode's last window)."""
    needed = (count - 1) * stride + dilation * (kernel - 1) + 1
    after = max(needed - padding - volume.shape[1], 0)
    if padding or after:
        lead = tuple(0 for _ in range(2 * (volume.ndim - 2)))
        volume = pad(volume, lead + (padding, after), value=fill)
    return [index_select(volume, 1, _depth_index(count, stride, k * dilation, volume.device)) for k in range(kernel)]


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """``torch.nn.functional.max_pool3d``: the max over each window; the first maximum in (depth, row, column)
    order takes the gradient, as PyTorch's; with ``return_indices`` also its flat index in D*H*W."""
    op = "max_pool3d"
    x, batched = _batched(input, op)
    (kd, kh, kw) = _triple(kernel_size, "kernel_size", op)
    (sd, sh, sw) = _triple(stride if stride is not None and stride != [] else (kd, kh, kw), "stride", op)
    (pd, ph, pw), (dd, dh, dw) = _triple(padding, "padding", op), _triple(dilation, "dilation", op)
    n, depth = x.shape[0], x.shape[2]
    pooled = max_pool2d(_slices(x), (kh, kw), (sh, sw), (ph, pw), (dh, dw), ceil_mode, return_indices)
    planes = _volume(pooled[0] if return_indices else pooled, n, depth)
    count = _pooled_depth(depth, kd, sd, pd, dd, ceil_mode)
    best = stack(_depth_windows(planes, count, kd, sd, pd, dd, -math.inf), 0).max(0)
    out = best.values.permute(0, 2, 1, 3, 4)
    if not return_indices:
        return out if batched else out.squeeze(0)
    # the index: the chosen tap's depth (in the unpadded volume) times H*W, plus its slice's index in H*W
    within = stack(_depth_windows(_volume(pooled[1], n, depth), count, kd, sd, pd, dd, 0), 0)
    within = within.gather(0, best.indices.unsqueeze(0)).squeeze(0)
    depths = tensor(np.arange(count) * sd - pd, device=input.device).reshape(1, -1, 1, 1, 1) + best.indices * dd
    indices = (depths * (x.shape[3] * x.shape[4]) + within).permute(0, 2, 1, 3, 4)
    return (out, indices) if batched else (out.squeeze(0), indices.squeeze(0))


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """``torch.nn.functional.max_unpool3d``: each value put back at its flat index (in D*H*W) of a zero volume,
    the inverse of ``max_pool3d(..., return_indices=True)``."""
    op = "max_unpool3d"
    x, batched = _batched(input, op)
    places = indices if batched else indices.unsqueeze(0)
    kernel = _triple(kernel_size, "kernel_size", op)
    steps = _triple(stride if stride is not None else kernel, "stride", op)
    pads = _triple(padding, "padding", op)
    size = [(m - 1) * s - 2 * p + k for m, k, s, p in zip(x.shape[2:], kernel, steps, pads)]
    if output_size is not None:
        size = [int(v) for v in list(output_size)[-3:]]
    n, c = x.shape[:2]
    volume = size[0] * size[1] * size[2]
    flat = places.reshape(n, c, -1)
    if flat.numel() and (int(flat.min()) < 0 or int(flat.max()) >= volume):
        raise RuntimeError(f"{op}: found an invalid max index (outside an output of size {size})")
    out = x.new_zeros((n, c, volume)).scatter(2, flat, x.reshape(n, c, -1)).reshape(n, c, *size)
    return out if batched else out.squeeze(0)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """``torch.nn.functional.avg_pool3d``: window sums divided by the window's size (with its padding when
    ``count_include_pad``; only the positions inside the padded volume in ceil_mode's last windows), or by
    ``divisor_override``."""
    op = "avg_pool3d"
    x, batched = _batched(input, op)
    kernel = _triple(kernel_size, "kernel_size", op)
    steps = _triple(stride if stride is not None and stride != [] else kernel, "stride", op)
    pads = _triple(padding, "padding", op)

    def window_sums(volume):
        n, depth = volume.shape[0], volume.shape[2]
        planes = _volume(avg_pool2d(_slices(volume), kernel[1:], steps[1:], pads[1:], ceil_mode, True, 1), n,
                         depth)
        count = _pooled_depth(depth, kernel[0], steps[0], pads[0], 1, ceil_mode)
        windows = _depth_windows(planes, count, kernel[0], steps[0], pads[0], 1, 0.0)
        total = windows[0]
        for window in windows[1:]:
            total = total + window
        return total.permute(0, 2, 1, 3, 4)

    sums = window_sums(x)
    if divisor_override is not None:
        out = sums / divisor_override
    else:
        counts = _window_counts(tuple(x.shape[2:]), tuple(sums.shape[2:]), kernel, steps, pads, count_include_pad)
        out = sums / tensor(counts.astype(np.dtype(x.dtype)), device=x.device)
    return out if batched else out.squeeze(0)


def _window_counts(size, out_size, kernel, steps, pads, count_include_pad):
    """How many positions each output's window divides by, as PyTorch counts them: those inside the padded
    volume, or only those inside the input without ``count_include_pad``; the outer product over the dims."""
    counts = np.ones(out_size)
    for axis, (n, m, k, s, p) in enumerate(zip(size, out_size, kernel, steps, pads)):
        start = np.arange(m) * s - p
        if count_include_pad:
            per_dim = np.minimum(start + k, n + p) - start
        else:
            per_dim = np.minimum(start + k, n) - np.maximum(start, 0)
        shape = [1, 1, 1]
        shape[axis] = m
        counts = counts * per_dim.reshape(shape)
    return counts


def _adaptive_depth(volume, out_depth, reduce):
    """PyTorch's adaptive windows along depth (dim 1 of (N, D, ...)): [floor(i D / n), ceil((i + 1) D / n))."""
    depth = volume.shape[1]
    parts = []
    for i in range(out_depth):
        start, end = (i * depth) // out_depth, -(-((i + 1) * depth) // out_depth)
        parts.append(reduce(volume.narrow(1, start, end - start)))
    return stack(parts, 1)


def _adaptive(input, output_size, op, pool2d, reduce):  # noqa: A002
    x, batched = _batched(input, op)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 3
    sizes = tuple(int(x.shape[2 + i]) if s is None else int(s) for i, s in enumerate(sizes))
    n, depth = x.shape[0], x.shape[2]
    planes = _volume(pool2d(_slices(x), sizes[1:]), n, depth)
    out = _adaptive_depth(planes, sizes[0], reduce).permute(0, 2, 1, 3, 4)
    return out if batched else out.squeeze(0)


def adaptive_avg_pool3d(input, output_size):  # noqa: A002
    """``torch.nn.functional.adaptive_avg_pool3d``: the means of PyTorch's adaptive windows (means of the
    depth window's 2-D window means, each of one size)."""
    return _adaptive(input, output_size, "adaptive_avg_pool3d", adaptive_avg_pool2d, lambda v: v.mean(1))


def adaptive_max_pool3d(input, output_size, return_indices=False):  # noqa: A002
    """``torch.nn.functional.adaptive_max_pool3d``: the maxima of PyTorch's adaptive windows
    (``return_indices`` is not provided)."""
    if return_indices:
        raise NotImplementedError("adaptive_max_pool3d: return_indices is not supported by minigrad")
    return _adaptive(input, output_size, "adaptive_max_pool3d", adaptive_max_pool2d, lambda v: v.max(1).values)

"""Random settings of the layers' functional forms (conv1d/conv2d, conv_transpose2d with output_padding, max and
average pooling with ceil_mode and dilation, batch norm, interpolate's modes, adaptive pooling, pad's modes), in
float32 and float64, on both libraries: the same output and gradients (float64 to 1e-9, float32 to 2e-4). Skipped,
where PyTorch itself misbehaves: a max-pool window wholly in the padding (PyTorch's backward writes past the plane;
test_pool.py checks minigrad's there) and a zero-size transposed convolution (PyTorch's paths disagree whether to
raise). This generator found the stride-1 output_padding bug of conv_transpose2d (test_conv.py)."""
import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results


def _settings(seed):
    """(the call as text, {input name: shape or None}, dtype name, a seed for the values)."""
    pick = random.Random(seed)
    kind = pick.choice(["conv", "conv", "convT", "convT", "pool", "avg", "bn", "interp", "pad", "conv1d", "adaptive"])
    groups = pick.choice([1, 1, 1, 2, 3])
    cin, cout = groups * pick.randint(1, 3), groups * pick.randint(1, 3)
    k, s = (pick.randint(1, 4), pick.randint(1, 4)), (pick.randint(1, 3), pick.randint(1, 3))
    pad, dil = (pick.randint(0, 2), pick.randint(0, 2)), (pick.randint(1, 2), pick.randint(1, 2))
    n, h, w = pick.randint(1, 3), pick.randint(1, 9), pick.randint(1, 9)
    bias = (cout,) if pick.random() < 0.5 else None
    dtype = pick.choice(["float64", "float32"])
    image = {"x": (n, cin, h, w)}
    if kind == "conv":
        call = f"F.conv2d(x, wt, b, stride={s}, padding={pad}, dilation={dil}, groups={groups})"
        shapes = dict(image, wt=(cout, cin // groups) + k, b=bias)
    elif kind == "convT":
        out_pad = (pick.randint(0, max(s[0], dil[0]) - 1), pick.randint(0, max(s[1], dil[1]) - 1))
        call = (f"F.conv_transpose2d(x, wt, b, stride={s}, padding={pad}, output_padding={out_pad}, "
                f"groups={groups}, dilation={dil})")
        shapes = dict(image, wt=(cin, cout // groups) + k, b=bias)
    elif kind == "conv1d":
        call = f"F.conv1d(x, wt, b, stride={s[0]}, padding={pad[0]}, dilation={dil[0]}, groups={groups})"
        shapes = dict(x=(n, cin, w), wt=(cout, cin // groups, k[0]), b=bias)
    elif kind in ("pool", "avg"):
        window = (pick.randint(1, 3), pick.randint(1, 3))
        pool_pad = (pick.randint(0, window[0] // 2), pick.randint(0, window[1] // 2))
        call = (f"F.max_pool2d(x, {window}, stride={s}, padding={pool_pad}, dilation={dil}, "
                f"ceil_mode={pick.random() < 0.5})" if kind == "pool" else
                f"F.avg_pool2d(x, {window}, stride={s}, padding={pool_pad}, ceil_mode={pick.random() < 0.5}, "
                f"count_include_pad={pick.random() < 0.5})")
        shapes = image
    elif kind == "bn":
        call = "F.batch_norm(x, None, None, wt, b, training=True, eps=1e-5)" if n * h * w > 1 else "x * 1"
        shapes = dict(image, wt=(cin,), b=(cin,))
    elif kind == "interp":
        mode = pick.choice(["nearest", "bilinear", "bicubic", "nearest-exact", "area"])
        corners = "" if mode in ("nearest", "area", "nearest-exact") else f", align_corners={pick.random() < 0.5}"
        call = f"F.interpolate(x, size={(pick.randint(1, 12), pick.randint(1, 12))}, mode='{mode}'{corners})"
        shapes = image
    elif kind == "adaptive":
        size = (pick.randint(1, 5), pick.randint(1, 5))
        call = pick.choice([f"F.adaptive_avg_pool2d(x, {size})", f"F.adaptive_max_pool2d(x, {size})"])
        shapes = image
    else:
        mode = pick.choice(["constant", "reflect", "replicate", "circular"])
        call = f"F.pad(x, {tuple(pick.randint(0, 2) for _ in range(4))}, mode='{mode}')"
        shapes = image
    return call, shapes, dtype, pick.randrange(1 << 30)


def _pool_window_in_padding(call, shapes):
    if not call.startswith("F.max_pool2d"):
        return False
    try:
        _, places = eval(call.replace("ceil_mode", "return_indices=True, ceil_mode"),
                         {"F": torch.nn.functional, "x": torch.zeros(shapes["x"])})
    except RuntimeError:
        return False
    return places.numel() > 0 and int(places.max()) >= shapes["x"][-1] * shapes["x"][-2]


def _run(lib, call, shapes, dtype, seed):
    values = np.random.default_rng(seed)
    names, leaves = {"F": lib.nn.functional}, []
    for name, shape in shapes.items():
        names[name] = None if shape is None else lib.tensor(values.standard_normal(shape),
                                                             dtype=getattr(lib, dtype), requires_grad=True)
        if shape is not None:
            leaves.append(names[name])
    try:
        out = eval(call, names)
        (out * lib.tensor(values.standard_normal(tuple(out.shape)), dtype=out.dtype)).sum().backward()
    except (RuntimeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return [out.detach().numpy()] + [None if leaf.grad is None else leaf.grad.numpy() for leaf in leaves]


@pytest.mark.parametrize("first", range(0, 2000, 500))
def test_random_layer_settings_as_torch(first):
    for seed in range(first, first + 500):
        call, shapes, dtype, values = _settings(seed)
        if _pool_window_in_padding(call, shapes):
            continue
        theirs = _run(torch, call, shapes, dtype, values)
        if isinstance(theirs, str) or theirs[0].size == 0:
            continue
        tolerance = dict(rtol=1e-9, atol=1e-10) if dtype == "float64" else dict(rtol=2e-4, atol=2e-5)
        assert_same_results(_run(minigrad, call, shapes, dtype, values), theirs, (seed, call, shapes), **tolerance)

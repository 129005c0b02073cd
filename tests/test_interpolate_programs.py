"""F.interpolate against PyTorch by 1,500 random settings: 1-D, 2-D and 3-D inputs, every mode, size or
scale_factor (a number or one per dim) with and without recompute_scale_factor, align_corners, antialias, float32
and float64; the output always, and the gradient of a fixed projection except where PyTorch's own backward is
not its forward's adjoint (see README, deliberate divergences): 'nearest' on 1-D and 3-D inputs (its backward
takes the 1x/2x shortcuts its forward does not) and antialiased resizing with a scale_factor; antialiased
resizing to or from width 1 is left out (PyTorch's forward repeats the first row there). It found 'nearest'
with a scale_factor on 1-D and 3-D inputs reading the wrong pixels, 'nearest-exact' in float64 and the depth
weights of 'trilinear' in float64 (float32 scales and weights)."""

import random

import numpy as np
import pytest
import torch

import minigrad


def _case(seed):
    pick = random.Random(seed)
    dims = pick.choice([1, 2, 3])
    modes = {
        1: ["nearest", "nearest-exact", "linear", "area"],
        2: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
        3: ["nearest", "nearest-exact", "trilinear", "area"],
    }[dims]
    mode = pick.choice(modes)
    shape = (pick.randint(1, 2), pick.randint(1, 2)) + tuple(pick.randint(1, 6) for _ in range(dims))
    options = {"mode": mode}
    if pick.random() < 0.5:
        options["size"] = tuple(pick.randint(1, 9) for _ in range(dims)) if pick.random() < 0.7 else pick.randint(1, 9)
    else:
        options["scale_factor"] = pick.choice(
            [0.5, 1.5, 2, 0.3, 3.7, tuple(pick.choice([0.5, 2.0, 1.3]) for _ in range(dims))]
        )
        if pick.random() < 0.5:
            options["recompute_scale_factor"] = pick.choice([True, False])
    if mode in ("linear", "bilinear", "bicubic", "trilinear"):
        options["align_corners"] = pick.choice([None, True, False])
    if mode in ("bilinear", "bicubic") and pick.random() < 0.4:
        options["antialias"] = True
    return shape, options, pick.choice(["float64", "float32"])


def _run(lib, x, options, dtype):
    t = lib.tensor(x, requires_grad=True)
    y = lib.nn.functional.interpolate(t, **options)
    (y * lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(dtype))).sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("block", range(3))
def test_interpolate_as_pytorchs(block):
    for seed in range(block * 500, block * 500 + 500):
        shape, options, dtype = _case(seed)
        x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
        antialiased = options.get("antialias", False)
        try:
            expected = _run(torch, x, options, dtype)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                _run(minigrad, x, options, dtype)
            continue
        if antialiased and 1 in shape[-1:] + expected[0].shape[-1:]:
            continue
        got = _run(minigrad, x, options, dtype)
        tolerance = 1e-9 if dtype == "float64" else 1e-4
        np.testing.assert_allclose(got[0], expected[0], rtol=tolerance, atol=tolerance, err_msg=f"{seed} {options}")
        adjoint_differs = (options["mode"] == "nearest" and len(shape) != 4) or (
            antialiased and "scale_factor" in options and not options.get("recompute_scale_factor")
        )
        if not adjoint_differs:
            np.testing.assert_allclose(got[1], expected[1], rtol=tolerance, atol=tolerance, err_msg=f"{seed} {options}")

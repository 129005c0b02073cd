"""interpolate (nearest, bilinear, bicubic, antialiased bilinear/bicubic/lanczos), nn.Upsample and center_crop
against PyTorch, forward and gradients."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from devices import sized
from helpers import compare

TF = torch.nn.functional
MODES = [("nearest", None), ("bilinear", False), ("bilinear", True)]
SIZES = [((7, 7), 14), ((14, 14), 7), ((15, 15), 8), ((5, 9), (8, 4)), ((6, 5), (6, 11)), ((4, 4), 1),
         ((1, 3), (3, 5))]
SCALES = [((4, 6), 2.0), ((6, 5), 1.5), ((10, 7), 0.6), ((5, 8), (2, 0.5)), ((5, 5), 2.1), ((5, 6), 1.1),
          ((9, 4), (1.3, 3.0))]


# (mode, align_corners, antialias) of the separable resizes (ops/resize_separable.py)
SEPARABLE = [("bicubic", False, False), ("bicubic", True, False), ("bicubic", False, True), ("bicubic", True, True),
             ("bilinear", False, True), ("bilinear", True, True), ("lanczos", None, True)]


@pytest.mark.parametrize("mode,align,antialias", SEPARABLE)
@pytest.mark.parametrize("hw,size", sized(SIZES, simulator=3))
def test_separable_resizes_to_size(mode, align, antialias, hw, size, device):
    compare(lambda x: F.interpolate(x, size=size, mode=mode, align_corners=align, antialias=antialias),
            shapes=[(2, 3) + hw], device=device,
            torch_fn=lambda x: TF.interpolate(x, size=size, mode=mode, align_corners=align, antialias=antialias))


@pytest.mark.parametrize("mode,align,antialias", SEPARABLE)
@pytest.mark.parametrize("hw,scale", SCALES)
def test_separable_resizes_by_scale_factor_in_float64(mode, align, antialias, hw, scale):
    """In float64 the two libraries' weights and sums agree to rounding (PyTorch sums each pixel's taps in its
    own order; here matrix products do)."""
    import numpy as np
    x = np.random.default_rng(3).standard_normal((1, 2) + hw)
    for recompute in (None, True):
        kwargs = dict(scale_factor=scale, mode=mode, align_corners=align, antialias=antialias,
                      recompute_scale_factor=recompute)
        ours, theirs = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, expected = F.interpolate(ours, **kwargs), TF.interpolate(theirs, **kwargs)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-13)
        unchanged = [o == i for o, i in zip(expected.shape[2:], hw)]
        if recompute is None and not align and (all(unchanged) or (antialias and any(unchanged))):
            # A dim keeps its size while the scale factor moves its samples (not with align_corners): PyTorch's
            # antialiased forward pass leaves such a dim as it is (and so does minigrad's) but its backward pass
            # moves it; its bicubic forward moves it but its backward pass, when no dim changes size, does not.
            # Its gradient is then not its forward pass's adjoint (its own gradcheck fails); minigrad's is
            # (README, "What is not there, or differs").
            resize = lambda t: TF.interpolate(t, **kwargs)  # noqa: E731
            assert not torch.autograd.gradcheck(resize, (theirs.detach().requires_grad_(),), raise_exception=False)
            assert minigrad.autograd.gradcheck(lambda t: F.interpolate(t, **kwargs), (ours,))
            continue
        weights = np.random.default_rng(4).standard_normal(tuple(expected.shape))
        (out * minigrad.tensor(weights)).sum().backward()
        (expected * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-13)


def test_separable_resize_errors_as_torch():
    cases = [dict(size=2, mode="nearest", antialias=True), dict(size=2, mode="lanczos"),
             dict(size=2, mode="lanczos", antialias=True, align_corners=True)]
    for kwargs in cases:
        with pytest.raises(ValueError) as ours:
            F.interpolate(minigrad.zeros(1, 1, 4, 4), **kwargs)
        with pytest.raises(ValueError) as theirs:
            TF.interpolate(torch.zeros(1, 1, 4, 4), **kwargs)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError):
        F.interpolate(minigrad.zeros(1, 1, 4), size=2, mode="linear", antialias=True)


@pytest.mark.parametrize("mode,align", MODES)
@pytest.mark.parametrize("hw,size", sized(SIZES, simulator=4))
def test_interpolate_to_size(mode, align, hw, size, device):
    compare(lambda x: F.interpolate(x, size=size, mode=mode, align_corners=align), shapes=[(2, 3) + hw],
            torch_fn=lambda x: TF.interpolate(x, size=size, mode=mode, align_corners=align), device=device)


@pytest.mark.parametrize("mode,align", MODES)
@pytest.mark.parametrize("hw,scale", sized(SCALES, simulator=3))
@pytest.mark.parametrize("recompute", [None, True])
def test_interpolate_by_scale_factor(mode, align, hw, scale, recompute, device):
    # With recompute_scale_factor=None PyTorch uses 1/scale_factor itself in the source index (2.1 and 1.1
    # give other pixels than the size ratio would); with True it uses in/out.
    compare(lambda x: F.interpolate(x, scale_factor=scale, mode=mode, align_corners=align,
                                    recompute_scale_factor=recompute), shapes=[(1, 2) + hw],
            torch_fn=lambda x: TF.interpolate(x, scale_factor=scale, mode=mode, align_corners=align,
                                              recompute_scale_factor=recompute), device=device)


def test_upsample_modules():
    compare(lambda x: nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)(x), shapes=[(2, 4, 5, 6)],
            torch_fn=lambda x: torch.nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)(x))
    compare(lambda x: nn.Upsample(size=(9, 4))(x), shapes=[(1, 3, 5, 6)],
            torch_fn=lambda x: torch.nn.Upsample(size=(9, 4))(x))
    compare(lambda x: nn.UpsamplingBilinear2d(scale_factor=3)(x), shapes=[(1, 2, 3, 4)],
            torch_fn=lambda x: torch.nn.UpsamplingBilinear2d(scale_factor=3)(x))


def _torch_center_crop(x, h, w):
    """torchvision's CenterCrop offsets, written out: top = int(round((H − h)/2)), left likewise."""
    top, left = int(round((x.shape[-2] - h) / 2.0)), int(round((x.shape[-1] - w) / 2.0))
    return x[..., top:top + h, left:left + w]


@pytest.mark.parametrize("hw,size", [((8, 8), (4, 4)), ((9, 7), (6, 4)), ((7, 10), 5), ((6, 6), (6, 6)),
                                     ((64, 64), (56, 56)), ((5, 9), (4, 2))])
def test_center_crop(hw, size, device):
    h, w = (size, size) if isinstance(size, int) else size
    compare(lambda x: F.center_crop(x, size), shapes=[(2, 3) + hw],
            torch_fn=lambda x: _torch_center_crop(x, h, w), device=device)


def test_center_crop_offsets_follow_pythons_round():
    x = minigrad.arange(6).reshape(1, 6).float()
    assert F.center_crop(x, (1, 5)).tolist() == [[0, 1, 2, 3, 4]]  # margin 1: round(0.5) = 0
    assert F.center_crop(x, (1, 3)).tolist() == [[2, 3, 4]]  # margin 3: round(1.5) = 2


def test_float64_stays_float64():
    x = minigrad.randn(1, 2, 4, 5, dtype=minigrad.float64, requires_grad=True)
    for y in (F.interpolate(x, scale_factor=1.5), F.interpolate(x, size=(7, 3), mode="bilinear"),
              F.center_crop(x, 3)):
        y.sum().backward()
        assert y.dtype == x.grad.dtype == minigrad.float64


def test_gradcheck_float64():
    gradcheck = minigrad.gradcheck
    x = minigrad.randn(1, 2, 4, 5, dtype=minigrad.float64, requires_grad=True)
    assert gradcheck(lambda x: F.interpolate(x, size=(7, 3), mode="bilinear"), (x,))
    assert gradcheck(lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=True), (x,))
    assert gradcheck(lambda x: F.interpolate(x, scale_factor=(2, 0.6)), (x,))
    assert gradcheck(lambda x: F.center_crop(x, (3, 2)), (x,))


def test_errors():
    x = minigrad.zeros(1, 2, 5, 5)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="3D input.*4D"):
        F.interpolate(minigrad.zeros(1, 2, 5), size=3, mode="bilinear")
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(minigrad.zeros(1, 2, 5), size=3, mode="bicubic")
    with pytest.raises(NotImplementedError, match="'cubic' is not supported"):
        F.interpolate(x, size=3, mode="cubic")
    with pytest.raises(RuntimeError, match=r"output \(H: 0, W: 0\)"):
        F.interpolate(x, scale_factor=0.1)
    with pytest.raises(ValueError, match="spatial dimensions"):
        F.interpolate(x, size=(3, 3, 3))
    with pytest.raises(ValueError, match=r"center_crop: crop size \(6, 6\).*\(5, 5\)"):
        F.center_crop(x, 6)

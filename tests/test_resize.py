"""interpolate (nearest, bilinear), nn.Upsample and center_crop against PyTorch, forward and gradients."""
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
        F.interpolate(x, size=3, mode="bicubic")
    with pytest.raises(RuntimeError, match=r"output \(H: 0, W: 0\)"):
        F.interpolate(x, scale_factor=0.1)
    with pytest.raises(ValueError, match="spatial dimensions"):
        F.interpolate(x, size=(3, 3, 3))
    with pytest.raises(ValueError, match=r"center_crop: crop size \(6, 6\).*\(5, 5\)"):
        F.center_crop(x, 6)

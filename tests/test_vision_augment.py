"""minigrad.vision's colour, rotation, blur and erasing transforms: PIL images against PIL itself, tensors
against the same formulas computed by PyTorch (or by Python's colorsys, for hue)."""
import colorsys

import numpy as np
import pytest
import torch
from PIL import Image, ImageEnhance

import minigrad
import minigrad.vision.transforms.functional as TF
from minigrad.vision import transforms

RNG = np.random.default_rng(1)
RGB = Image.fromarray(RNG.integers(0, 256, (14, 18, 3), dtype=np.uint8))
FLOATS = RNG.random((3, 14, 18)).astype(np.float32)


@pytest.mark.parametrize("name,enhancer", [("adjust_brightness", ImageEnhance.Brightness),
                                           ("adjust_contrast", ImageEnhance.Contrast),
                                           ("adjust_saturation", ImageEnhance.Color)])
def test_pil_colour_changes_are_pils_enhancers(name, enhancer):
    for factor in (0.0, 0.5, 1.7):
        ours = getattr(TF, name)(RGB, factor)
        np.testing.assert_array_equal(np.array(ours), np.array(enhancer(RGB).enhance(factor)))


def test_tensor_colour_changes_are_torchvisions_blends():
    x = torch.tensor(FLOATS)
    gray = (0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0)
    for factor in (0.0, 0.5, 1.7):
        mean = gray.mean(dim=(-3, -2, -1), keepdim=True)
        expected = {"adjust_brightness": (factor * x).clamp(0, 1),
                    "adjust_contrast": (factor * x + (1 - factor) * mean).clamp(0, 1),
                    "adjust_saturation": (factor * x + (1 - factor) * gray).clamp(0, 1)}
        for name, value in expected.items():
            ours = getattr(TF, name)(minigrad.tensor(FLOATS), factor)
            assert ours.dtype == minigrad.float32
            # contrast's mean grey level is a float32 sum of 252 values, taken in another order than PyTorch's
            np.testing.assert_allclose(ours.numpy(), value.numpy(), rtol=0, atol=3e-7 if "contrast" in name else 0,
                                       err_msg=name)
    bytes_ = minigrad.tensor((FLOATS * 255).astype(np.uint8))
    brighter = TF.adjust_brightness(bytes_, 1.5)
    assert brighter.dtype == minigrad.uint8
    np.testing.assert_array_equal(brighter.numpy(), (1.5 * torch.tensor(bytes_.numpy()).float()).clamp(0, 255).byte()
                                  .numpy())
    with pytest.raises(ValueError):
        TF.adjust_contrast(bytes_, -1)


@pytest.mark.parametrize("factor", [-0.5, -0.2, 0.0, 0.3, 0.5])
def test_tensor_hue_turns_as_colorsys(factor):
    ours = TF.adjust_hue(minigrad.tensor(FLOATS), factor).numpy()
    expected = np.empty_like(FLOATS)
    for y in range(FLOATS.shape[1]):
        for x in range(FLOATS.shape[2]):
            h, s, v = colorsys.rgb_to_hsv(*FLOATS[:, y, x].astype(np.float64))
            expected[:, y, x] = colorsys.hsv_to_rgb((h + factor) % 1.0, s, v)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=2e-6)  # float32 against colorsys's float64
    with pytest.raises(ValueError):
        TF.adjust_hue(minigrad.tensor(FLOATS), 0.6)
    assert TF.adjust_hue(RGB, 0.0).tobytes() == RGB.convert("HSV").convert("RGB").tobytes()  # through PIL's HSV


def test_rotation_is_pils_for_images_and_planes():
    for angle, expand in ((30, False), (-75, True)):
        np.testing.assert_array_equal(np.array(TF.rotate(RGB, angle, expand=expand)),
                                      np.array(RGB.rotate(angle, expand=expand)))
        from_image = TF.to_tensor(TF.rotate(RGB, angle, expand=expand)).numpy()
        from_tensor = TF.rotate(TF.to_tensor(RGB), angle, expand=expand).numpy()
        np.testing.assert_array_equal(from_tensor, from_image)  # nearest: the same pixels moved
    minigrad.manual_seed(0)
    turned = transforms.RandomRotation(20, fill=0)(RGB)
    assert turned.size == RGB.size


def test_gaussian_blur_is_torchvisions_kernel_with_reflected_borders():
    kernel_size, sigma = 5, 1.3
    half = (kernel_size - 1) * 0.5
    pdf = torch.exp(-0.5 * (torch.linspace(-half, half, kernel_size) / sigma).pow(2))
    k1 = pdf / pdf.sum()
    kernel = torch.mm(k1[:, None], k1[None, :]).expand(3, 1, kernel_size, kernel_size)
    padded = torch.nn.functional.pad(torch.tensor(FLOATS)[None], [2, 2, 2, 2], mode="reflect")
    expected = torch.nn.functional.conv2d(padded, kernel, groups=3)[0]
    ours = TF.gaussian_blur(minigrad.tensor(FLOATS), [kernel_size, kernel_size], [sigma, sigma])
    np.testing.assert_allclose(ours.numpy(), expected.numpy(), rtol=0, atol=1e-6)  # summed in another order
    blurred = TF.gaussian_blur(RGB, 3)
    assert blurred.size == RGB.size and blurred.mode == "RGB"
    with pytest.raises(ValueError, match="odd"):
        transforms.GaussianBlur(4)


def test_erasing_sets_a_rectangle_and_leaves_the_rest():
    image = minigrad.tensor(FLOATS)
    erased = TF.erase(image, 2, 3, 4, 5, minigrad.tensor(0.5))
    values = erased.numpy()
    assert (values[:, 2:6, 3:8] == 0.5).all() and values[:, 6:].tolist() == FLOATS[:, 6:].tolist()
    assert image.numpy().tolist() == FLOATS.tolist()  # not in place
    minigrad.manual_seed(3)
    out = transforms.RandomErasing(p=1.0, value=0)(image).numpy()
    zeroed = (out == 0).all(axis=0)
    rows, cols = np.nonzero(zeroed)
    h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert zeroed.sum() == h * w and 0.02 * 14 * 18 * 0.5 <= h * w <= 0.33 * 14 * 18 * 1.5
    assert transforms.RandomErasing(p=0.0)(image) is image


def test_color_jitter_applies_the_drawn_factors():
    fixed = transforms.ColorJitter(brightness=(1.5, 1.5))
    np.testing.assert_array_equal(np.array(fixed(RGB)), np.array(ImageEnhance.Brightness(RGB).enhance(1.5)))
    jitter = transforms.ColorJitter(0.4, 0.4, 0.4, 0.1)
    assert jitter.brightness == (0.6, 1.4) and jitter.hue == (-0.1, 0.1)
    minigrad.manual_seed(5)
    first = jitter(TF.to_tensor(RGB)).numpy()
    minigrad.manual_seed(5)
    assert np.array_equal(jitter(TF.to_tensor(RGB)).numpy(), first)
    assert transforms.ColorJitter().brightness is None
    with pytest.raises(ValueError):
        transforms.ColorJitter(hue=0.7)

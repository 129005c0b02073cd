"""Depthwise convolutions (groups = C_in = C_out), computed plane by plane by conv_depthwise, and the one-pixel
1x1 convolutions of squeeze-and-excitation gates, against PyTorch:
forward, input and weight gradients, for kernel sizes, strides, paddings and dilations of both axes, float32 and
float64, inf and NaN in the input, and ConvTranspose2d's depthwise form (its forward is the input gradient)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare, recorded
from minigrad.backends.cpu import conv as cpu_conv
from minigrad.backends.cpu import conv_columns, conv_depthwise

CASES = [  # (N, C, H, W), (kh, kw), stride, padding, dilation
    ((2, 3, 9, 7), (3, 3), (1, 1), (1, 1), (1, 1)),
    ((2, 4, 8, 8), (3, 3), (2, 2), (1, 1), (1, 1)),
    ((1, 5, 11, 6), (5, 3), (2, 1), (2, 0), (1, 2)),
    ((3, 2, 7, 10), (1, 4), (1, 3), (0, 3), (1, 1)),
    ((1, 6, 5, 5), (3, 3), (3, 2), (2, 2), (2, 1)),
    ((2, 8, 16, 16), (3, 3), (1, 1), (1, 1), (1, 1)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_depthwise_matches_torch(case, dtype, monkeypatch):
    shape, kernel, stride, padding, dilation = case
    taken = recorded(monkeypatch, cpu_conv, "is_depthwise")
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(shape[1], 1) + kernel).astype(dtype)
    b = rng.normal(size=shape[1]).astype(dtype)
    tolerance = dict(atol=1e-12, rtol=1e-12) if dtype == "float64" else dict(atol=1e-5, rtol=1e-4)
    out = compare(lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation, shape[1]), inputs=[x, w, b],
                  torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride, padding, dilation, shape[1]),
                  **tolerance)
    assert True in taken and out[0].dtype == np.dtype(dtype)


def test_depthwise_transposed_convolution_matches_torch():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 4, 5, 6)), rng.normal(size=(4, 1, 3, 3))
    compare(lambda x, w: F.conv_transpose2d(x, w, None, 2, 1, 1, 4), inputs=[x, w], atol=1e-12, rtol=1e-12,
            torch_fn=lambda x, w: torch.nn.functional.conv_transpose2d(x, w, None, 2, 1, 1, 4))


def test_depthwise_inf_and_nan_in_the_input_reach_pytorchs_places():
    x = np.random.default_rng(2).normal(size=(1, 3, 6, 6))
    x[0, 0, 0, 0], x[0, 1, 3, 4], x[0, 2, 5, 5] = np.inf, np.nan, -np.inf
    w = np.random.default_rng(3).normal(size=(3, 1, 3, 3))
    for stride in (1, 2):
        compare(lambda x, w: F.conv2d(x, w, None, stride, 1, 1, 3), inputs=[x, w], atol=1e-12, rtol=1e-12,
                torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, None, stride, 1, 1, 3))


def test_a_depthwise_layer_trains_as_pytorchs():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(4, 4, 3, padding=1, groups=4), torch.nn.BatchNorm2d(4),
                                 torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=4)).double()
    ours = minigrad.nn.Sequential(minigrad.nn.Conv2d(4, 4, 3, padding=1, groups=4), minigrad.nn.BatchNorm2d(4),
                                  minigrad.nn.ReLU(), minigrad.nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=4)).double()
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(4).normal(size=(3, 4, 10, 10))
    optimizers = [torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9),
                  minigrad.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)]
    for _ in range(3):
        for lib, model, optimizer in ((torch, theirs, optimizers[0]), (minigrad, ours, optimizers[1])):
            optimizer.zero_grad()
            model(lib.tensor(x)).pow(2).mean().backward()
            optimizer.step()
    for (name, mine), reference in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_allclose(mine.numpy(), reference.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_the_kernels_check_their_sizes():
    layout = cpu_conv._layout((1, 2, 4, 4), np.zeros((2, 1, 3, 3)), (1, 1), (1, 1), (1, 1), 2, (4, 4))
    with pytest.raises(ValueError, match="depthwise convolution: out of shape"):
        conv_depthwise.depthwise_conv2d(layout, np.zeros((1, 2, 4, 4)), np.zeros((2, 1, 3, 3)),
                                        np.zeros((1, 2, 3, 4)), cpu_conv._workspace)
    with pytest.raises(ValueError, match="depthwise convolution: w of shape"):
        conv_depthwise.depthwise_conv_transpose2d(layout, np.zeros((1, 2, 4, 4)), np.zeros((2, 1, 2, 3)),
                                                  cpu_conv._workspace)


@pytest.mark.parametrize("kernel", [(4, 4), (2, 3)])
def test_depthwise_same_padding_of_even_kernels(kernel):
    """'same' with an even kernel pads more at the bottom and right: the padded-pitch kernels must not read past
    their plane (they leave such layers to the row kernels)."""
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(3, 1) + kernel)
    compare(lambda x, w: F.conv2d(x, w, None, 1, "same", 1, 3), inputs=[x, w], atol=1e-12, rtol=1e-12,
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x, w, None, 1, "same", 1, 3))


def test_which_depthwise_kernels_run():
    layout = cpu_conv._layout
    assert conv_depthwise._flat(layout((1, 2, 8, 8), np.zeros((2, 1, 3, 3)), (1, 1), (1, 1), (1, 1), 2, (8, 8)))
    assert conv_depthwise._flat(layout((1, 2, 8, 8), np.zeros((2, 1, 3, 3)), (2, 2), (1, 1), (1, 1), 2, (4, 4)))
    assert not conv_depthwise._flat(layout((1, 2, 9, 9), np.zeros((2, 1, 3, 3)), (3, 3), (1, 1), (1, 1), 2, (3, 3)))
    # 'same' with a 4x4 kernel: one row and column of padding at the top-left, two at the bottom-right
    assert not conv_depthwise._flat(layout((1, 2, 7, 6), np.zeros((2, 1, 4, 4)), (1, 1), (1, 1), (1, 1), 2, (7, 6)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_one_pixel_pointwise_convolutions_of_squeeze_and_excitation_gates(dtype):
    """(N, C, 1, 1) through a 1x1 convolution: one GEMM for the whole batch, forward and both gradients."""
    rng = np.random.default_rng(7)
    x, w, b = (rng.normal(size=shape).astype(dtype) for shape in [(6, 8, 1, 1), (3, 8, 1, 1), (3,)])
    tolerance = dict(atol=1e-12, rtol=1e-12) if dtype == "float64" else dict(atol=1e-5, rtol=1e-5)
    compare(lambda x, w, b: F.conv2d(x, w, b), inputs=[x, w, b], torch_fn=torch.nn.functional.conv2d, **tolerance)


@pytest.mark.parametrize("shape", [(5, 9, 4, 4), (3, 7, 8, 8), (2, 6, 3, 5), (4, 5, 9, 9), (1, 6, 4, 4)])
def test_pointwise_convolutions_of_small_planes_take_one_gemm_for_the_batch(monkeypatch, shape):
    """1x1 convolutions on planes of at most POINTWISE_FOLD_MAX_PIXELS pixels (MobileNet's late stages) lay the
    batch's samples side by side and take one GEMM per product; larger planes and single samples keep one GEMM per
    sample. Forward and both gradients against PyTorch, in float32 and float64."""
    folded = recorded(monkeypatch, conv_columns, "pointwise_folded")
    rng = np.random.default_rng(8)
    for dtype, tolerance in (("float32", dict(atol=1e-5, rtol=1e-5)), ("float64", dict(atol=1e-12, rtol=1e-12))):
        x, w, b = (rng.normal(size=s).astype(dtype) for s in [shape, (11, shape[1], 1, 1), (11,)])
        compare(lambda x, w, b: F.conv2d(x, w, b), inputs=[x, w, b], torch_fn=torch.nn.functional.conv2d,
                **tolerance)
    want = shape[0] > 1 and shape[2] * shape[3] <= conv_columns.POINTWISE_FOLD_MAX_PIXELS
    assert folded and all(decision == want for decision in folded)

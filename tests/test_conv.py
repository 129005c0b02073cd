"""conv2d / conv_transpose2d and their layers against PyTorch: forward, every gradient, modules, errors.

Convolution outputs are sums of up to C_in*kH*kW = 75 products of N(0, 1) numbers (values up to ~30),
summed in another order than PyTorch's, so they are compared with atol=rtol=1e-4 instead of 1e-5.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from devices import sized
from helpers import compare, raises_as_torch

TOL = dict(atol=1e-4, rtol=1e-4)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # PyTorch's, not ours


def _conv_configs(count, seed):
    """Random conv2d settings: strides 1-3, paddings (ints, pairs, 'same', 'valid'), dilations, groups,
    kernels 1-5 (non-square), odd and non-square inputs, batch 1-3."""
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        groups = rng.choice([1, 1, 2, 3])
        kernel = (rng.randint(1, 5), rng.randint(1, 5))
        dilation = (rng.randint(1, 2), rng.randint(1, 2))
        padding = rng.choice([0, 1, 2, (2, 0), "valid", "same"])
        stride = (1, 1) if padding == "same" else (rng.randint(1, 3), rng.randint(1, 3))
        reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        size = [r + rng.randint(0, 6) for r in reach]
        configs.append(dict(batch=rng.randint(1, 3), cin=groups * rng.randint(1, 3),
                            cout=groups * rng.randint(1, 3), size=size, kernel=kernel, stride=stride,
                            padding=padding, dilation=dilation, groups=groups, bias=rng.random() < 0.7))
    return configs


def _conv_transpose_configs(count, seed):
    """Random conv_transpose2d settings, output_padding included (below stride or dilation)."""
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        groups = rng.choice([1, 1, 2])
        kernel = (rng.randint(1, 5), rng.randint(1, 5))
        stride, dilation = (rng.randint(1, 3), rng.randint(1, 3)), (rng.randint(1, 2), rng.randint(1, 2))
        padding = tuple(rng.randint(0, (d * (k - 1)) // 2) for k, d in zip(kernel, dilation))
        output_padding = tuple(rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation))
        configs.append(dict(batch=rng.randint(1, 3), cin=groups * rng.randint(1, 3),
                            cout=groups * rng.randint(1, 3), size=[rng.randint(1, 6), rng.randint(1, 6)],
                            kernel=kernel, stride=stride, padding=padding, output_padding=output_padding,
                            dilation=dilation, groups=groups, bias=rng.random() < 0.7))
    return configs


def _conv_case(c):
    shapes = [(c["batch"], c["cin"]) + tuple(c["size"]), (c["cout"], c["cin"] // c["groups"]) + c["kernel"]]
    args = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=c["groups"])
    if c["bias"]:
        shapes.append((c["cout"],))
        return shapes, (lambda x, w, b: F.conv2d(x, w, b, **args)), \
            (lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **args))
    return shapes, (lambda x, w: F.conv2d(x, w, **args)), (lambda x, w: torch.nn.functional.conv2d(x, w, **args))


def _conv_transpose_case(c):
    shapes = [(c["batch"], c["cin"]) + tuple(c["size"]), (c["cin"], c["cout"] // c["groups"]) + c["kernel"]]
    args = dict(stride=c["stride"], padding=c["padding"], output_padding=c["output_padding"],
                groups=c["groups"], dilation=c["dilation"])
    bias = (c["cout"],) if c["bias"] else None
    if bias:
        return shapes + [bias], (lambda x, w, b: F.conv_transpose2d(x, w, b, **args)), \
            (lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **args))
    return shapes, (lambda x, w: F.conv_transpose2d(x, w, **args)), \
        (lambda x, w: torch.nn.functional.conv_transpose2d(x, w, **args))


@pytest.mark.parametrize("config", sized(_conv_configs(40, seed=3), simulator=8), ids=lambda c: str(c))
def test_conv2d_random_configurations(config, device):
    shapes, fn, torch_fn = _conv_case(config)
    out = compare(fn, shapes=shapes, torch_fn=torch_fn, device=device, **TOL)
    assert out[0].dtype == minigrad.float32


@pytest.mark.parametrize("config", sized(_conv_transpose_configs(30, seed=5), simulator=6), ids=lambda c: str(c))
def test_conv_transpose2d_random_configurations(config, device):
    shapes, fn, torch_fn = _conv_transpose_case(config)
    out = compare(fn, shapes=shapes, torch_fn=torch_fn, device=device, **TOL)
    assert out[0].dtype == minigrad.float32


def _stride_1_output_padding(kernel, padding, output_padding, dilation, groups=1, stride=(1, 1), size=(3, 3)):
    return dict(batch=2, cin=groups, cout=2 * groups, size=list(size), kernel=kernel, stride=stride, padding=padding,
                output_padding=output_padding, dilation=dilation, groups=groups, bias=True)


@pytest.mark.parametrize("config", [
    _stride_1_output_padding((2, 2), (0, 0), (1, 1), (2, 2)), _stride_1_output_padding((1, 1), (0, 0), (1, 1), (2, 2)),
    _stride_1_output_padding((2, 2), (1, 1), (1, 1), (2, 2)), _stride_1_output_padding((4, 2), (0, 0), (0, 1), (2, 2), 2),
    _stride_1_output_padding((4, 4), (2, 2), (1, 2), (2, 2), stride=(1, 3), size=(6, 4))], ids=str)
def test_conv_transpose2d_output_padding_with_stride_1(config, device):
    """With stride 1, output_padding (below the dilation) adds rows and columns no window of the input gradient's
    convolution reaches: zero there (plus the bias), as PyTorch's. Before 2026-11-30 the CPU left them as memory
    found them and a 1x1 kernel raised; CUDA's 1x1 path misplaced the planes."""
    shapes, fn, torch_fn = _conv_transpose_case(config)
    compare(fn, shapes=shapes, torch_fn=torch_fn, device=device, **TOL)


@pytest.mark.parametrize("workspace", [64, 2 ** 30], ids=["row-bands", "whole-batch"])
@pytest.mark.parametrize("flat_width", [0, 2 ** 30], ids=["general", "flat"])
def test_chunking_and_layout_strategies_agree(monkeypatch, workspace, flat_width):
    """A tiny workspace forces one sample per chunk and bands of single output rows; stride-1 convolutions
    take the general or the flat layout."""
    from minigrad.backends.cpu import conv as cpu_conv
    monkeypatch.setattr(cpu_conv, "WORKSPACE_BYTES", workspace)
    monkeypatch.setattr(cpu_conv, "FLAT_MAX_WIDTH", flat_width)
    monkeypatch.setattr(cpu_conv, "FLAT_MAX_WIDTH", flat_width)
    compare(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), shapes=[(3, 4, 9, 7), (5, 4, 3, 3), (5,)],
            torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride=(2, 1), padding=1), **TOL)
    compare(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1), shapes=[(2, 4, 5, 6), (4, 3, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv_transpose2d(x, w, stride=2, padding=1), **TOL)
    for padding, dilation in ((1, 1), ("same", (2, 1)), (0, 1)):  # stride 1: the flat layout
        args = dict(padding=padding, dilation=dilation, groups=2)
        compare(lambda x, w, b: F.conv2d(x, w, b, **args), shapes=[(2, 4, 9, 7), (6, 2, 3, 4), (6,)],
                torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **args), **TOL)
    for requires in ([False, True, True], [True, False, False]):  # a first layer; a frozen layer
        compare(lambda x, w, b: F.conv2d(x, w, b, padding=1), shapes=[(2, 3, 8, 6), (4, 3, 3, 3), (4,)],
                torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), requires_grad=requires,
                **TOL)


def test_workspace_is_bounded_for_a_large_activation():
    """The chunk plan of a 3x3 conv on an 8x64x512x512 batch keeps every chunk's columns and GEMM result
    within WORKSPACE_BYTES (its full columns would be 4.8 GB), and covers every output row exactly once."""
    from minigrad.backends.cpu import conv as cpu_conv
    layout = cpu_conv._Layout((8, 64, 512, 512), (64, 64, 3, 3), (1, 1), (1, 1), (1, 1), 1, (512, 512))
    rows = np.zeros((8, 512), dtype=int)
    for n0, nk, y0, R in layout.chunks(4):
        assert (layout.K + layout.Cout) * nk * R * layout.Wp * 4 <= cpu_conv.WORKSPACE_BYTES
        rows[n0:n0 + nk, y0:y0 + R] += 1
    assert (rows == 1).all()
    assert cpu_conv.WORKSPACE_BYTES <= 256 * 2 ** 20


# The conv and transposed-conv layers of UNet(3, 2, features=(4, 8, 16, 32)) on a 2x3x20x20 batch (20 -> 10
# -> 5 -> 2 -> 1 and back up), as (kind, C_in, C_out, kernel, stride, padding, input H=W).
UNET_LAYERS = [("conv", 3, 4, 3, 1, 1, 20), ("conv", 4, 4, 3, 1, 1, 20), ("conv", 4, 8, 3, 1, 1, 10),
               ("conv", 8, 8, 3, 1, 1, 10), ("conv", 8, 16, 3, 1, 1, 5), ("conv", 16, 16, 3, 1, 1, 5),
               ("conv", 16, 32, 3, 1, 1, 2), ("conv", 32, 32, 3, 1, 1, 2), ("conv", 32, 64, 3, 1, 1, 1),
               ("conv", 64, 64, 3, 1, 1, 1), ("convT", 64, 32, 2, 2, 0, 1), ("conv", 64, 32, 3, 1, 1, 2),
               ("convT", 32, 16, 2, 2, 0, 2), ("conv", 32, 16, 3, 1, 1, 5), ("convT", 16, 8, 2, 2, 0, 5),
               ("conv", 16, 8, 3, 1, 1, 10), ("convT", 8, 4, 2, 2, 0, 10), ("conv", 8, 4, 3, 1, 1, 20),
               ("conv", 4, 2, 1, 1, 0, 20)]


@pytest.mark.parametrize("kind,cin,cout,k,s,p,size",
                         sized(UNET_LAYERS, simulator=[layer for layer in UNET_LAYERS if layer[-1] <= 2]))
def test_unet_layer_shapes(kind, cin, cout, k, s, p, size, device):
    bias = cout == 2 or kind == "convT"  # the U-Net's 3x3 convs have no bias (BatchNorm follows)
    x = (2, cin, size, size)
    if kind == "conv":
        w = (cout, cin, k, k)
        fn = lambda x, w, *b: F.conv2d(x, w, *b, stride=s, padding=p)  # noqa: E731
        torch_fn = lambda x, w, *b: torch.nn.functional.conv2d(x, w, *b, stride=s, padding=p)  # noqa: E731
    else:
        w = (cin, cout, k, k)
        fn = lambda x, w, *b: F.conv_transpose2d(x, w, *b, stride=s, padding=p)  # noqa: E731
        torch_fn = lambda x, w, *b: torch.nn.functional.conv_transpose2d(x, w, *b, stride=s, padding=p)  # noqa: E731
    compare(fn, shapes=[x, w] + ([(cout,)] if bias else []), torch_fn=torch_fn, device=device, **TOL)


def test_unbatched_input_and_gradient_subsets(device):
    compare(lambda x, w, b: F.conv2d(x, w, b, padding=1), shapes=[(3, 6, 5), (4, 3, 3, 3), (4,)],
            torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), device=device, **TOL)
    compare(lambda x, w: F.conv_transpose2d(x, w, stride=2), shapes=[(3, 4, 5), (3, 2, 2, 2)],
            torch_fn=lambda x, w: torch.nn.functional.conv_transpose2d(x, w, stride=2), device=device, **TOL)
    for requires in ([True, False, True], [False, True, False], [False, False, True]):
        compare(lambda x, w, b: F.conv2d(x, w, b, stride=2), shapes=[(2, 3, 7, 7), (4, 3, 3, 3), (4,)],
                torch_fn=lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride=2), requires_grad=requires,
                device=device, **TOL)
        compare(lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2), shapes=[(2, 3, 4, 4), (3, 4, 3, 3), (4,)],
                torch_fn=lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, stride=2),
                requires_grad=requires, device=device, **TOL)


def test_non_contiguous_input():
    compare(lambda x, w: F.conv2d(x.transpose(2, 3), w, padding=1), shapes=[(2, 3, 6, 5), (4, 3, 3, 3)],
            torch_fn=lambda x, w: torch.nn.functional.conv2d(x.transpose(2, 3), w, padding=1), **TOL)


def test_float64_gradcheck():
    rng = np.random.default_rng(0)

    def leaf(*shape):
        return minigrad.tensor(rng.standard_normal(shape), dtype=minigrad.float64, requires_grad=True)

    x, w, b = leaf(1, 2, 5, 4), leaf(2, 1, 3, 2), leaf(2)
    assert minigrad.gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2),
                                                       groups=2), (x, w, b))
    assert F.conv2d(x, w, b, groups=2).dtype == minigrad.float64
    y, v = leaf(1, 2, 3, 2), leaf(2, 2, 3, 3)
    assert minigrad.gradcheck(lambda y, v, b: F.conv_transpose2d(y, v, b, stride=2, padding=1, output_padding=1),
                              (y, v, b))


# ------------------------------------------------------------------ modules
MODULE_CASES = [
    (dict(in_channels=3, out_channels=8, kernel_size=3), dict()),
    (dict(in_channels=4, out_channels=6, kernel_size=(3, 5), stride=2, padding=(1, 2), dilation=(2, 1), groups=2,
          bias=False), dict()),
    (dict(in_channels=2, out_channels=4, kernel_size=4, padding="same"), dict()),
    (dict(in_channels=2, out_channels=4, kernel_size=3, padding="valid"), dict()),
]


@pytest.mark.parametrize("kwargs,_", MODULE_CASES)
def test_conv2d_module_matches_torch(kwargs, _):
    ours, theirs = nn.Conv2d(**kwargs), torch.nn.Conv2d(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in
                                                                    theirs.state_dict().values()]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, kwargs["in_channels"], 9, 8)).astype(np.float32)
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               **TOL)


@pytest.mark.parametrize("kwargs", [dict(in_channels=32, out_channels=16, kernel_size=2, stride=2),
                                    dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1,
                                         output_padding=1, groups=2, bias=False, dilation=2)])
def test_conv_transpose2d_module_matches_torch(kwargs):
    ours, theirs = nn.ConvTranspose2d(**kwargs), torch.nn.ConvTranspose2d(**kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert tuple(ours.weight.shape) == tuple(theirs.weight.shape)
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(2).standard_normal((1, kwargs["in_channels"], 5, 7)).astype(np.float32)
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               **TOL)


def test_conv_transpose2d_output_size_matches_torch():
    ours, theirs = nn.ConvTranspose2d(3, 2, 3, stride=3, padding=1), torch.nn.ConvTranspose2d(3, 2, 3, stride=3,
                                                                                               padding=1)
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5)).astype(np.float32)
    for size in [(10, 13), (11, 14), (12, 15), [2, 2, 12, 13]]:
        got = ours(minigrad.tensor(x), output_size=size)
        want = theirs(torch.tensor(x), output_size=size)
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), **TOL)
    with pytest.raises(ValueError, match=r"requested an output size of \[13, 13\].*\[10, 13\] to \[12, 15\]"):
        ours(minigrad.tensor(x), output_size=(13, 13))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        ours(minigrad.tensor(x), output_size=(13,))


def test_tutorial_transposed_convolution_shapes():
    up = nn.ConvTranspose2d(32, 16, kernel_size=2, stride=2)
    assert tuple(up.weight.shape) == (32, 16, 2, 2)
    assert tuple(up(minigrad.randn(1, 32, 28, 28)).shape) == (1, 16, 56, 56)


@pytest.mark.parametrize("layer,fan_in", [(lambda: nn.Conv2d(16, 32, 3), 16 * 9),
                                          (lambda: nn.Conv2d(16, 32, (1, 5), groups=4), 4 * 5),
                                          (lambda: nn.ConvTranspose2d(32, 16, 2, stride=2), 16 * 4),
                                          (lambda: nn.ConvTranspose2d(8, 12, 3, groups=4), 3 * 9)])
def test_default_init_bounds(layer, fan_in):
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias, fan_in from weight.shape[1] as PyTorch."""
    minigrad.manual_seed(0)
    module = layer()
    bound = 1 / np.sqrt(fan_in)
    for p in (module.weight, module.bias):
        values = p.detach().numpy()
        assert p.dtype == minigrad.float32 and p.requires_grad
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.8 * bound  # spread over the whole interval, not a narrower one
        assert abs(values.mean()) < 0.25 * bound


def test_module_gradients_and_dtype():
    conv = nn.Conv2d(3, 4, 3, padding=1)
    x = minigrad.randn(2, 3, 6, 6, requires_grad=True)
    out = conv(x)
    out.sum().backward()
    assert out.dtype == conv.weight.grad.dtype == conv.bias.grad.dtype == x.grad.dtype == minigrad.float32
    assert tuple(conv.weight.grad.shape) == (4, 3, 3, 3)
    np.testing.assert_allclose(conv.bias.grad.numpy(), np.full(4, 2 * 36.0), rtol=1e-6)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Conv2d(3, 8, 3)(lib.randn(1, 4, 8, 8)),
    lambda lib: lib.nn.ConvTranspose2d(16, 8, 2, stride=2)(lib.randn(1, 8, 4, 4)),
    lambda lib: lib.nn.functional.conv2d(lib.randn(1, 3, 5, 5), lib.randn(4, 3, 3, 3), groups=2),
    lambda lib: lib.nn.Conv2d(2, 2, 3)(lib.randn(5, 5)),
    lambda lib: lib.nn.functional.conv_transpose2d(lib.randn(1, 1, 2, 5, 5), lib.randn(2, 2, 3, 3)),
    lambda lib: lib.nn.Conv2d(1, 1, 5, padding=1)(lib.randn(1, 1, 2, 2)),
    lambda lib: lib.nn.functional.conv2d(lib.randn(1, 1, 4, 4), lib.randn(1, 1, 3, 3), dilation=(2, 1)),
])
def test_size_errors_as_torch(make):
    """A wrong channel count, input rank or a kernel past the padded input: PyTorch's message, word for word."""
    raises_as_torch(make)


def test_output_padding_must_be_below_stride_or_dilation():
    with pytest.raises(RuntimeError, match=r"ConvTranspose2d\(2, 2.*output padding must be smaller than either "
                                           r"stride or dilation.*output_padding=\(2, 2\), stride=\(2, 2\)"):
        nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)(minigrad.randn(1, 2, 4, 4))
    F.conv_transpose2d(minigrad.randn(1, 2, 4, 4), minigrad.randn(2, 2, 3, 3), output_padding=1, dilation=2)


def test_non_positive_output_size():
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: given input size per channel: \(1 x 1\)\. "
                                           r"Calculated output size per channel: \(-1 x -1\)"):
        F.conv_transpose2d(minigrad.randn(1, 2, 1, 1), minigrad.randn(2, 2, 3, 3), padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        nn.ConvTranspose2d(2, 2, 1, padding=1)(minigrad.randn(1, 2, 2, 2))


def test_groups_must_divide_channels():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.ConvTranspose2d(4, 3, 3, groups=2)
    with pytest.raises(RuntimeError, match=r"groups=2, expected weight to be divisible by 2 at dimension 0, but got "
                                           r"weight of size \[3, 2, 3, 3\]"):
        F.conv2d(minigrad.randn(1, 4, 5, 5), minigrad.randn(3, 2, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match="non-positive groups"):
        F.conv2d(minigrad.randn(1, 4, 5, 5), minigrad.randn(4, 4, 3, 3), groups=0)


def test_other_argument_errors():
    x, w = minigrad.randn(1, 2, 6, 6), minigrad.randn(3, 2, 3, 3)
    with pytest.raises(RuntimeError, match="padding='same' is not supported for strided convolutions"):
        F.conv2d(x, w, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(2, 3, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="invalid padding string 'full'"):
        F.conv2d(x, w, padding="full")
    with pytest.raises(RuntimeError, match="non-positive stride"):
        F.conv2d(x, w, stride=0)
    with pytest.raises(RuntimeError, match="negative padding"):
        F.conv2d(x, w, padding=-1)
    with pytest.raises(RuntimeError, match="dilation should be greater than zero"):
        F.conv2d(x, w, dilation=0)
    with pytest.raises(RuntimeError, match=r"expected bias to be 1-dimensional with 3 elements, but got bias of "
                                           r"size \[2\]"):
        F.conv2d(x, w, minigrad.randn(2))
    with pytest.raises(RuntimeError, match=r"input type \(float64\) and weight type \(float32\)"):
        F.conv2d(x.double(), w)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(2, 3, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="circular")

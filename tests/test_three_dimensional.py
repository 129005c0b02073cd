"""The 3-D layers against PyTorch: conv3d and conv_transpose3d (strides, padding, dilation, groups, 'same'),
the 3-D pools (ceil_mode, count_include_pad, divisor_override, adaptive), BatchNorm3d and InstanceNorm3d; values
and every gradient, and a small 3-D segmentation network's training step in float64."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

CONVS = [dict(), dict(stride=2, padding=1), dict(stride=(2, 1, 1), padding=(1, 0, 2), dilation=(1, 2, 1)),
         dict(groups=2, padding=1), dict(padding="same", dilation=(2, 1, 1))]


@pytest.mark.parametrize("options", CONVS)
def test_conv3d(options, device):
    groups = options.get("groups", 1)
    compare(lambda x, w, b: F.conv3d(x, w, b, **options), shapes=[(2, 4, 5, 6, 5), (6, 4 // groups, 3, 2, 3), (6,)],
            torch_fn=lambda x, w, b: TF.conv3d(x, w, b, **options), device=device)
    compare(lambda x, w: F.conv3d(x, w, **options), shapes=[(4, 5, 6, 5), (2, 4 // groups, 2, 2, 2)],
            torch_fn=lambda x, w: TF.conv3d(x, w, **options), device=device)


@pytest.mark.parametrize("options", [dict(), dict(stride=2), dict(stride=2, padding=1, output_padding=1),
                                     dict(stride=(1, 2, 2), dilation=(2, 1, 1)), dict(groups=2, stride=2)])
def test_conv_transpose3d(options, device):
    groups = options.get("groups", 1)
    compare(lambda x, w, b: F.conv_transpose3d(x, w, b, **options), shapes=[(2, 4, 3, 4, 3), (4, 6 // groups, 2, 3, 2),
                                                                            (6,)],
            torch_fn=lambda x, w, b: TF.conv_transpose3d(x, w, b, **options), device=device)


@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                     dict(kernel_size=(2, 3, 2), stride=(2, 1, 2), ceil_mode=True),
                                     dict(kernel_size=2, stride=1, dilation=(2, 1, 1))])
def test_max_pool3d(options, device):
    compare(lambda x: F.max_pool3d(x, **options), shapes=[(2, 3, 5, 6, 7)],
            torch_fn=lambda x: TF.max_pool3d(x, **options), device=device)


@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                     dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
                                     dict(kernel_size=(2, 3, 2), stride=2, ceil_mode=True),
                                     dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                                     dict(kernel_size=2, divisor_override=3)])
def test_avg_pool3d(options, device):
    compare(lambda x: F.avg_pool3d(x, **options), shapes=[(2, 3, 5, 6, 7)],
            torch_fn=lambda x: TF.avg_pool3d(x, **options), device=device)


@pytest.mark.parametrize("size", [1, (2, 3, 4), (3, None, 2)])
def test_adaptive_pools3d(size, device):
    compare(lambda x: F.adaptive_avg_pool3d(x, size), shapes=[(2, 3, 5, 6, 7)],
            torch_fn=lambda x: TF.adaptive_avg_pool3d(x, size), device=device)
    compare(lambda x: nn.AdaptiveMaxPool3d(size)(x), shapes=[(3, 5, 6, 7)],
            torch_fn=lambda x: torch.nn.AdaptiveMaxPool3d(size)(x), device=device)


def test_norms3d(device):
    compare(lambda x, w, b: F.batch_norm(x, None, None, w, b, True), shapes=[(2, 3, 4, 5, 6), (3,), (3,)],
            torch_fn=lambda x, w, b: TF.batch_norm(x, None, None, w, b, True), device=device)
    compare(lambda x: nn.InstanceNorm3d(3)(x), shapes=[(2, 3, 4, 5, 6)],
            torch_fn=lambda x: torch.nn.InstanceNorm3d(3)(x), device=device)
    with pytest.raises(ValueError):
        nn.BatchNorm3d(3)(minigrad.zeros(2, 3, 4, 4))


class _Net3d:
    """A two-level 3-D encoder-decoder with a skip connection, in either library."""

    def __init__(self, lib):
        self.nn = lib.nn
        nn_ = lib.nn
        # (no bias before the BatchNorm: its true gradient is zero, and Adam would amplify the rounding noise)
        self.down = nn_.Sequential(nn_.Conv3d(1, 4, 3, padding=1, bias=False), nn_.BatchNorm3d(4), nn_.ReLU())
        self.bottom = nn_.Sequential(nn_.MaxPool3d(2), nn_.Conv3d(4, 8, 3, padding=1), nn_.ReLU())
        self.up = nn_.ConvTranspose3d(8, 4, 2, stride=2)
        self.head = nn_.Conv3d(8, 3, 1)
        self.modules = nn_.ModuleList([self.down, self.bottom, self.up, self.head])

    def __call__(self, lib, x):
        skip = self.down(x)
        return self.head(lib.cat([skip, self.up(self.bottom(skip))], 1))


def test_a_3d_segmentation_step_equals_torch():
    torch.manual_seed(0)
    theirs, ours = _Net3d(torch), _Net3d(minigrad)
    theirs.modules.double()
    ours.modules.load_state_dict({k: v.detach().numpy() for k, v in theirs.modules.state_dict().items()})
    ours.modules.double()
    rng = np.random.default_rng(0)
    volume = rng.standard_normal((2, 1, 6, 8, 8))
    labels = rng.integers(0, 3, (2, 6, 8, 8))
    opt_ours = minigrad.optim.Adam(ours.modules.parameters(), lr=1e-2)
    opt_theirs = torch.optim.Adam(theirs.modules.parameters(), lr=1e-2)
    for step in range(3):
        losses = []
        for lib, net, opt in ((minigrad, ours, opt_ours), (torch, theirs, opt_theirs)):
            opt.zero_grad()
            loss = (F if lib is minigrad else TF).cross_entropy(net(lib, lib.tensor(volume)), lib.tensor(labels))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        np.testing.assert_allclose(losses[0], losses[1], rtol=1e-10, err_msg=f"step {step}")
    for (k, p), (_, q) in zip(ours.modules.state_dict().items(), theirs.modules.state_dict().items()):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("options", [dict(scale_factor=2, mode="trilinear"),
                                     dict(size=(7, 3, 9), mode="trilinear", align_corners=True),
                                     dict(scale_factor=(1.5, 2, 0.5), mode="trilinear"),
                                     dict(scale_factor=2, mode="nearest"), dict(size=(3, 7, 5), mode="nearest")])
def test_interpolate_volumes(options, device):
    compare(lambda x: F.interpolate(x, **options), shapes=[(2, 3, 4, 5, 6)],
            torch_fn=lambda x: TF.interpolate(x, **options), device=device)
    compare(lambda x: nn.Upsample(**options)(x), shapes=[(1, 2, 3, 4, 5)],
            torch_fn=lambda x: torch.nn.Upsample(**options)(x), device=device)


@pytest.mark.parametrize("options", [dict(scale_factor=2, mode="linear"), dict(size=10, mode="linear",
                                                                               align_corners=True),
                                     dict(scale_factor=1.7, mode="nearest"), dict(size=4, mode="nearest")])
def test_interpolate_sequences(options, device):
    compare(lambda x: F.interpolate(x, **options), shapes=[(2, 3, 7)],
            torch_fn=lambda x: TF.interpolate(x, **options), device=device)


def test_interpolate_mode_and_rank_must_agree():
    with pytest.raises(NotImplementedError):
        F.interpolate(minigrad.zeros(1, 1, 4, 4), scale_factor=2, mode="trilinear")
    with pytest.raises(NotImplementedError):
        F.interpolate(minigrad.zeros(1, 1, 4), scale_factor=2, mode="bilinear")


@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                     dict(kernel_size=(2, 3, 2), stride=(2, 1, 2), ceil_mode=True)])
def test_max_pool3d_indices_and_unpool(options, device):
    compare(lambda x: F.max_pool3d(x, return_indices=True, **options), shapes=[(2, 3, 5, 6, 7)],
            torch_fn=lambda x: TF.max_pool3d(x, return_indices=True, **options), device=device)
    values, indices = TF.max_pool3d(torch.randn(2, 3, 4, 6, 6), 2, return_indices=True)
    compare(lambda v, i: nn.MaxUnpool3d(2)(v, i), inputs=[values.numpy(), indices.numpy()],
            torch_fn=lambda v, i: torch.nn.MaxUnpool3d(2)(v, i), device=device)

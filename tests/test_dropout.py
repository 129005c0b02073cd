"""Dropout2d (whole channels) and Dropout's functional form, against PyTorch's semantics."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    minigrad.manual_seed(0)
    x = minigrad.randn(40, 50, 3, 4, requires_grad=True)
    y = nn.Dropout2d(0.3)(x)
    xs, ys = x.detach().numpy(), y.detach().numpy()
    dropped = (ys == 0).reshape(40, 50, -1)
    assert (dropped == dropped[:, :, :1]).all()  # one draw per (sample, channel)
    np.testing.assert_allclose(ys[ys != 0], xs[ys != 0] / 0.7, rtol=1e-6)  # the rest scaled by 1 / (1 - p)
    # 2000 channels: the dropped fraction has std sqrt(.3 * .7 / 2000) ~ 0.01; 0.05 is five std.
    assert abs(dropped[:, :, 0].mean() - 0.3) < 0.05
    y.sum().backward()
    mask = np.where(ys == 0, 0.0, 1 / 0.7)
    np.testing.assert_allclose(x.grad.numpy(), mask, rtol=1e-6)  # the gradient is the same mask


def test_dropout2d_eval_identity_seeded_and_repr():
    layer = nn.Dropout2d(0.5)
    x = minigrad.randn(2, 3, 4, 4)
    minigrad.manual_seed(5)
    first = layer(x).numpy()
    minigrad.manual_seed(5)
    np.testing.assert_array_equal(layer(x).numpy(), first)
    assert layer.eval()(x) is x
    assert nn.Dropout2d(0.0)(x) is x
    assert (nn.Dropout2d(1.0)(x).numpy() == 0).all()
    assert repr(nn.Dropout2d(0.2, inplace=True)) == repr(torch.nn.Dropout2d(0.2, inplace=True))
    assert repr(nn.Dropout(0.1)) == repr(torch.nn.Dropout(0.1))
    assert F.dropout2d(x, 0.5).dtype == minigrad.float32
    assert F.dropout2d(x.double(), 0.5).dtype == minigrad.float64


def test_dropout2d_on_3d_input_drops_channels_of_n_c_l_as_torch():
    minigrad.manual_seed(1)
    with pytest.warns(UserWarning, match="3D input"):
        y = F.dropout2d(minigrad.ones(8, 16, 5), 0.5).numpy()
    assert (y == y[:, :, :1]).all() and (y == 0).any() and (y == 2).any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.functional.dropout2d(torch.ones(8, 16, 5), 0.5).numpy()
    assert (theirs == theirs[:, :, :1]).all()  # the same channel-wise behaviour


def test_dropout_probability_is_checked():
    for make in (lambda: nn.Dropout(-0.1), lambda: nn.Dropout2d(1.5),
                 lambda: F.dropout2d(minigrad.ones(2, 2, 2, 2), 2.0), lambda: F.dropout(minigrad.ones(2), -1)):
        with pytest.raises(ValueError, match="between 0 and 1"):
            make()

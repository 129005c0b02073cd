"""Lazy layers (sizes from the first input, then their eager class, the optimizer's references kept) and
convolutions with reflect, replicate and circular padding, against PyTorch."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from helpers import compare

rng = np.random.default_rng(0)


@pytest.mark.parametrize("text,shape,eager", [
    ("LazyLinear(5)", (3, 4), "Linear"), ("LazyConv2d(4, 3, padding=1)", (2, 3, 6, 6), "Conv2d"),
    ("LazyConv1d(4, 3, groups=2, bias=False)", (2, 6, 9), "Conv1d"),
    ("LazyConvTranspose2d(4, 2, stride=2)", (2, 3, 4, 4), "ConvTranspose2d"),
    ("LazyConvTranspose1d(2, 3)", (2, 3, 5), "ConvTranspose1d"),
    ("LazyBatchNorm2d()", (4, 3, 5, 5), "BatchNorm2d"), ("LazyBatchNorm1d()", (6, 3), "BatchNorm1d"),
    ("LazyConv3d(2, 3, padding=1)", (1, 3, 4, 4, 4), "Conv3d"),
    ("LazyConvTranspose3d(2, 2, stride=2)", (1, 3, 3, 3, 3), "ConvTranspose3d"),
    ("LazyBatchNorm3d()", (2, 3, 2, 3, 3), "BatchNorm3d"), ("LazyInstanceNorm1d()", (2, 3, 7), "InstanceNorm1d"),
    ("LazyInstanceNorm2d(momentum=0.3)", (2, 3, 4, 4), "InstanceNorm2d"),
    ("LazyInstanceNorm3d()", (2, 3, 2, 3, 3), "InstanceNorm3d")])
def test_lazy_layers_become_their_eager_class(text, shape, eager):
    ours = eval("nn." + text)
    assert isinstance(ours.weight, nn.UninitializedParameter)
    opt = minigrad.optim.SGD(ours.parameters(), lr=0.1)
    x = minigrad.tensor(rng.standard_normal(shape).astype(np.float32))
    out = ours(x)
    theirs = eval("torch.nn." + text)
    theirs(torch.tensor(x.numpy()))
    assert type(ours).__name__ == eager == type(theirs).__name__ and repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        assert tuple(ours.state_dict()[k].shape) == tuple(v.shape), k
    assert type(ours.weight) is nn.Parameter and opt.param_groups[0]["params"][0] is ours.weight
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(ours(x).detach().numpy(), theirs(torch.tensor(x.numpy())).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    out.sum().backward()
    opt.step()


@pytest.mark.parametrize("affine, track", [(False, True), (False, False)])
def test_lazy_instance_norm_without_parameters(affine, track):
    ours, theirs = nn.LazyInstanceNorm2d(affine=affine, track_running_stats=track), \
        torch.nn.LazyInstanceNorm2d(affine=affine, track_running_stats=track)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(ours(minigrad.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), atol=1e-5)
    assert repr(ours) == repr(theirs)  # num_features stays 0 when nothing needed sizing, as PyTorch's
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].numpy(), value.numpy(), rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("name, padding", [("ZeroPad3d", (1, 2, 0, 1, 2, 1)), ("ConstantPad3d", 1),
                                           ("ReflectionPad3d", (1, 0, 1, 1, 0, 1)), ("ReplicationPad3d", 2),
                                           ("CircularPad3d", (1, 1, 2, 0, 1, 1))])
def test_padding_3d_layers(name, padding, device):
    args = (padding, 0.5) if name == "ConstantPad3d" else (padding,)
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    compare(ours, torch_fn=theirs, shapes=[(2, 3, 3, 4, 4)], device=device)


def test_lazy_init_draws_the_default_bounds():
    layer = nn.LazyLinear(50)
    layer(minigrad.zeros(2, 16))
    bound = 1 / 16 ** 0.5
    w = layer.weight.detach().numpy()
    assert abs(w).max() <= bound and abs(w).max() > 0.8 * bound


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"])
def test_conv2d_padding_modes(mode, padding, device):
    ours = nn.Conv2d(3, 4, 3, padding=padding, padding_mode=mode)
    theirs = torch.nn.Conv2d(3, 4, 3, padding=padding, padding_mode=mode)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(device)
    compare(lambda x: ours(x), shapes=[(2, 3, 6, 7)], torch_fn=lambda x: theirs(x), device=device)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv1d_padding_modes(mode, device):
    ours = nn.Conv1d(2, 3, 3, padding=2, dilation=2, padding_mode=mode)
    theirs = torch.nn.Conv1d(2, 3, 3, padding=2, dilation=2, padding_mode=mode)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(device)
    compare(lambda x: ours(x), shapes=[(2, 2, 9)], torch_fn=lambda x: theirs(x), device=device)
    with pytest.raises(ValueError):
        nn.ConvTranspose2d(2, 3, 3, padding_mode=mode)

"""Empty batches and degenerate layers, as PyTorch: empty outputs and gradients, or PyTorch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


def run(lib, make_layer, shape):
    """Forward and backward of a layer on an empty batch: (output shape, input grad shape, parameter grads)."""
    layer = make_layer(lib)
    x = lib.zeros(*shape, requires_grad=True)
    out = layer(x)
    (out * 2).sum().backward()
    params = [p.grad.numpy().tolist() for p in layer.parameters()] if hasattr(layer, "parameters") else []
    return tuple(out.shape), tuple(x.grad.shape), params


@pytest.mark.parametrize("make_layer", [
    lambda lib: lib.nn.Conv2d(3, 4, 3, padding=1), lambda lib: lib.nn.Conv2d(3, 4, 3, stride=2),
    lambda lib: lib.nn.Conv2d(3, 4, 1), lambda lib: lib.nn.ConvTranspose2d(3, 4, 2, stride=2),
    lambda lib: lib.nn.ConvTranspose2d(3, 4, 3), lambda lib: lib.nn.BatchNorm2d(3),
    lambda lib: lib.nn.BatchNorm2d(3).eval(), lambda lib: lib.nn.MaxPool2d(2), lambda lib: lib.nn.MaxPool2d(3, 1),
    lambda lib: lib.nn.AvgPool2d(2), lambda lib: lib.nn.Upsample(scale_factor=2, mode="bilinear"),
    lambda lib: lib.nn.Upsample(size=(3, 5)),
], ids=["conv", "conv-s2", "conv-1x1", "convT-2x2", "convT-3x3", "bn-train", "bn-eval", "maxpool", "maxpool-3",
        "avgpool", "bilinear", "nearest"])
def test_empty_batch_as_torch(make_layer):
    torch.manual_seed(0)
    minigrad.manual_seed(0)
    assert run(minigrad, make_layer, (0, 3, 8, 8)) == run(torch, make_layer, (0, 3, 8, 8))


def test_empty_batch_batchnorm_leaves_running_statistics():
    for lib in (minigrad, torch):
        bn = lib.nn.BatchNorm2d(3)
        bn(lib.zeros(0, 3, 4, 4))
        assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3
        assert int(bn.num_batches_tracked) == 1


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(0, 5), (0, 5, 4, 4)])
def test_cross_entropy_of_an_empty_batch(reduction, shape):
    results = []
    for lib in (minigrad, torch):
        x = lib.zeros(*shape, requires_grad=True)
        target = lib.zeros(*((0,) + shape[2:]), dtype=lib.int64)
        loss = lib.nn.functional.cross_entropy(x, target, reduction=reduction)
        (loss.sum() if reduction == "none" else loss).backward()
        results.append((tuple(loss.shape), np.asarray(loss.detach().numpy()).tolist() if loss.ndim == 0 else None,
                        tuple(x.grad.shape)))
    mine, theirs = results
    assert mine[0] == theirs[0] and mine[2] == theirs[2]
    if mine[1] is not None:
        np.testing.assert_equal(mine[1], theirs[1])  # nan for the mean of nothing, 0 for the sum


@pytest.mark.parametrize("make", [lambda lib: lib.nn.Conv2d(3, 4, 0), lambda lib: lib.nn.Conv2d(3, 0, 3),
                                  lambda lib: lib.nn.ConvTranspose2d(3, 4, 0),
                                  lambda lib: lib.nn.ConvTranspose2d(3, 0, 3), lambda lib: lib.nn.MaxPool2d(0)],
                         ids=["kernel-0", "cout-0", "convT-kernel-0", "convT-cout-0", "pool-0"])
def test_degenerate_layers_raise_as_torch(make):
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):
            make(lib)(lib.zeros(1, 3, 8, 8))


def test_interpolate_size_must_be_integers():
    for lib in (minigrad, torch):
        with pytest.raises(TypeError):
            lib.nn.functional.interpolate(lib.zeros(1, 1, 4, 4), size=2.5)
    assert tuple(F.interpolate(minigrad.zeros(1, 1, 4, 4), size=2).shape) == (1, 1, 2, 2)
    assert tuple(nn.Upsample(size=3)(minigrad.zeros(1, 1, 4, 4)).shape) == (1, 1, 3, 3)

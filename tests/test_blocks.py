"""Sliding blocks (F.unfold, F.fold, Tensor.unfold), Bilinear and RMSNorm against PyTorch: values, every
gradient, non-finite values copied as they are."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad as M
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

GEOMETRIES = [dict(kernel_size=3), dict(kernel_size=(2, 3), stride=2, padding=1),
              dict(kernel_size=2, dilation=2, padding=(0, 1), stride=(1, 2))]


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_unfold_and_fold(geometry, device):
    compare(lambda x: F.unfold(x, **geometry), shapes=[(2, 3, 6, 7)], torch_fn=lambda x: TF.unfold(x, **geometry),
            device=device)
    compare(lambda x: F.unfold(x, **geometry), shapes=[(3, 6, 7)], torch_fn=lambda x: TF.unfold(x, **geometry),
            device=device)
    columns = TF.unfold(torch.zeros(2, 3, 6, 7), **geometry).shape
    compare(lambda c: F.fold(c, (6, 7), **geometry), shapes=[tuple(columns)],
            torch_fn=lambda c: TF.fold(c, (6, 7), **geometry), device=device)


def test_unfold_copies_non_finite_values_exactly():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 1, 2], x[0, 0, 3, 0] = np.inf, np.nan
    ours = F.unfold(M.tensor(x), 2).numpy()
    np.testing.assert_array_equal(ours, TF.unfold(torch.tensor(x), 2).numpy())


def test_fold_unfold_modules_and_errors():
    compare(lambda x: nn.Unfold(2, padding=1)(x), shapes=[(1, 2, 3, 3)], torch_fn=lambda x: torch.nn.Unfold(2, padding=1)(x))
    compare(lambda c: nn.Fold((4, 4), 2, stride=2)(c), shapes=[(1, 8, 4)],
            torch_fn=lambda c: torch.nn.Fold((4, 4), 2, stride=2)(c))
    assert repr(nn.Fold((4, 4), 2)) == repr(torch.nn.Fold((4, 4), 2))
    with pytest.raises(RuntimeError):
        F.unfold(M.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError):
        F.fold(M.zeros(1, 7, 4), (4, 4), 2, stride=2)


@pytest.mark.parametrize("dim,size,step", [(0, 2, 1), (1, 3, 2), (-1, 1, 3), (1, 5, 1)])
def test_tensor_unfold(dim, size, step, device):
    compare(lambda x: x.unfold(dim, size, step), shapes=[(4, 5)], device=device)
    compare(lambda x: x.unfold(dim, size, step), shapes=[(3, 5, 2)] if dim != 0 else [(4, 2)], device=device)


def test_bilinear(device):
    compare(lambda a, b, w, bias: F.bilinear(a, b, w, bias), shapes=[(4, 3), (4, 5), (2, 3, 5), (2,)],
            torch_fn=TF.bilinear, device=device)
    compare(lambda a, b, w: F.bilinear(a, b, w), shapes=[(2, 4, 3), (2, 4, 5), (6, 3, 5)],
            torch_fn=TF.bilinear, device=device)
    ours, theirs = nn.Bilinear(3, 5, 2), torch.nn.Bilinear(3, 5, 2)
    assert repr(ours) == repr(theirs) and [k for k, _ in ours.named_parameters()] == ["weight", "bias"]
    bound = 1 / 3 ** 0.5
    assert abs(ours.weight.detach().numpy()).max() <= bound and abs(ours.bias.detach().numpy()).max() <= bound


@pytest.mark.parametrize("shape,eps", [((5,), None), ((3, 5), 1e-3)])
def test_rms_norm(shape, eps, device):
    compare(lambda x, w: F.rms_norm(x, shape, w, eps), shapes=[(2,) + shape, shape],
            torch_fn=lambda x, w: TF.rms_norm(x, shape, w, eps), device=device)
    ours, theirs = nn.RMSNorm(shape, eps), torch.nn.RMSNorm(shape, eps)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    assert list(nn.RMSNorm(4, elementwise_affine=False).state_dict()) == []
    compare(lambda x: F.rms_norm(x, shape), shapes=[(2,) + shape], torch_fn=lambda x: TF.rms_norm(x, shape),
            device=device)

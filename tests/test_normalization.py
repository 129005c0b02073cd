"""Per-sample normalisation and embeddings against PyTorch: layer_norm, group_norm, instance_norm (with running
statistics too), their modules (repr, state_dict keys, train and eval), and Embedding with a padding row."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

TF = torch.nn.functional


def _arrays(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


@pytest.mark.parametrize("shape,normalized", [((2, 6, 4, 5), (4, 5)), ((3, 7), (7,)), ((2, 3, 8), (3, 8))])
def test_layer_norm(shape, normalized, device):
    weight_shape = normalized
    compare(lambda x, w, b: F.layer_norm(x, normalized, w, b), inputs=_arrays(shape, weight_shape, weight_shape),
            torch_fn=lambda x, w, b: TF.layer_norm(x, normalized, w, b), device=device)
    compare(lambda x: F.layer_norm(x, normalized, eps=1e-3), inputs=_arrays(shape, seed=1),
            torch_fn=lambda x: TF.layer_norm(x, normalized, eps=1e-3), device=device)


@pytest.mark.parametrize("shape,groups", [((2, 6, 4, 5), 3), ((2, 6, 4, 5), 1), ((2, 6, 4, 5), 6), ((3, 4, 7), 2)])
def test_group_norm(shape, groups, device):
    compare(lambda x, w, b: F.group_norm(x, groups, w, b), inputs=_arrays(shape, shape[1:2], shape[1:2]),
            torch_fn=lambda x, w, b: TF.group_norm(x, groups, w, b), device=device)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 2, 6)])
def test_instance_norm(shape, device):
    channels = shape[1:2]
    compare(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), inputs=_arrays(shape, channels, channels),
            torch_fn=lambda x, w, b: TF.instance_norm(x, weight=w, bias=b), device=device)
    compare(lambda x: F.instance_norm(x), inputs=_arrays(shape, seed=2), torch_fn=TF.instance_norm, device=device)


@pytest.mark.parametrize("name,args", [("LayerNorm", ((4, 5),)), ("LayerNorm", (5,)), ("GroupNorm", (2, 6)),
                                       ("InstanceNorm2d", (6,))])
@pytest.mark.parametrize("options", [{}, {"affine": True, "elementwise_affine": False, "bias": False}])
def test_modules_equal_torch_in_train_and_eval(name, args, options):
    options = {k: v for k, v in options.items() if not (name == "LayerNorm" and k == "affine")
               and not (name != "LayerNorm" and k == "elementwise_affine")}
    ours, theirs = getattr(nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = _arrays((3, 6, 4, 5), seed=3)[0]
    for train in (True, False):
        ours.train(train), theirs.train(train)
        compare(ours, inputs=[x], torch_fn=theirs)


def test_instance_norm_running_statistics_and_unbatched_input():
    ours = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    theirs = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for seed in range(3):
        x = _arrays((2, 3, 4, 4), seed=seed)[0] * (seed + 1) + seed
        ours(minigrad.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-6)
    ours.eval(), theirs.eval()
    compare(ours, inputs=_arrays((2, 3, 4, 4), seed=9), torch_fn=theirs)
    compare(ours, inputs=_arrays((3, 4, 4), seed=10), torch_fn=theirs)  # unbatched (C, H, W)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(minigrad.ones(2, 3, 1, 1))


def test_normalization_errors_as_torch():
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(minigrad.ones(2, 3), (4,))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(minigrad.ones(2, 6, 3), 4)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(4, 6)


def test_norms_by_central_differences():
    x = minigrad.tensor(np.random.default_rng(4).standard_normal((2, 4, 3)), dtype=minigrad.float64,
                        requires_grad=True)
    w = minigrad.tensor(np.random.default_rng(5).standard_normal(4), dtype=minigrad.float64, requires_grad=True)
    assert minigrad.gradcheck(lambda t: F.layer_norm(t, (4, 3)), (x,))
    assert minigrad.gradcheck(lambda t, s: F.group_norm(t, 2, s), (x, w))
    assert minigrad.gradcheck(lambda t, s: F.instance_norm(t, weight=s), (x, w))


def test_embedding_gathers_rows_adds_repeated_gradients_and_skips_the_padding_row(device):
    weight = _arrays((10, 3), seed=6)[0]
    index = np.array([[0, 2, 2], [5, 0, 9]], dtype=np.int64)
    compare(lambda w, i: F.embedding(i, w), inputs=[weight, index], torch_fn=lambda w, i: TF.embedding(i, w),
            device=device)
    compare(lambda w, i: F.embedding(i, w, padding_idx=0), inputs=[weight, index],
            torch_fn=lambda w, i: TF.embedding(i, w, padding_idx=0), device=device)
    ours, theirs = nn.Embedding(10, 3, padding_idx=-1), torch.nn.Embedding(10, 3, padding_idx=-1)
    assert repr(ours) == repr(theirs) and ours.weight[9].tolist() == [0, 0, 0]
    frozen = nn.Embedding.from_pretrained(minigrad.tensor(weight))
    assert not frozen.weight.requires_grad and frozen(minigrad.tensor([1])).tolist() == [weight[1].tolist()]
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(minigrad.tensor([0.0]), minigrad.ones(2, 2))

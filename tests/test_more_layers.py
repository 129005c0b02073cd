"""The layers beyond a U-Net's, against PyTorch: 1-D convolutions and pooling, adaptive max pooling, padding
layers, pixel shuffles, Unflatten, ParameterList/ParameterDict, similarities, distances and their losses (KL
divergence, margin ranking, triplet, cosine embedding): values, gradients, reprs and state_dict keys."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

TF = torch.nn.functional


def _pair(text):
    """The minigrad and PyTorch modules written as ``text`` (e.g. "Conv1d(4, 6, 3)"), with PyTorch's weights."""
    ours, theirs = eval("nn." + text), eval("torch.nn." + text)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    if state:
        ours.load_state_dict(state)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    return ours, theirs


ONE_D = ["Conv1d(4, 6, 3)", "Conv1d(4, 6, 3, stride=2, padding=1, bias=False)",
         "Conv1d(4, 6, 3, padding='same', dilation=2)", "Conv1d(4, 6, 3, groups=2)",
         "ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1)", "MaxPool1d(3, 2)",
         "MaxPool1d(2, padding=1, ceil_mode=True)", "AvgPool1d(2)", "AvgPool1d(3, 2, 1, count_include_pad=False)",
         "AdaptiveAvgPool1d(5)", "AdaptiveAvgPool1d(4)"]


@pytest.mark.parametrize("text", ONE_D)
def test_one_dimensional_layers(text):
    ours, theirs = _pair(text)
    compare(ours, shapes=[(2, 4, 11)], torch_fn=theirs)
    compare(ours, shapes=[(4, 9)], torch_fn=theirs)  # unbatched (C, L)


def test_one_dimensional_functions_and_indices(device):
    compare(lambda x, w, b: F.conv1d(x, w, b, 2, 1), shapes=[(2, 4, 12), (6, 4, 3), (6,)],
            torch_fn=lambda x, w, b: TF.conv1d(x, w, b, 2, 1), device=device)
    compare(lambda x, w: F.conv_transpose1d(x, w, stride=2), shapes=[(2, 4, 5), (4, 3, 2)],
            torch_fn=lambda x, w: TF.conv_transpose1d(x, w, stride=2), device=device)
    compare(lambda x: F.max_pool1d(x, 3, 2, return_indices=True), shapes=[(2, 3, 10)],
            torch_fn=lambda x: TF.max_pool1d(x, 3, 2, return_indices=True), device=device)


@pytest.mark.parametrize("output_size", [3, (2, 4), (1, 1), (None, 3), (4, 5)])
def test_adaptive_max_pool2d(output_size, device):
    compare(lambda x: F.adaptive_max_pool2d(x, output_size, return_indices=True), shapes=[(2, 3, 6, 10)],
            torch_fn=lambda x: TF.adaptive_max_pool2d(x, output_size, return_indices=True), device=device)
    ours, theirs = _pair(f"AdaptiveMaxPool2d({output_size!r})")
    compare(ours, shapes=[(3, 7, 9)], torch_fn=theirs)


PADDINGS = ["ZeroPad2d(2)", "ZeroPad2d((1, 0, 2, 3))", "ConstantPad2d(1, 3.5)", "ReflectionPad2d((1, 2, 3, 0))",
            "ReplicationPad2d(1)", "CircularPad2d(1)", "ZeroPad1d((2, 1))", "ConstantPad1d(2, -1.0)",
            "ReflectionPad1d(2)", "ReplicationPad1d((0, 3))", "CircularPad1d(1)"]


@pytest.mark.parametrize("text", PADDINGS)
def test_padding_layers(text):
    ours, theirs = _pair(text)
    compare(ours, shapes=[(2, 3, 5, 6)] if "2d" in text else [(2, 3, 6)], torch_fn=theirs)


@pytest.mark.parametrize("text,shape", [("PixelShuffle(2)", (2, 8, 3, 5)), ("PixelUnshuffle(2)", (2, 3, 4, 6)),
                                        ("PixelShuffle(3)", (9, 2, 2)), ("Unflatten(1, (2, 4))", (3, 8, 5)),
                                        ("Unflatten(-1, (3, 2))", (2, 6))])
def test_reshaping_layers(text, shape, device):
    ours, theirs = _pair(text)
    compare(lambda x: ours(x), shapes=[shape], torch_fn=theirs, device=device)


def test_parameter_list_and_dict_register_their_parameters():
    ours = nn.ParameterList([nn.Parameter(minigrad.ones(2)), minigrad.zeros(3)])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.zeros(3)])
    assert list(ours.state_dict()) == list(theirs.state_dict()) and len(ours) == 2
    assert all(isinstance(p, nn.Parameter) for p in ours) and len(list(ours.parameters())) == 2
    ours.append(minigrad.ones(1))
    assert len(list(ours.parameters())) == 3
    table = nn.ParameterDict({"scale": nn.Parameter(minigrad.ones(2))})
    table["shift"] = minigrad.zeros(2)
    assert list(table.state_dict()) == ["scale", "shift"] and isinstance(table["shift"], nn.Parameter)
    model = nn.Module()
    model.gains = ours
    assert [name for name, _ in model.named_parameters()] == ["gains.0", "gains.1", "gains.2"]


def test_similarities_and_distances(device):
    compare(lambda a, b: F.cosine_similarity(a, b), shapes=[(4, 5), (4, 5)], torch_fn=TF.cosine_similarity,
            device=device)
    compare(lambda a, b: F.cosine_similarity(a, b, dim=0, eps=1e-3), shapes=[(4, 5), (1, 5)],
            torch_fn=lambda a, b: TF.cosine_similarity(a, b, dim=0, eps=1e-3), device=device)
    compare(lambda a, b: F.pairwise_distance(a, b), shapes=[(4, 5), (4, 5)], torch_fn=TF.pairwise_distance,
            device=device)
    compare(lambda a, b: F.pairwise_distance(a, b, 1.0, keepdim=True), shapes=[(4, 5), (4, 5)],
            torch_fn=lambda a, b: TF.pairwise_distance(a, b, 1.0, keepdim=True), device=device)
    for text in ("CosineSimilarity(dim=0)", "PairwiseDistance(p=3.0)"):
        ours, theirs = _pair(text)
        compare(ours, shapes=[(3, 4), (3, 4)], torch_fn=theirs)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", ["batchmean", "sum", "mean", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target, device):
    rng = np.random.default_rng(0)
    log_probabilities = np.log(rng.dirichlet(np.ones(5), 4)).astype(np.float32)
    target = rng.dirichlet(np.ones(5), 4).astype(np.float32)
    target = np.log(target) if log_target else target
    compare(lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
            inputs=[log_probabilities, target],
            torch_fn=lambda x, t: TF.kl_div(x, t, reduction=reduction, log_target=log_target), device=device)
    if not log_target:  # 0 * log 0 is 0; the target's own gradient there is NaN in PyTorch (see README)
        target[0, 0] = 0
        compare(lambda x, t: F.kl_div(x, t, reduction=reduction), inputs=[log_probabilities, target],
                torch_fn=lambda x, t: TF.kl_div(x, t, reduction=reduction), requires_grad=[True, False],
                device=device)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_margin_triplet_and_cosine_embedding_losses(reduction, device):
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal((6, 5)).astype(np.float32) for _ in range(3))
    y = np.array([1, -1, 1, -1, 1, -1], dtype=np.float32)
    compare(lambda p, q, t: F.margin_ranking_loss(p, q, t, 0.3, reduction=reduction), inputs=[a[:, 0], b[:, 0], y],
            torch_fn=lambda p, q, t: TF.margin_ranking_loss(p, q, t, 0.3, reduction=reduction), device=device)
    for swap in (False, True):
        compare(lambda p, q, r: F.triplet_margin_loss(p, q, r, swap=swap, reduction=reduction), inputs=[a, b, c],
                torch_fn=lambda p, q, r: TF.triplet_margin_loss(p, q, r, swap=swap, reduction=reduction),
                device=device)
    compare(lambda p, q, t: F.cosine_embedding_loss(p, q, t, 0.1, reduction=reduction), inputs=[a, b, y],
            torch_fn=lambda p, q, t: TF.cosine_embedding_loss(p, q, t, 0.1, reduction=reduction), device=device)
    for text in ("KLDivLoss(reduction='batchmean')", "MarginRankingLoss(0.5)", "TripletMarginLoss(margin=2.0)",
                 "CosineEmbeddingLoss(0.2)"):
        _pair(text)


def test_kl_div_warns_of_mean_as_torch():
    with pytest.warns(UserWarning, match="'mean' divides the total loss by both the batch size"):
        F.kl_div(minigrad.zeros(2, 3), minigrad.ones(2, 3))


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid(align_corners, device):
    theta = np.array([[[0.9, 0.2, 0.1], [-0.1, 1.1, -0.2]], [[1.2, 0.0, 0.3], [0.3, 0.8, 0.1]]], np.float32)
    compare(lambda t: F.affine_grid(t, (2, 3, 4, 7), align_corners=align_corners), inputs=[theta],
            torch_fn=lambda t: TF.affine_grid(t, (2, 3, 4, 7), align_corners=align_corners), device=device)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample(mode, padding_mode, align_corners, device):
    rng = np.random.default_rng(3)
    image = rng.standard_normal((2, 3, 5, 6)).astype(np.float32)
    grid = rng.uniform(-1.3, 1.3, (2, 4, 7, 2)).astype(np.float32)  # some places outside the image
    compare(lambda x, g: F.grid_sample(x, g, mode, padding_mode, align_corners), inputs=[image, grid],
            torch_fn=lambda x, g: TF.grid_sample(x, g, mode, padding_mode, align_corners),
            requires_grad=[True, mode != "nearest"], device=device)  # (nearest: no gradient reaches the grid)


# ------------------------------------------------------------------ Embedding options and EmbeddingBag
def _embedding_pair(text):
    theirs = eval("torch.nn." + text)
    ours = eval("minigrad.nn." + text)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    return ours, theirs


def _lookup_both(ours, theirs, *args):
    """Output and the weight's gradient (and the weight after any in-place renormalization) of both tables."""
    ours_args = [minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    theirs_args = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    a, b = ours(*ours_args), theirs(*theirs_args)
    weight = np.random.default_rng(1).standard_normal(tuple(b.shape)).astype(np.float32)
    (a * minigrad.tensor(weight)).sum().backward()
    (b * torch.tensor(weight)).sum().backward()
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("text", ["Embedding(10, 4, max_norm=1.0)", "Embedding(10, 4, max_norm=0.5, norm_type=1.0)",
                                  "Embedding(10, 4, scale_grad_by_freq=True, padding_idx=2)"])
def test_embedding_max_norm_and_gradient_scaling(text):
    ours, theirs = _embedding_pair(text)
    _lookup_both(ours, theirs, np.array([[1, 3, 3, 2], [9, 3, 1, 0]]))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_bag(mode, padding_idx):
    ours, theirs = _embedding_pair(f"EmbeddingBag(10, 4, mode='{mode}', padding_idx={padding_idx})")
    _lookup_both(ours, theirs, np.array([[1, 3, 4], [9, 3, 3]]))
    ours, theirs = _embedding_pair(f"EmbeddingBag(10, 4, mode='{mode}', padding_idx={padding_idx})")
    _lookup_both(ours, theirs, np.array([1, 3, 4, 9, 3, 0, 7]), np.array([0, 2, 2, 5]))  # an empty bag
    ours, theirs = _embedding_pair(f"EmbeddingBag(10, 4, mode='{mode}', include_last_offset=True)")
    _lookup_both(ours, theirs, np.array([1, 3, 4, 9, 3]), np.array([0, 2, 5]))


def test_embedding_bag_per_sample_weights():
    weights = np.random.default_rng(2).uniform(0.5, 2, 6).astype(np.float32)
    ours, theirs = _embedding_pair("EmbeddingBag(10, 4, mode='sum')")
    _lookup_both(ours, theirs, np.array([1, 3, 4, 9, 3, 0]), np.array([0, 3]), weights)
    with pytest.raises(NotImplementedError):
        minigrad.nn.functional.embedding_bag(minigrad.tensor([1, 2]), ours.weight, minigrad.tensor([0]), mode="mean",
                                             per_sample_weights=minigrad.tensor([1.0, 2.0]))

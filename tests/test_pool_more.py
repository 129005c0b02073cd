"""Unpooling, power-average pooling, local response normalization, channel shuffle, the dropout variants,
gumbel_softmax and TripletMarginWithDistanceLoss, against PyTorch."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad as M
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

rng = np.random.default_rng(0)


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (2, 1), (1, 0))])
def test_max_unpool2d_inverts_max_pool2d(kernel, stride, padding, device):
    x = rng.standard_normal((2, 3, 7, 8)).astype(np.float32)
    pooled, indices = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, return_indices=True)
    try:
        TF.max_unpool2d(pooled, indices, kernel, stride, padding)
        fits = True
    except RuntimeError:  # an index past the default output size
        fits = False
    if fits:
        compare(lambda p, i: F.max_unpool2d(p, i, kernel, stride, padding), inputs=[pooled.numpy(), indices.numpy()],
                torch_fn=lambda p, i: TF.max_unpool2d(p, i, kernel, stride, padding), device=device)
    else:  # an index past the default size raises in both
        with pytest.raises(RuntimeError, match="invalid max index"):
            F.max_unpool2d(M.tensor(pooled.numpy()), M.tensor(indices.numpy()), kernel, stride, padding)
    compare(lambda p, i: F.max_unpool2d(p, i, kernel, stride, padding, output_size=(7, 8)),
            inputs=[pooled.numpy(), indices.numpy()],
            torch_fn=lambda p, i: TF.max_unpool2d(p, i, kernel, stride, padding, output_size=(7, 8)), device=device)
    ours_pooled, ours_indices = F.max_pool2d_with_indices(M.tensor(x), kernel, stride, padding)
    assert ours_indices.tolist() == indices.tolist()


def test_max_unpool1d_and_modules(device):
    x = rng.standard_normal((2, 3, 9)).astype(np.float32)
    pooled, indices = TF.max_pool1d(torch.tensor(x), 3, 2, return_indices=True)
    compare(lambda p, i: nn.MaxUnpool1d(3, 2)(p, i), inputs=[pooled.numpy(), indices.numpy()],
            torch_fn=lambda p, i: torch.nn.MaxUnpool1d(3, 2)(p, i), device=device)
    assert repr(nn.MaxUnpool2d(2)) == repr(torch.nn.MaxUnpool2d(2))
    with pytest.raises(RuntimeError):
        F.max_unpool2d(M.ones(1, 1, 2, 2), M.tensor([[[[0, 1], [2, 99]]]]), 2)


@pytest.mark.parametrize("p", [2.0, 3.0, 1.0])
def test_lp_pool(p, device):
    compare(lambda x: F.lp_pool2d(x, p, 2), shapes=[(2, 3, 6, 6)], low=0.1, high=2,
            torch_fn=lambda x: TF.lp_pool2d(x, p, 2), device=device)
    compare(lambda x: F.lp_pool2d(x, p, (3, 2), stride=(1, 2), ceil_mode=True), shapes=[(1, 2, 7, 7)], low=0.1,
            high=2, torch_fn=lambda x: TF.lp_pool2d(x, p, (3, 2), stride=(1, 2), ceil_mode=True), device=device)
    compare(lambda x: nn.LPPool1d(p, 3, 2)(x), shapes=[(2, 3, 9)], low=0.1, high=2,
            torch_fn=lambda x: torch.nn.LPPool1d(p, 3, 2)(x), device=device)


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_local_response_norm(size, device):
    compare(lambda x: F.local_response_norm(x, size, 1e-2, 0.75, 2.0), shapes=[(2, 6, 4, 5)],
            torch_fn=lambda x: TF.local_response_norm(x, size, 1e-2, 0.75, 2.0), device=device)
    compare(lambda x: nn.LocalResponseNorm(size)(x), shapes=[(2, 4, 7)],
            torch_fn=lambda x: torch.nn.LocalResponseNorm(size)(x), device=device)


def test_channel_shuffle_and_adaptive_max_pool1d(device):
    compare(lambda x: F.channel_shuffle(x, 3), shapes=[(2, 6, 2, 2)], torch_fn=lambda x: TF.channel_shuffle(x, 3),
            device=device)
    compare(lambda x: nn.ChannelShuffle(2)(x), shapes=[(1, 4, 3)], torch_fn=lambda x: torch.nn.ChannelShuffle(2)(x),
            device=device)
    for size in (3, 4, 7):
        compare(lambda x: F.adaptive_max_pool1d(x, size, return_indices=True), shapes=[(2, 3, 10)],
                torch_fn=lambda x: TF.adaptive_max_pool1d(x, size, return_indices=True), device=device)
    assert repr(nn.AdaptiveMaxPool1d(3)) == repr(torch.nn.AdaptiveMaxPool1d(3))


def test_dropout_variants():
    M.manual_seed(0)
    x = M.ones(200, 50, 20)
    out = F.dropout1d(x, 0.3)
    channels = out[:, :, 0].numpy()
    assert set(np.unique(out.numpy())) <= {0.0, np.float32(1 / 0.7)} and (out.numpy() == channels[:, :, None]).all()
    assert abs((channels == 0).mean() - 0.3) < 0.02
    assert nn.Dropout1d(0.3).eval()(x) is x
    with pytest.raises(RuntimeError):
        F.dropout1d(M.ones(2, 2, 2, 2))
    selu = F.selu(M.randn(200000))
    dropped = F.alpha_dropout(selu, 0.2, training=True).numpy()
    assert abs(dropped.mean()) < 0.01 and abs(dropped.std() - 1) < 0.01  # SELU's fixed point kept
    assert F.alpha_dropout(selu, 0.2, training=False) is selu
    features = F.feature_alpha_dropout(M.randn(100, 30, 4, 4), 0.5, training=True).numpy()
    alpha = 1.7580993408473766
    dropped_value = -alpha * (1 - 0.5) / np.sqrt((alpha ** 2 * 0.5 + 1) * 0.5)
    dropped_channels = np.isclose(features, dropped_value).all(axis=(2, 3))
    assert abs(dropped_channels.mean() - 0.5) < 0.05
    assert repr(nn.AlphaDropout(0.2)) == repr(torch.nn.AlphaDropout(0.2))


def test_gumbel_softmax():
    M.manual_seed(0)
    logits = M.tensor(np.log(np.array([[0.1, 0.2, 0.7]] * 20000, np.float32)), requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1, rtol=1e-5)
    hard = F.gumbel_softmax(logits, tau=1.0, hard=True)
    counts = hard.detach().numpy().mean(0)
    assert set(np.unique(hard.detach().numpy())) == {0.0, 1.0}
    np.testing.assert_allclose(counts, [0.1, 0.2, 0.7], atol=0.015)  # the Gumbel-max trick samples the law
    (hard * M.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert logits.grad is not None and np.abs(logits.grad.numpy()).sum() > 0


def test_triplet_margin_with_distance_loss(device):
    for kwargs in ({}, dict(margin=0.5, swap=True)):
        compare(lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, **kwargs), shapes=[(4, 5)] * 3,
                torch_fn=lambda a, p, n: TF.triplet_margin_with_distance_loss(a, p, n, **kwargs), device=device)
    cosine = lambda a, b: 1 - F.cosine_similarity(a, b)  # noqa: E731
    tcosine = lambda a, b: 1 - TF.cosine_similarity(a, b)  # noqa: E731
    compare(lambda a, p, n: nn.TripletMarginWithDistanceLoss(distance_function=cosine, reduction="none")(a, p, n),
            shapes=[(4, 5)] * 3, device=device,
            torch_fn=lambda a, p, n: torch.nn.TripletMarginWithDistanceLoss(distance_function=tcosine,
                                                                           reduction="none")(a, p, n))

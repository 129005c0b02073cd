"""nn.LinearCrossEntropyLoss and F.linear_cross_entropy (PyTorch 2.13) against PyTorch, by 300 random cases:
K-dimensional losses (out_features), bias, class weights, ignore_index, label smoothing, probability targets,
unbatched input, every reduction, with and without LinearCrossEntropyOptions: the loss, the gradients of the
input and of the layer's weight, the repr, the state_dict keys and the warnings equal PyTorch's (float64), or
both raise the same error; the options are validated as PyTorch's."""
import random
import warnings

import numpy as np
import pytest
import torch

import minigrad as M


def _case(seed):
    pick, rng = random.Random(seed), np.random.default_rng(seed)
    batch, in_features, classes = pick.randint(1, 4), pick.randint(1, 4), pick.randint(2, 4)
    out_features = pick.choice([(), (), (2,), (2, 3)])
    options = dict(out_features=out_features, bias=pick.random() < 0.5, reduction=pick.choice(["mean", "sum", "none"]),
                   label_smoothing=pick.choice([0.0, 0.0, 0.2]), ignore_index=pick.choice([None, None, 1, -100]))
    weighted, probabilities, unbatched, chunked = (pick.random() < p for p in (0.3, 0.2, 0.15, 0.3))
    lead = () if unbatched else (batch,)
    x = rng.standard_normal(lead + (in_features,))
    if probabilities:
        target = rng.random(lead + (classes,) + out_features)
        target = target / target.sum(len(lead), keepdims=True)
    else:
        target = rng.integers(0, classes, lead + out_features)
    return in_features, classes, options, rng.random(classes) if weighted else None, chunked, x, target


def _run(lib, seed):
    in_features, classes, options, weight, chunked, x, target = _case(seed)
    lib.manual_seed(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = lib.nn.LinearCrossEntropyLoss(in_features, classes, dtype=lib.float64, **options,
                                             weight=None if weight is None else lib.tensor(weight),
                                             options=lib.nn.LinearCrossEntropyOptions() if chunked else None)
        x = lib.tensor(x, requires_grad=True)
        value = loss(x, lib.tensor(target))
        value.sum().backward()
    return (value.detach().numpy(), x.grad.numpy(), loss.linear.weight.grad.numpy(),
            repr(loss).replace("minigrad", "torch"), sorted(loss.state_dict()), [str(w.message) for w in caught])


@pytest.mark.parametrize("block", range(3))
def test_linear_cross_entropy_as_pytorchs(block):
    for seed in range(block * 100, block * 100 + 100):
        outcomes = []
        for lib in (torch, M):
            try:
                outcomes.append(_run(lib, seed))
            except RuntimeError as error:
                outcomes.append(str(error))
        expected, got = outcomes
        if isinstance(expected, str) or isinstance(got, str):
            assert got == expected, seed
            continue
        for have, want in zip(got, expected):
            if isinstance(want, np.ndarray):
                assert have.shape == want.shape, seed
                np.testing.assert_allclose(have, want, rtol=1e-10, atol=1e-12, err_msg=str(seed))
            else:
                assert have == want, seed


@pytest.mark.parametrize("arguments, words", [({"acc_policy": "fast"}, "invalid acc_policy: 'fast'"),
                                              ({"chunking_method": "rows"}, "invalid chunking_method: 'rows'"),
                                              ({"batch_chunk_size": 0}, "batch_chunk_size must be positive int")])
def test_options_validated_as_pytorchs(arguments, words):
    for lib in (torch, M):
        with pytest.raises(ValueError, match=words):
            lib.nn.LinearCrossEntropyOptions(**arguments)
    assert repr(M.nn.LinearCrossEntropyOptions()) == repr(torch.nn.LinearCrossEntropyOptions())

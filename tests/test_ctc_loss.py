"""CTC loss against PyTorch: padded and concatenated targets, repeated labels, shorter inputs, every reduction,
zero_infinity for impossible alignments, unbatched input; values and the gradient through log_softmax (the
gradient PyTorch's backward gives, once it passes through the log_softmax); central differences in float64."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad as M
import minigrad.nn as nn
import minigrad.nn.functional as F

rng = np.random.default_rng(0)
T, N, C = 12, 3, 5
LOGITS = rng.standard_normal((T, N, C))
TARGETS = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 1]])
TARGET_LENGTHS = [3, 2, 4]
INPUT_LENGTHS = [12, 9, 10]


def _both(logits, targets, input_lengths, target_lengths, dtype, **options):
    results = []
    for lib, functional in ((M, F), (torch, TF)):
        x = lib.tensor(logits.astype(dtype), requires_grad=True)
        lengths = (lambda v: lib.tensor(np.asarray(v))) if lib is torch else (lambda v: v)
        loss = functional.ctc_loss(functional.log_softmax(x, -1), lib.tensor(targets), lengths(input_lengths),
                                   lengths(target_lengths), **options)
        weights = np.linspace(0.5, 1.5, loss.numel()).reshape(tuple(loss.shape)).astype(dtype)
        (loss * lib.tensor(weights)).sum().backward()
        results.append((loss.detach().numpy(), x.grad.numpy()))
    return results


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype,tolerance", [("float64", 1e-10), ("float32", 1e-5)])
def test_ctc_loss_equals_torch(reduction, dtype, tolerance):
    (ours, our_grad), (theirs, their_grad) = _both(LOGITS, TARGETS, INPUT_LENGTHS, TARGET_LENGTHS, dtype,
                                                   reduction=reduction)
    np.testing.assert_allclose(ours, theirs, rtol=tolerance)
    np.testing.assert_allclose(our_grad, their_grad, rtol=tolerance, atol=tolerance)


def test_concatenated_targets_blank_and_impossible_alignments():
    concatenated = np.concatenate([TARGETS[n, :TARGET_LENGTHS[n]] for n in range(N)])
    (ours, our_grad), (theirs, their_grad) = _both(LOGITS, concatenated, INPUT_LENGTHS, TARGET_LENGTHS, "float64",
                                                   reduction="none")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    np.testing.assert_allclose(our_grad, their_grad, atol=1e-10)
    # blank 4 and a target that cannot fit its input (4 labels with a repeat in 4 frames): inf, or 0 with zero_infinity
    targets = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [0, 1, 1, 2]])
    for zero_infinity in (False, True):
        (ours, our_grad), (theirs, their_grad) = _both(LOGITS, targets, [12, 9, 4], [3, 2, 4], "float64",
                                                       reduction="none", blank=4, zero_infinity=zero_infinity)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
        if zero_infinity:
            np.testing.assert_allclose(our_grad, their_grad, atol=1e-10)


def test_unbatched_module_and_central_differences():
    loss_ours = nn.CTCLoss(reduction="sum")(F.log_softmax(M.tensor(LOGITS[:, 0]), -1), M.tensor(TARGETS[0, :3]),
                                            [12], [3])
    loss_theirs = torch.nn.CTCLoss(reduction="sum")(TF.log_softmax(torch.tensor(LOGITS[:, 0]), -1),
                                                    torch.tensor(TARGETS[0, :3]), torch.tensor([12]),
                                                    torch.tensor([3]))
    np.testing.assert_allclose(loss_ours.item(), loss_theirs.item(), rtol=1e-10)
    x = M.tensor(LOGITS[:6, :2], requires_grad=True)
    assert M.gradcheck(lambda t: F.ctc_loss(F.log_softmax(t, -1), M.tensor(TARGETS[:2, :2]), [6, 5], [2, 2],
                                            reduction="sum"), (x,))

"""minigrad.vision.ops against torchvision.ops' formulas written in PyTorch (torchvision's wheels need a CUDA build
of torch, so they cannot be the oracle here): the IoU family pairwise and as losses with their gradients, box
conversions and clipping, NMS against a brute-force reference, focal loss, stochastic depth, SqueezeExcitation,
FrozenBatchNorm2d."""
import math

import numpy as np
import pytest
import torch

import minigrad
from minigrad.vision import ops

RNG = np.random.default_rng(3)


def _boxes(n):
    corner = RNG.uniform(0, 10, (n, 2))
    return np.concatenate([corner, corner + RNG.uniform(0.5, 6, (n, 2))], 1)


A, B = _boxes(5), _boxes(4)


def _torch_pairwise(a, b, kind, eps=1e-7):
    """torchvision's pairwise formulas, in PyTorch."""
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    lt, rb = torch.max(a[:, None, :2], b[:, :2]), torch.min(a[:, None, 2:], b[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area(a)[:, None] + area(b) - inter
    iou = inter / union
    if kind == "iou":
        return iou
    lti, rbi = torch.min(a[:, None, :2], b[:, :2]), torch.max(a[:, None, 2:], b[:, 2:])
    whi = (rbi - lti).clamp(min=0)
    if kind == "giou":
        areai = whi[..., 0] * whi[..., 1]
        return iou - (areai - union) / areai
    diagonal = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps
    ca, cb = (a[:, :2] + a[:, 2:]) / 2, (b[:, :2] + b[:, 2:]) / 2
    diou = iou - ((ca[:, None] - cb) ** 2).sum(-1) / diagonal
    if kind == "diou":
        return diou
    wa, ha = a[:, None, 2] - a[:, None, 0], a[:, None, 3] - a[:, None, 1]
    wb, hb = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    v = (4 / math.pi ** 2) * (torch.atan(wb / hb) - torch.atan(wa / ha)) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


@pytest.mark.parametrize("kind,ours", [("iou", ops.box_iou), ("giou", ops.generalized_box_iou),
                                       ("diou", ops.distance_box_iou), ("ciou", ops.complete_box_iou)])
def test_pairwise_ious_and_gradients(kind, ours):
    a, b = minigrad.tensor(A, requires_grad=True), minigrad.tensor(B)
    ta, tb = torch.tensor(A, requires_grad=True), torch.tensor(B)
    got, expected = ours(a, b), _torch_pairwise(ta, tb, kind)
    got.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)


def _torch_matched_loss(a, b, kind, eps=1e-7):
    """torchvision's *_box_iou_loss formulas (eps in the denominators), in PyTorch."""
    x1, y1, x2, y2 = a.unbind(-1)
    gx1, gy1, gx2, gy2 = b.unbind(-1)
    inter = (torch.min(x2, gx2) - torch.max(x1, gx1)).clamp(min=0) * \
        (torch.min(y2, gy2) - torch.max(y1, gy1)).clamp(min=0)
    union = (x2 - x1) * (y2 - y1) + (gx2 - gx1) * (gy2 - gy1) - inter
    iou = inter / (union + eps)
    cx1, cy1, cx2, cy2 = torch.min(x1, gx1), torch.min(y1, gy1), torch.max(x2, gx2), torch.max(y2, gy2)
    if kind == "giou":
        area = (cx2 - cx1) * (cy2 - cy1)
        return 1 - (iou - (area - union) / (area + eps))
    diagonal = (cx2 - cx1) ** 2 + (cy2 - cy1) ** 2 + eps
    centres = ((x2 + x1) / 2 - (gx1 + gx2) / 2) ** 2 + ((y2 + y1) / 2 - (gy1 + gy2) / 2) ** 2
    loss = 1 - iou + centres / diagonal
    if kind == "diou":
        return loss
    v = (4 / math.pi ** 2) * (torch.atan((gx2 - gx1) / (gy2 - gy1)) - torch.atan((x2 - x1) / (y2 - y1))) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return loss + alpha * v


@pytest.mark.parametrize("kind,loss", [("giou", ops.generalized_box_iou_loss), ("diou", ops.distance_box_iou_loss),
                                       ("ciou", ops.complete_box_iou_loss)])
def test_matched_losses_and_gradients(kind, loss):
    a, b = A[:4], B
    boxes, reference = minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    got = loss(boxes, minigrad.tensor(b), reduction="sum")
    expected = _torch_matched_loss(reference, torch.tensor(b), kind).sum()
    got.backward()
    expected.backward()
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(boxes.grad.numpy(), reference.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert loss(minigrad.zeros(0, 4), minigrad.zeros(0, 4), reduction="mean").item() == 0.0


def test_conversions_clipping_and_small_boxes():
    boxes = minigrad.tensor(A)
    for fmt in ("xywh", "cxcywh"):
        there = ops.box_convert(boxes, "xyxy", fmt)
        np.testing.assert_allclose(ops.box_convert(there, fmt, "xyxy").numpy(), A, rtol=1e-12)
    np.testing.assert_allclose(ops.box_convert(boxes, "xyxy", "cxcywh").numpy()[:, :2], (A[:, :2] + A[:, 2:]) / 2)
    np.testing.assert_allclose(ops.box_area(boxes).numpy(), (A[:, 2] - A[:, 0]) * (A[:, 3] - A[:, 1]))
    clipped = ops.clip_boxes_to_image(boxes, (8, 6)).numpy()
    np.testing.assert_array_equal(clipped, np.stack([A[:, 0].clip(0, 6), A[:, 1].clip(0, 8), A[:, 2].clip(0, 6),
                                                     A[:, 3].clip(0, 8)], 1))
    sizes = np.minimum(A[:, 2] - A[:, 0], A[:, 3] - A[:, 1])
    assert ops.remove_small_boxes(boxes, 2.0).tolist() == np.nonzero(sizes >= 2.0)[0].tolist()
    with pytest.raises(ValueError):
        ops.box_convert(boxes, "xyxy", "yxyx")


def _reference_nms(boxes, scores, threshold):
    order, keep = sorted(range(len(scores)), key=lambda i: -scores[i]), []
    iou = _torch_pairwise(torch.tensor(boxes), torch.tensor(boxes), "iou").numpy()
    for i in order:
        if all(iou[i, j] <= threshold for j in keep):
            keep.append(i)
    return keep


def test_nms_and_batched_nms_against_a_reference():
    boxes = _boxes(40)
    scores = RNG.permutation(40).astype(float)
    for threshold in (0.1, 0.3, 0.7):
        assert ops.nms(minigrad.tensor(boxes), minigrad.tensor(scores), threshold).tolist() == \
            _reference_nms(boxes, scores, threshold)
    classes = RNG.integers(0, 3, 40)
    kept = ops.batched_nms(minigrad.tensor(boxes), minigrad.tensor(scores), minigrad.tensor(classes), 0.3).tolist()
    expected = []
    for c in range(3):
        members = np.nonzero(classes == c)[0]
        expected += [members[i] for i in _reference_nms(boxes[members], scores[members], 0.3)]
    assert sorted(kept, key=lambda i: -scores[i]) == kept and sorted(kept) == sorted(expected)
    assert ops.nms(minigrad.zeros(0, 4), minigrad.zeros(0), 0.5).tolist() == []


def test_focal_loss_stochastic_depth_and_layers():
    logits, targets = RNG.standard_normal((3, 4)), (RNG.random((3, 4)) > 0.5).astype(float)
    x, tx = minigrad.tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    got = ops.sigmoid_focal_loss(x, minigrad.tensor(targets), reduction="mean")
    p = tx.sigmoid()
    ce = torch.nn.functional.binary_cross_entropy_with_logits(tx, torch.tensor(targets), reduction="none")
    p_t = p * torch.tensor(targets) + (1 - p) * (1 - torch.tensor(targets))
    expected = ((0.25 * torch.tensor(targets) + 0.75 * (1 - torch.tensor(targets))) * ce * (1 - p_t) ** 2).mean()
    got.backward()
    expected.backward()
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    images = minigrad.ones(200, 3, 2, 2)
    dropped = ops.stochastic_depth(images, 0.3, "row")
    survivors = dropped.reshape(200, -1)[:, 0].numpy()
    kept = survivors[survivors > 0]
    np.testing.assert_allclose(kept, np.float32(1 / np.float32(0.7)), rtol=1e-6)  # (float32 images)
    assert 0.5 < (survivors > 0).mean() < 0.9
    assert ops.stochastic_depth(images, 0.3, "row", training=False) is images
    with pytest.raises(ValueError):
        ops.stochastic_depth(images, 1.5, "row")
    layer = ops.StochasticDepth(0.2, "batch").eval()
    assert layer(images) is images and repr(layer) == "StochasticDepth(p=0.2, mode=batch)"
    se = ops.SqueezeExcitation(3, 2)
    assert tuple(se(minigrad.randn(2, 3, 4, 4)).shape) == (2, 3, 4, 4)
    frozen = ops.FrozenBatchNorm2d(3)
    frozen.running_mean.copy_(minigrad.tensor([1.0, 2.0, 3.0]))
    frozen.running_var.copy_(minigrad.tensor([4.0, 1.0, 0.25]))
    data = RNG.standard_normal((2, 3, 2, 2)).astype(np.float32)
    expected = torch.nn.functional.batch_norm(torch.tensor(data), torch.tensor([1.0, 2.0, 3.0]),
                                              torch.tensor([4.0, 1.0, 0.25]), training=False)
    np.testing.assert_allclose(frozen(minigrad.tensor(data)).numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    assert list(dict(frozen.named_parameters())) == [] and repr(frozen) == "FrozenBatchNorm2d(3, eps=1e-05)"

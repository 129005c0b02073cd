"""``torchvision.ops``' box operations and small layers, as detection and classification scripts use them: boxes
are (x1, y1, x2, y2) rows unless ``box_convert`` says otherwise. ``box_area``, ``box_iou``,
``generalized_box_iou``, ``distance_box_iou``, ``complete_box_iou`` (and their ``*_loss`` forms), ``box_convert``,
``clip_boxes_to_image``, ``remove_small_boxes``, ``nms`` and ``batched_nms`` (greedy: the highest score first,
boxes overlapping a kept one by more than ``iou_threshold`` dropped), ``sigmoid_focal_loss``,
``stochastic_depth`` / ``StochasticDepth``, ``SqueezeExcitation``, ``FrozenBatchNorm2d``. All are written with
minigrad's differentiable ops, so the losses' gradients are autograd's."""
import math

import numpy as np

from .. import creation
from ..nn import functional as F
from ..nn.module import Module

__all__ = ["box_area", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou", "box_convert",
           "clip_boxes_to_image", "remove_small_boxes", "nms", "batched_nms", "sigmoid_focal_loss",
           "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss", "stochastic_depth",
           "StochasticDepth", "SqueezeExcitation", "FrozenBatchNorm2d"]


def box_area(boxes):
    """(x2 - x1) (y2 - y1) of each box."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _inter_union(a, b):
    top_left = a[:, None, :2].maximum(b[None, :, :2])
    bottom_right = a[:, None, 2:].minimum(b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    return inter, box_area(a)[:, None] + box_area(b)[None, :] - inter


def box_iou(boxes1, boxes2):
    """The (N, M) intersections over unions."""
    inter, union = _inter_union(boxes1, boxes2)
    return inter / union


def _enclosing(a, b):
    top_left = a[:, None, :2].minimum(b[None, :, :2])
    bottom_right = a[:, None, 2:].maximum(b[None, :, 2:])
    return (bottom_right - top_left).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """IoU - (enclosing area - union) / enclosing area, (N, M)."""
    inter, union = _inter_union(boxes1, boxes2)
    enclosing = _enclosing(boxes1, boxes2)
    area = enclosing[..., 0] * enclosing[..., 1]
    return inter / union - (area - union) / area


def _centre_distance(a, b, eps):
    """(IoU, squared centre distance over the enclosing box's squared diagonal), pairwise."""
    iou = box_iou(a, b)
    enclosing = _enclosing(a, b)
    diagonal = (enclosing ** 2).sum(-1) + eps
    centres_a, centres_b = (a[:, :2] + a[:, 2:]) / 2, (b[:, :2] + b[:, 2:]) / 2
    distance = ((centres_a[:, None] - centres_b[None]) ** 2).sum(-1)
    return iou, distance / diagonal


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """IoU - squared centre distance / squared enclosing diagonal, (N, M)."""
    iou, penalty = _centre_distance(boxes1, boxes2, eps)
    return iou - penalty


def _aspect_term(a, b):
    wa, ha = a[:, None, 2] - a[:, None, 0], a[:, None, 3] - a[:, None, 1]
    wb, hb = b[None, :, 2] - b[None, :, 0], b[None, :, 3] - b[None, :, 1]
    return (4 / math.pi ** 2) * ((wb / hb).atan() - (wa / ha).atan()) ** 2


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """DIoU minus alpha v, v the aspect-ratio term, alpha = v / (1 - IoU + v), (N, M)."""
    iou, penalty = _centre_distance(boxes1, boxes2, eps)
    v = _aspect_term(boxes1, boxes2)
    from ..autograd import no_grad
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return iou - penalty - alpha * v


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', "
                     "'mean', 'sum'")


def _matched_iou(boxes1, boxes2, eps):
    """(IoU with eps in its denominator, the enclosing box's corners) of matching rows, as torchvision's losses."""
    x1, y1, x2, y2 = boxes1.unbind(-1)
    gx1, gy1, gx2, gy2 = boxes2.unbind(-1)
    inter = (x2.minimum(gx2) - x1.maximum(gx1)).clamp(min=0) * (y2.minimum(gy2) - y1.maximum(gy1)).clamp(min=0)
    union = (x2 - x1) * (y2 - y1) + (gx2 - gx1) * (gy2 - gy1) - inter
    return inter / (union + eps), union, (x1.minimum(gx1), y1.minimum(gy1), x2.maximum(gx2), y2.maximum(gy2))


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """1 - GIoU of matching boxes (row i with row i), as ``torchvision.ops.generalized_box_iou_loss``."""
    iou, union, (cx1, cy1, cx2, cy2) = _matched_iou(boxes1, boxes2, eps)
    area = (cx2 - cx1) * (cy2 - cy1)
    return _reduce(1 - (iou - (area - union) / (area + eps)), reduction)


def _distance_loss(boxes1, boxes2, eps):
    iou, _, (cx1, cy1, cx2, cy2) = _matched_iou(boxes1, boxes2, eps)
    diagonal = (cx2 - cx1) ** 2 + (cy2 - cy1) ** 2 + eps
    x1, y1, x2, y2 = boxes1.unbind(-1)
    gx1, gy1, gx2, gy2 = boxes2.unbind(-1)
    centres = ((x2 + x1) / 2 - (gx1 + gx2) / 2) ** 2 + ((y2 + y1) / 2 - (gy1 + gy2) / 2) ** 2
    return 1 - iou + centres / diagonal, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """1 - DIoU of matching boxes, as ``torchvision.ops.distance_box_iou_loss``."""
    return _reduce(_distance_loss(boxes1, boxes2, eps)[0], reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """1 - CIoU of matching boxes, as ``torchvision.ops.complete_box_iou_loss``."""
    from ..autograd import no_grad
    loss, iou = _distance_loss(boxes1, boxes2, eps)
    x1, y1, x2, y2 = boxes1.unbind(-1)
    gx1, gy1, gx2, gy2 = boxes2.unbind(-1)
    v = (4 / math.pi ** 2) * (((gx2 - gx1) / (gy2 - gy1)).atan() - ((x2 - x1) / (y2 - y1)).atan()) ** 2
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(loss + alpha * v, reduction)


def box_convert(boxes, in_fmt, out_fmt):
    """Between 'xyxy', 'xywh' (corner, size) and 'cxcywh' (centre, size)."""
    formats = ("xyxy", "xywh", "cxcywh")
    if in_fmt not in formats or out_fmt not in formats:
        raise ValueError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt")
    from ..ops.shape import stack
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "xywh":
        a, b, c, d = a, b, a + c, b + d
    elif in_fmt == "cxcywh":
        a, b, c, d = a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d
    if out_fmt == "xywh":
        a, b, c, d = a, b, c - a, d - b
    elif out_fmt == "cxcywh":
        a, b, c, d = (a + c) / 2, (b + d) / 2, c - a, d - b
    return stack([a, b, c, d], -1)


def clip_boxes_to_image(boxes, size):
    """Boxes clipped to an image of ``size`` (height, width)."""
    from ..ops.shape import stack
    height, width = size
    x = boxes[..., 0::2].clamp(min=0, max=width)
    y = boxes[..., 1::2].clamp(min=0, max=height)
    return stack([x, y], -1).reshape(*boxes.shape)


def remove_small_boxes(boxes, min_size):
    """The indices of the boxes whose sides are both at least ``min_size``."""
    widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    keep = ((widths >= min_size) & (heights >= min_size)).detach().cpu().numpy()
    return creation.tensor(np.nonzero(keep)[0], device=boxes.device)


def nms(boxes, scores, iou_threshold):
    """The indices of the boxes kept by greedy non-maximum suppression, by decreasing score."""
    if boxes.shape[0] == 0:
        return creation.tensor(np.zeros(0, np.int64), device=boxes.device)
    order = np.argsort(-scores.detach().cpu().numpy(), kind="stable")
    iou = box_iou(boxes, boxes).detach().cpu().numpy()
    suppressed = np.zeros(len(order), bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > iou_threshold
    return creation.tensor(np.asarray(keep, np.int64), device=boxes.device)


def batched_nms(boxes, scores, idxs, iou_threshold):
    """``nms`` within each category of ``idxs`` (boxes of different categories never suppress each other)."""
    if boxes.shape[0] == 0:
        return creation.tensor(np.zeros(0, np.int64), device=boxes.device)
    offsets = idxs.to(boxes.dtype) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Lin et al.'s focal loss on logits: BCE-with-logits times (1 - p_t)^gamma, alpha-balanced."""
    p = inputs.sigmoid()
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction)


def stochastic_depth(input, p, mode, training=True):  # noqa: A002
    """Residual branches dropped with probability ``p`` ('row': per sample, 'batch': all at once), the kept
    ones scaled by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ("batch", "row"):
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    shape = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = creation.bernoulli(creation.full(tuple(shape), survival, dtype=input.dtype, device=input.device))
    if survival > 0.0:
        noise = noise / survival
    return input * noise


class StochasticDepth(Module):
    """``torchvision.ops.StochasticDepth(p, mode)``."""

    def __init__(self, p, mode):
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, input):  # noqa: A002
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p}, mode={self.mode})"


class SqueezeExcitation(Module):
    """``torchvision.ops.SqueezeExcitation(input_channels, squeeze_channels)``: channels scaled by a gate made
    from their global average (1x1 convolutions fc1, fc2, ReLU, then sigmoid)."""

    def __init__(self, input_channels, squeeze_channels, activation=None, scale_activation=None):
        from ..nn import AdaptiveAvgPool2d, Conv2d, ReLU, Sigmoid
        super().__init__()
        self.avgpool = AdaptiveAvgPool2d(1)
        self.fc1 = Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = Conv2d(squeeze_channels, input_channels, 1)
        self.activation = (activation or ReLU)()
        self.scale_activation = (scale_activation or Sigmoid)()

    def forward(self, input):  # noqa: A002
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))
        return scale * input


class FrozenBatchNorm2d(Module):
    """``torchvision.ops.FrozenBatchNorm2d(num_features, eps=1e-5)``: batch normalization with fixed statistics
    and affine parameters, all buffers (nothing trains)."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", creation.ones(num_features))
        self.register_buffer("bias", creation.zeros(num_features))
        self.register_buffer("running_mean", creation.zeros(num_features))
        self.register_buffer("running_var", creation.ones(num_features))

    def forward(self, x):
        scale = self.weight.reshape(1, -1, 1, 1) * (self.running_var.reshape(1, -1, 1, 1) + self.eps).rsqrt()
        return x * scale + (self.bias.reshape(1, -1, 1, 1) - self.running_mean.reshape(1, -1, 1, 1) * scale)

    def __repr__(self):
        return f"{type(self).__name__}({self.weight.shape[0]}, eps={self.eps})"


"""Segmentation metrics from a confusion matrix: pixel accuracy, per-class IoU, mIoU and Dice.

Evaluation only (no gradients), so plain numpy on host copies of the predictions. A class that
appears neither in the truth nor in the predictions has no IoU or Dice (NaN) and is left out of
the means, as in torchmetrics' and mmsegmentation's mIoU.
"""
import numpy as np

__all__ = ["confusion_matrix", "scores_from_confusion", "SegmentationMetrics"]


def _host(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def confusion_matrix(pred, target, num_classes, ignore_index=None):
    """K×K int64 counts: entry [t, p] is the number of pixels of true class t predicted as p.
    ``pred`` and ``target`` hold class ids of the same shape (Tensors or arrays)."""
    pred, target = _host(pred).astype(np.int64).ravel(), _host(target).astype(np.int64).ravel()
    if pred.shape != target.shape:
        raise ValueError(f"confusion_matrix: prediction of {pred.size} pixels, target of {target.size}")
    keep = np.ones(target.shape, dtype=bool) if ignore_index is None else target != ignore_index
    pred, target = pred[keep], target[keep]
    for name, ids in (("target", target), ("prediction", pred)):
        if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
            raise ValueError(f"confusion_matrix: {name} holds class id {int(ids.min() if ids.min() < 0 else ids.max())}"
                             f" outside [0, {num_classes})")
    return np.bincount(target * num_classes + pred, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def scores_from_confusion(confusion):
    """A dict of pixel_accuracy, iou (list per class), miou, dice (list per class) and mean_dice."""
    confusion = np.asarray(confusion, dtype=np.float64)
    tp = np.diag(confusion)
    truth, predicted = confusion.sum(axis=1), confusion.sum(axis=0)
    union = truth + predicted - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, tp / union, np.nan)
        dice = np.where(truth + predicted > 0, 2 * tp / (truth + predicted), np.nan)
    total = confusion.sum()

    def mean(values):
        return float(np.nanmean(values)) if np.any(~np.isnan(values)) else float("nan")

    return {"pixel_accuracy": float(tp.sum() / total) if total else float("nan"),
            "iou": [float(v) for v in iou], "miou": mean(iou),
            "dice": [float(v) for v in dice], "mean_dice": mean(dice)}


class SegmentationMetrics:
    """Accumulate a confusion matrix over batches, then ``compute()`` the scores.

        metrics = SegmentationMetrics(num_classes=6)
        metrics.update(logits.argmax(1), masks)   # or metrics.update(logits, masks)
        metrics.compute()["miou"]
    """

    def __init__(self, num_classes, ignore_index=None):
        self.num_classes = int(num_classes)
        self.ignore_index = ignore_index
        self.reset()

    def reset(self):
        self.confusion = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)

    def update(self, pred, target):
        """Add a batch: ``pred`` as class ids (N×H×W) or as scores (N×C×H×W, argmax over C)."""
        pred, target = _host(pred), _host(target)
        if pred.ndim == target.ndim + 1:
            pred = pred.argmax(axis=1)
        self.confusion += confusion_matrix(pred, target, self.num_classes, self.ignore_index)

    def compute(self):
        return scores_from_confusion(self.confusion)

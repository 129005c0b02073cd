"""Segmentation metrics: confusion matrix, pixel accuracy, IoU, mIoU and Dice on hand-checked examples."""
import numpy as np
import pytest

import minigrad
from minigrad.utils.metrics import SegmentationMetrics, confusion_matrix, scores_from_confusion
from minigrad.utils.plotting import colorize, default_palette, overlay


def test_confusion_matrix_rows_are_truth():
    target = np.array([[0, 0, 1], [1, 2, 2]])
    pred = np.array([[0, 1, 1], [1, 2, 0]])
    expected = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    np.testing.assert_array_equal(confusion_matrix(pred, target, 3), expected)
    np.testing.assert_array_equal(confusion_matrix(minigrad.tensor(pred), minigrad.tensor(target), 3), expected)
    np.testing.assert_array_equal(confusion_matrix(pred, np.where(target == 2, 255, target), 3, ignore_index=255),
                                  [[1, 1, 0], [0, 2, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match=r"target holds class id 3 outside \[0, 3\)"):
        confusion_matrix(pred, target + 1, 3)


def test_scores():
    scores = scores_from_confusion([[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert scores["pixel_accuracy"] == pytest.approx(4 / 6)
    # IoU = tp / (truth + predicted - tp): class 0: 1/(2+2-1), class 1: 2/(2+3-2), class 2: 1/(2+1-1)
    assert scores["iou"] == pytest.approx([1 / 3, 2 / 3, 1 / 2])
    assert scores["miou"] == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)
    # Dice = 2 tp / (truth + predicted)
    assert scores["dice"] == pytest.approx([2 / 4, 4 / 5, 2 / 3])
    assert scores["mean_dice"] == pytest.approx((1 / 2 + 4 / 5 + 2 / 3) / 3)


def test_absent_class_is_left_out_of_the_means():
    metrics = SegmentationMetrics(3)
    logits = np.zeros((1, 3, 1, 2), dtype=np.float32)
    logits[0, 0, 0, 0] = logits[0, 1, 0, 1] = 1.0  # argmax over classes: [[0, 1]]
    metrics.update(minigrad.tensor(logits), minigrad.tensor(np.array([[[0, 0]]])))
    scores = metrics.compute()
    assert np.isnan(scores["iou"][2]) and np.isnan(scores["dice"][2])
    assert scores["iou"][:2] == [0.5, 0.0] and scores["miou"] == 0.25
    metrics.update(np.array([[2]]), np.array([[2]]))
    assert metrics.compute()["iou"][2] == 1.0
    metrics.reset()
    assert metrics.confusion.sum() == 0


def test_palette_colours():
    palette = default_palette(20)
    assert palette.shape == (20, 3) and palette.dtype == np.uint8 and tuple(palette[0]) == (0, 0, 0)
    assert len({tuple(c) for c in palette}) == 20
    rgb = colorize(np.array([[0, 2]]), palette)
    assert rgb.shape == (1, 2, 3) and tuple(rgb[0, 1]) == tuple(palette[2])
    image = np.full((1, 2, 3), 100, dtype=np.uint8)
    blended = overlay(image, rgb, alpha=0.5, mask=np.array([[0, 2]]))
    assert tuple(blended[0, 0]) == (100, 100, 100)
    assert tuple(blended[0, 1]) == tuple(((100 + palette[2].astype(int)) // 2).tolist())

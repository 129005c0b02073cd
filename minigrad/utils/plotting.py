"""Pictures of a segmentation run: training curves and grids of predictions (matplotlib, Agg backend,
so it works without a display)."""
import numpy as np

__all__ = ["default_palette", "colorize", "overlay", "plot_training_curves", "save_prediction_grid"]

_BASE_COLOURS = [(0, 0, 0), (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                 (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128),
                 (220, 190, 255), (170, 110, 40), (255, 250, 200), (128, 0, 0), (170, 255, 195), (128, 128, 0)]


def default_palette(num_classes):
    """``num_classes`` distinct RGB colours (uint8, num_classes×3), black for class 0 (background)."""
    colours = list(_BASE_COLOURS)
    rng = np.random.default_rng(0)
    while len(colours) < num_classes:
        colours.append(tuple(int(c) for c in rng.integers(0, 256, size=3)))
    return np.array(colours[:num_classes], dtype=np.uint8)


def colorize(mask, palette):
    """A class-id mask (H×W) as an RGB uint8 image (H×W×3)."""
    mask = np.asarray(mask, dtype=np.int64)
    palette = np.asarray(palette, dtype=np.uint8)
    return palette[np.clip(mask, 0, len(palette) - 1)]


def overlay(image, mask_rgb, alpha=0.5, mask=None):
    """Blend a coloured mask over an RGB uint8 image (background pixels, where ``mask`` is 0, untouched)."""
    blended = (1 - alpha) * image.astype(np.float32) + alpha * mask_rgb.astype(np.float32)
    if mask is not None:
        blended = np.where((np.asarray(mask) > 0)[..., None], blended, image.astype(np.float32))
    return np.clip(blended, 0, 255).astype(np.uint8)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_training_curves(history, path):
    """Save a PNG of loss (train and validation) and validation scores (mIoU, pixel accuracy, Dice)
    per epoch; ``history`` is a list of dicts with ``epoch`` and those entries."""
    plt = _pyplot()
    epochs = [h["epoch"] for h in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("train_loss", "train"), ("val_loss", "validation")):
        if any(key in h for h in history):
            left.plot(epochs, [h.get(key, np.nan) for h in history], marker="o", label=label)
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    left.legend()
    for key, label in (("miou", "mIoU"), ("pixel_accuracy", "pixel accuracy"), ("mean_dice", "mean Dice")):
        if any(key in h for h in history):
            right.plot(epochs, [h.get(key, np.nan) for h in history], marker="o", label=label)
    right.set(xlabel="epoch", ylabel="score", title="Validation", ylim=(0, 1))
    right.legend()
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save_prediction_grid(images, truths, predictions, path, palette, class_names=None):
    """Save a PNG with one row per sample: input | truth | prediction, masks in the palette's colours.
    ``images`` are uint8 N×H×W×3 (or N×H×W), ``truths`` and ``predictions`` class ids N×H×W."""
    plt = _pyplot()
    n = len(images)
    fig, axes = plt.subplots(n, 3, figsize=(7.5, 2.5 * n + 0.4), squeeze=False)
    for row in range(n):
        panels = (images[row], colorize(truths[row], palette), colorize(predictions[row], palette))
        for col, (panel, title) in enumerate(zip(panels, ("input", "truth", "prediction"))):
            ax = axes[row][col]
            ax.imshow(panel, cmap="gray" if panel.ndim == 2 else None, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title)
    if class_names:
        from matplotlib.patches import Patch
        handles = [Patch(color=np.asarray(palette[i]) / 255.0, label=name) for i, name in enumerate(class_names)]
        fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 5), fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0.4 / (2.5 * n + 0.4) + 0.03, 1, 1))
    else:
        fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

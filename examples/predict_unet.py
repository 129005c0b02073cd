#!/usr/bin/env python
"""Segment image files with a U-Net checkpoint written by train_unet.py.

    python examples/predict_unet.py runs/unet/best.npz photo1.png photo2.jpg --out predictions/

For each image it writes NAME_mask.png (classes in the palette's colours, at the image's own size)
and NAME_overlay.png (that mask blended over the image). With --ids it also writes NAME_ids.png,
a greyscale PNG whose pixel values are the class ids.
"""
import argparse
import os
import sys

import numpy as np

# Run from a checkout without installing: the repository root comes first on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="a .npz checkpoint from train_unet.py (checkpoint.npz or best.npz)")
    p.add_argument("images", nargs="+", help="image files to segment (PNG or JPEG)")
    p.add_argument("--out", default="predictions", help="directory for the output PNGs (default: predictions)")
    p.add_argument("--size", type=int, help="side the images are resized to for the network (default: the "
                   "training --image-size); masks are resized back to each image's size")
    p.add_argument("--alpha", type=float, default=0.5, help="opacity of the mask in the overlays (default: 0.5)")
    p.add_argument("--ids", action="store_true", help="also write the class ids as greyscale PNGs")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to run (default: cpu)")
    return p.parse_args(argv)


def load_model(path, device="cpu"):
    """The U-Net saved in a train_unet.py checkpoint, in eval mode, and the run's config."""
    from minigrad.models import UNet
    from minigrad.utils.checkpoint import CheckpointError, load_checkpoint
    ckpt = load_checkpoint(path)
    config = ckpt["config"]
    try:
        model = UNet(config["in_channels"], config["classes"], config["features"])
        model.load_state_dict(ckpt["model"])
    except (KeyError, RuntimeError, ValueError) as error:
        raise CheckpointError(f"{path}: not a U-Net checkpoint of train_unet.py: {error}") from None
    return model.to(device).eval(), config


def segment(model, config, rgb, size, device="cpu"):
    """Class ids (H×W) for an RGB uint8 image of any size."""
    import minigrad
    from minigrad.data.transforms import Normalize, Resize
    image = rgb.astype(np.float32).transpose(2, 0, 1) / 255.0
    height, width = rgb.shape[:2]
    dummy = np.zeros((height, width), dtype=np.int64)
    image, _ = Resize(size)(image, dummy)
    image, _ = Normalize(config["mean"], config["std"])(image, None)
    with minigrad.no_grad():
        logits = model(minigrad.tensor(image[None]).to(device))
    ids = logits.argmax(dim=1).cpu().numpy()[0]
    # Back to the image's own size, by nearest neighbour so ids stay ids.
    rows = np.minimum(((np.arange(height) + 0.5) * ids.shape[0] / height).astype(np.int64), ids.shape[0] - 1)
    cols = np.minimum(((np.arange(width) + 0.5) * ids.shape[1] / width).astype(np.int64), ids.shape[1] - 1)
    return ids[rows][:, cols]


def main(argv=None):
    args = parse_args(argv)
    from PIL import Image

    from minigrad.utils.checkpoint import CheckpointError
    from minigrad.utils.plotting import colorize, overlay
    try:
        model, config = load_model(args.checkpoint, args.device)
    except CheckpointError as error:
        raise SystemExit(f"error: {error}")
    palette = np.asarray(config["palette"], dtype=np.uint8)
    size = args.size or config["image_size"]
    os.makedirs(args.out, exist_ok=True)
    for path in args.images:
        try:
            with Image.open(path) as img:
                rgb = np.asarray(img.convert("RGB"))
        except OSError as error:
            raise SystemExit(f"error: cannot read image {path}: {error}")
        ids = segment(model, config, rgb, size, args.device)
        stem = os.path.join(args.out, os.path.splitext(os.path.basename(path))[0])
        coloured = colorize(ids, palette)
        Image.fromarray(coloured).save(stem + "_mask.png")
        Image.fromarray(overlay(rgb, coloured, args.alpha, mask=ids)).save(stem + "_overlay.png")
        if args.ids:
            Image.fromarray(ids.astype(np.uint8)).save(stem + "_ids.png")
        counts = np.bincount(ids.ravel(), minlength=len(palette)) / ids.size
        names = config.get("class_names") or [str(i) for i in range(len(palette))]
        found = ", ".join(f"{names[c]} {100 * counts[c]:.1f}%" for c in np.argsort(-counts) if counts[c] > 0)
        print(f"{path}: {found} -> {stem}_mask.png, {stem}_overlay.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""The tutorial's own demo: ``UNet(in_channels=3, out_channels=6)`` on an 8×3×512×512 batch gives 8×6×512×512.

    python examples/unet_demo.py                 # the full demo (a minute or more on 2 CPU cores)
    python examples/unet_demo.py --size 64       # a quick check
    python examples/unet_demo.py --backward      # also time a training step (forward, loss, backward)

The forward pass runs in eval mode without recording gradients unless --backward is given; the
first call compiles the Numba kernels (or loads them from the cache), so it is timed apart.
"""
import argparse
import os
import sys
import time

# Run from a checkout without installing: the repository root comes first on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=512, help="height and width of the input (default: 512)")
    p.add_argument("--batch", type=int, default=8, help="images in the batch (default: 8)")
    p.add_argument("--classes", type=int, default=6, help="output channels (default: 6, the tutorial's class_num)")
    p.add_argument("--features", type=int, nargs="+", default=[64, 128, 256, 512],
                   help="channels per level (default: 64 128 256 512)")
    p.add_argument("--backward", action="store_true", help="time a train-mode forward + cross-entropy + backward")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to run (default: cpu)")
    args = p.parse_args(argv)

    import minigrad
    import minigrad.nn.functional as F
    from minigrad.models import UNet

    minigrad.manual_seed(0)
    model = UNet(in_channels=3, out_channels=args.classes, features=args.features).to(args.device)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"UNet(in_channels=3, out_channels={args.classes}, features={tuple(args.features)}): {n_params:,} parameters")
    start = time.perf_counter()
    with minigrad.no_grad():  # compile (or load from cache) every kernel on a tiny input
        model.eval()(minigrad.randn(1, 3, 2 ** len(args.features), 2 ** len(args.features)).to(args.device))
    print(f"warm-up (Numba compile or cache load): {time.perf_counter() - start:.1f}s")

    x = minigrad.randn(args.batch, 3, args.size, args.size).to(args.device)
    start = time.perf_counter()
    with minigrad.no_grad():
        preds = model(x)
        preds.cpu()  # waits for the device to finish
    elapsed = time.perf_counter() - start
    print(f"input {tuple(x.shape)} -> output {tuple(preds.shape)} in {elapsed:.2f}s "
          f"({args.batch / elapsed:.2f} images/s, eval mode, no_grad)")
    expected = (args.batch, args.classes, args.size, args.size)
    if tuple(preds.shape) != expected:
        print(f"unexpected output shape {tuple(preds.shape)}, expected {expected}", file=sys.stderr)
        return 1
    if args.backward:
        model.train()
        target = minigrad.randint(0, args.classes, (args.batch, args.size, args.size)).to(args.device)
        start = time.perf_counter()
        loss = F.cross_entropy(model(x), target)
        loss.backward()
        loss.item()
        print(f"train-mode forward + cross-entropy + backward: {time.perf_counter() - start:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

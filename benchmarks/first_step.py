"""How long a new user waits: from Python's start to the end of the first U-Net training step, and the second step.

    NUMBA_CACHE_DIR=$(mktemp -d) python benchmarks/first_step.py   # an empty Numba cache: the first run ever
    python benchmarks/first_step.py                                 # run twice: the warm cache

The step is examples/train_unet.py's default: U-Net features 16-128, batch 8 of 3x64x64, 6 classes, Adam.
"""
import os
import sys
import time

START = time.perf_counter()
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import minigrad  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402
from minigrad.models import UNet  # noqa: E402


def main():
    model = UNet(3, 6, (16, 32, 64, 128))
    optimizer = minigrad.optim.Adam(model.parameters(), lr=2e-3)
    x, y = minigrad.randn(8, 3, 64, 64), minigrad.randint(0, 6, (8, 64, 64))
    ready = time.perf_counter()

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    step()
    first = time.perf_counter()
    step()
    second = time.perf_counter()
    print(f"imports and setup {ready - START:.2f} s, first step {first - ready:.2f} s (end {first - START:.2f} s "
          f"after start), second step {second - first:.2f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

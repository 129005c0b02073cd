"""How often minigrad's elementwise math (numpy's ufuncs) and PyTorch's round a value differently, and by how many
units in the last place: a million inputs per function and dtype, the same array to both libraries.

    python benchmarks/elementwise_ulps.py
"""
import numpy as np
import torch

import minigrad

FUNCTIONS = ("log", "exp", "expm1", "tanh", "sigmoid", "sin", "sqrt")
POSITIVE_ONLY = ("log", "sqrt")


def differences(name, values):
    """(share of values that differ, largest difference in ulps) between minigrad's and PyTorch's ``name``."""
    ours = getattr(minigrad, name)(minigrad.from_numpy(values)).numpy()
    theirs = getattr(torch, name)(torch.from_numpy(values)).numpy()
    as_int = np.int32 if values.dtype == np.float32 else np.int64
    ulps = np.abs(ours.view(as_int).astype(np.int64) - theirs.view(as_int).astype(np.int64))
    return float(np.mean(ours != theirs)), int(ulps.max())


def main():
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        positive = np.exp(rng.uniform(-20, 20, 1_000_000)).astype(dtype)
        anywhere = rng.uniform(-10, 10, 1_000_000).astype(dtype)
        row = []
        for name in FUNCTIONS:
            share, worst = differences(name, positive if name in POSITIVE_ONLY else anywhere)
            row.append(f"{name} {100 * share:.1f}% (max {worst} ulp)")
        print(f"{np.dtype(dtype).name}: " + "; ".join(row))


if __name__ == "__main__":
    main()

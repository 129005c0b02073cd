"""Not a timing: how often minigrad's and PyTorch's FFTs differ on the same normal values (64 signals of 256
points; 2-D 64x256; a real 64x256 rfft), by how much, and, in float32, how far each is from the float64 transform
of the same values.

    python benchmarks/fft_accuracy.py
"""
import numpy as np
import torch

import minigrad

CASES = (("fft", lambda lib, x: lib.fft.fft(x), np.fft.fft),
         ("fft2", lambda lib, x: lib.fft.fft2(x), np.fft.fft2),
         ("rfft", lambda lib, x: lib.fft.rfft(x), np.fft.rfft))


def main():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((64, 256))
    print(f"{'case':6} {'dtype':8} {'differ':>7} {'largest gap':>12} {'minigrad error':>15} {'torch error':>12}")
    for name, call, exact_call in CASES:
        for dtype in (np.float32, np.float64):
            x = values.astype(dtype)
            ours = call(minigrad, minigrad.from_numpy(x)).numpy()
            theirs = call(torch, torch.from_numpy(x)).numpy()
            errors = "-" * 15 + " " + "-" * 12
            if dtype == np.float32:
                exact = exact_call(x.astype(np.float64))
                errors = f"{np.abs(ours - exact).max():15.2e} {np.abs(theirs - exact).max():12.2e}"
            print(f"{name:6} {np.dtype(dtype).name:8} {np.mean(ours != theirs):7.1%} "
                  f"{np.abs(ours - theirs).max():12.2e} {errors}")

if __name__ == "__main__":
    main()

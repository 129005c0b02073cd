"""The CPU's SGEMM peak as the benchmarks quote it: numpy's float32 2048^3 matmul, best of 3, in GFLOP/s (a module
without heavy imports: bench_ddp's workers run without torch)."""
import time

import numpy as np


def sgemm_peak_gflops(n=2048, tries=3):
    """numpy's float32 n^3 matmul, best of ``tries``, in GFLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9

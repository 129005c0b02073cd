"""How long the thread pools take to start work after being idle: a tiny Numba parallel loop and a 256^3 SGEMM
(numpy's OpenBLAS), each called after a pause, median and 90th percentile.

    python benchmarks/wake_latency.py                    # pauses of 0.2, 0.5, 1 and 2 ms
    OPENBLAS_THREAD_TIMEOUT=28 python benchmarks/wake_latency.py   # OpenBLAS's threads spinning instead

On this project's 2-vCPU machine the SGEMM's 90th percentile jumped from about 0.2 ms to 4-8 ms once the pause
exceeded 1 ms with OpenBLAS's threads asleep (benchmarks/README.md): one source of the noise in minigrad's step
times. Speed is measured here, not in the tests.
"""
import argparse
import time

import minigrad  # noqa: F401  (its thread settings, as in a training script)
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def _touch(a):
    for i in prange(a.shape[0]):
        a[i] += 1.0


def latencies(pause, calls, work):
    """Seconds taken by ``work()`` after each of ``calls`` pauses of ``pause`` seconds."""
    taken = []
    for _ in range(calls):
        time.sleep(pause)
        start = time.perf_counter()
        work()
        taken.append(time.perf_counter() - start)
    return np.array(taken)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100, help="calls per pause length")
    parser.add_argument("--pauses", type=float, nargs="+", default=[0.0002, 0.0005, 0.001, 0.002],
                        help="idle seconds before each call")
    args = parser.parse_args()
    a = np.zeros(1024)
    b = np.random.default_rng(0).standard_normal((256, 256)).astype(np.float32)
    _touch(a)
    b @ b
    for pause in args.pauses:
        loop = latencies(pause, args.calls, lambda: _touch(a)) * 1e6
        gemm = latencies(pause, args.calls, lambda: b @ b) * 1e6
        print(f"after {pause * 1e3:.1f} ms idle: Numba parallel loop median {np.median(loop):.0f} us, "
              f"p90 {np.percentile(loop, 90):.0f} us | 256^3 SGEMM median {np.median(gemm):.0f} us, "
              f"p90 {np.percentile(gemm, 90):.0f} us")


if __name__ == "__main__":
    main()

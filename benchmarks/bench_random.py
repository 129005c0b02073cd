"""Random draws, minigrad against PyTorch: the same numbers (checked here before timing), how long they take.

    python benchmarks/bench_random.py

Each case is one call in both libraries, alternating, median after warm-up (``common.time_pair``); the
"1st call" column includes Numba's compile or cache load of the draws that use compiled kernels. A model's
initialization is the ``uniform_`` and ``normal_`` rows: ``kaiming_uniform_`` for Linear and convolution weights,
``kaiming_normal_`` for torchvision's ResNets.
"""
import os

import numpy as np

from common import Case, run, set_threads, torch
from sgemm import sgemm_peak_gflops

import minigrad

MILLION = 1_000_000


def _case(name, draw):
    """A row: ``draw(lib)`` in both libraries after the same seed, checked equal once, then timed."""
    def setup():
        for lib in (torch, minigrad):
            lib.manual_seed(0)
        expected, got = draw(torch).numpy(), draw(minigrad).numpy()
        if not np.array_equal(expected, got):
            raise AssertionError(f"{name}: minigrad's draws differ from PyTorch's")
        return (lambda: draw(minigrad)), (lambda: draw(torch))
    return Case(name, 0.0, setup)


CASES = [
    _case("uniform_ float32, 4M (a 2048x2048 Linear)", lambda t: t.empty(2048, 2048).uniform_(-0.02, 0.02)),
    _case("normal_ float32, 4M (kaiming_normal_)", lambda t: t.empty(2048, 2048).normal_(0.0, 0.02)),
    _case("randn float64, 1M", lambda t: t.randn(MILLION, dtype=t.float64)),
    _case("randn float32, 10 (one by one)", lambda t: t.randn(10)),
    _case("randint 1M", lambda t: t.randint(0, 1000, (MILLION,))),
    _case("dropout p=0.5, 1M", lambda t: t.nn.functional.dropout(t.ones(MILLION), 0.5)),
    _case("bernoulli float32 p, 1M", lambda t: t.bernoulli(t.full((MILLION,), 0.3))),
    _case("exponential_ float32, 1M", lambda t: t.empty(MILLION).exponential_()),
    _case("multinomial 1000 of 10000, with replacement", lambda t: t.multinomial(t.ones(10_000), 1000, True)),
    _case("poisson rate 20, 100k", lambda t: t.poisson(t.full((100_000,), 20.0))),
    _case("standard gamma alpha 2, 100k", lambda t: t._standard_gamma(t.full((100_000,), 2.0))),
]


def main():
    set_threads()
    load_before, peak = os.getloadavg()[0], sgemm_peak_gflops()
    print("same numbers as PyTorch in every case (checked before timing)")
    run(CASES, repeats=5, warmup=1)
    print(f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; SGEMM peak (numpy float32 "
          f"2048^3, best of 3) {peak:.1f} GFLOP/s before, {sgemm_peak_gflops():.1f} after")


if __name__ == "__main__":
    main()

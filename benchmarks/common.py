"""Timing helpers shared by the benchmarks: minigrad against PyTorch in one process, alternating, median of runs.

Import this module before minigrad: it imports torch first, so PyTorch's OpenMP runtime starts with its own
defaults, untouched by anything minigrad sets for its runtime.
"""
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import torch  # noqa: F401  (first: see the module docstring)
import numba


@dataclass
class Case:
    """One benchmark row: ``setup()`` returns (minigrad_step, torch_step), two callables doing the same work."""
    name: str
    flops: float
    setup: Callable


@dataclass
class Result:
    name: str
    flops: float
    minigrad_s: float
    torch_s: float
    first_call_s: float

    @property
    def ratio(self):
        return self.minigrad_s / self.torch_s


def set_threads(threads=None):
    """Give minigrad (Numba, and numpy's BLAS through its own pool) and PyTorch the same thread count."""
    threads = threads or numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(threads)
    torch.set_num_threads(threads)
    return threads


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_pair(minigrad_step, torch_step, repeats=7, warmup=2, pause=0.0):
    """Median seconds of each step, calls alternating after ``warmup`` untimed rounds.

    ``pause`` (seconds) sleeps before each timed call; it is 0 by default because on a virtual machine idle
    cores wake up slowly, which taxes whichever library runs first after a sleep. The first minigrad call
    (Numba compile or cache load, workspace allocation) is returned separately.
    """
    first = _timed(minigrad_step)
    torch_step()
    for _ in range(warmup):
        minigrad_step()
        torch_step()
    ours, theirs = [], []
    for _ in range(repeats):
        time.sleep(pause)
        ours.append(_timed(minigrad_step))
        time.sleep(pause)
        theirs.append(_timed(torch_step))
    return statistics.median(ours), statistics.median(theirs), first


def run(cases, repeats=7, warmup=2, pause=0.0, only=None, stream=print):
    """Time every case (those whose name contains ``only``, if given) and print one table row each."""
    stream(f"{'case':<44} {'minigrad ms':>11} {'torch ms':>9} {'ratio':>6} {'mg GFLOP/s':>10} "
           f"{'torch GFLOP/s':>13} {'1st call ms':>11}")
    results = []
    for case in cases:
        if only and only not in case.name:
            continue
        minigrad_step, torch_step = case.setup()
        ours, theirs, first = time_pair(minigrad_step, torch_step, repeats, warmup, pause)
        r = Result(case.name, case.flops, ours, theirs, first)
        results.append(r)
        stream(f"{r.name:<44} {ours * 1e3:>11.2f} {theirs * 1e3:>9.2f} {r.ratio:>6.2f} "
               f"{gflops(r.flops, ours):>10.1f} {gflops(r.flops, theirs):>13.1f} {first * 1e3:>11.1f}")
    return results


def gflops(flops, seconds):
    return flops / seconds / 1e9 if seconds > 0 else float("nan")

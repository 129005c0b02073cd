"""What minigrad changes in numba's CUDA simulator (backends/cuda/_runtime.py), so that kernels right on a GPU are
right there too. Run in the simulator only (on a GPU there is nothing to test)."""
import threading

import numpy as np
import pytest
from numba import config, cuda, float32

pytestmark = pytest.mark.skipif(not config.ENABLE_CUDASIM, reason="about numba's CUDA simulator")

THREADS = 8


def test_a_blocks_threads_share_one_shared_array(monkeypatch):
    """Each thread writes its slot of a shared array, then reads its neighbour's after the barrier. The simulator
    creates the array when the first thread reaches the line; with that creation slowed down, threads arriving
    together used to get one array each (their neighbour's slot then held garbage)."""
    import minigrad.backends.cuda  # noqa: F401  (applies the fix)

    @cuda.jit
    def neighbours(out):
        shared = cuda.shared.array(THREADS, float32)
        t = cuda.threadIdx.x
        shared[t] = t
        cuda.syncthreads()
        out[t] = shared[(t + 1) % THREADS]

    empty, started = np.empty, threading.Barrier(THREADS, timeout=5)

    def slow_empty(*args, **kwargs):
        try:  # the threads wait for each other here only when they all reached the creation (no lock)
            started.wait(timeout=0.2)
        except threading.BrokenBarrierError:
            pass
        return empty(*args, **kwargs)

    monkeypatch.setattr(np, "empty", slow_empty)
    out = np.zeros(THREADS, np.float32)
    neighbours[1, THREADS](out)
    monkeypatch.undo()
    np.testing.assert_array_equal(out, (np.arange(THREADS) + 1) % THREADS)

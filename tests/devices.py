"""Which device the case tables run on: ``MINIGRAD_TEST_DEVICE`` (cpu by default).

    python -m pytest tests                                            # every table on the CPU
    NUMBA_ENABLE_CUDASIM=1 MINIGRAD_TEST_DEVICE=cuda python -m pytest tests/test_conv.py tests/test_pool.py \
        tests/test_norm.py                                            # the same tables on CUDA, in the simulator
    MINIGRAD_TEST_DEVICE=cuda python -m pytest tests/test_conv.py ... # on a real GPU

With device cuda, only the tests that take the ``device`` fixture run (tests/conftest.py skips the others): their
minigrad inputs live on the GPU and PyTorch on the CPU stays the oracle. In the simulator, where every CUDA thread is
a Python thread, ``sized`` keeps the first few cases of a long table.
"""
import os

DEVICE = os.environ.get("MINIGRAD_TEST_DEVICE", "cpu")
SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


def sized(cases, simulator):
    """``cases``, or when the CUDA simulator runs them, their first ``simulator`` ones (a number) or the list
    ``simulator`` (a chosen few)."""
    if DEVICE == "cuda" and SIMULATED:
        return cases[:simulator] if isinstance(simulator, int) else simulator
    return cases

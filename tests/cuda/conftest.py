"""tests/cuda run only where device 'cuda' is usable: a GPU, or numba's simulator.

    NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/cuda     # anywhere (slow: every CUDA thread is a Python thread)
    python -m pytest tests/cuda                            # on a machine with an NVIDIA GPU

Elsewhere every test here is skipped, and the skip says why.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def _skip_reason():
    import minigrad.cuda
    if minigrad.cuda.is_available():
        return None
    return (f"device 'cuda' is not usable here ({minigrad.cuda._problem()}): run these tests on a machine with "
            f"an NVIDIA GPU, or in numba's simulator: NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/cuda")


_REASON = _skip_reason()


@pytest.fixture(autouse=True)
def _needs_cuda():
    if _REASON:
        pytest.skip(_REASON)

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from devices import DEVICE, SIMULATED  # noqa: E402

if SIMULATED:
    # The simulator runs a block's threads as Python threads and releases a cuda.syncthreads() barrier from
    # a polling thread: each barrier then costs about one GIL switch interval (5 ms by default). 0.2 ms
    # makes the tiled kernels' tests about 5 times faster.
    sys.setswitchinterval(2e-4)


@pytest.fixture
def device():
    """The device the case tables run on (tests/devices.py); skips when it is not usable here."""
    if DEVICE == "cuda":
        import minigrad.cuda
        if not minigrad.cuda.is_available():
            pytest.skip(f"MINIGRAD_TEST_DEVICE=cuda, but device 'cuda' is not usable here "
                        f"({minigrad.cuda._problem()}): use a GPU or NUMBA_ENABLE_CUDASIM=1")
    return DEVICE


@pytest.fixture
def torch_threads_as_minigrads():
    """PyTorch set to minigrad's thread count for the test (restored after): which values PyTorch's kernels
    leave to scalar code, or how they split a sum, depends on it (tests/test_*_last_bits.py)."""
    import torch
    import minigrad
    saved = torch.get_num_threads()
    torch.set_num_threads(minigrad.get_num_threads())
    yield
    torch.set_num_threads(saved)


def pytest_collection_modifyitems(config, items):
    """With MINIGRAD_TEST_DEVICE=cuda, the run is about the device: tests without the ``device`` fixture skip."""
    if DEVICE == "cpu":
        return
    skip = pytest.mark.skip(reason=f"MINIGRAD_TEST_DEVICE={DEVICE}: only the device-parametrised tables run")
    for item in items:
        if "device" not in getattr(item, "fixturenames", ()):
            item.add_marker(skip)

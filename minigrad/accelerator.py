"""``minigrad.accelerator``: PyTorch's device-neutral accelerator API, answered by minigrad's one accelerator,
CUDA (``minigrad.cuda``). Scripts written for PyTorch 2.6 and later pick their device with it."""
import contextlib

from . import cuda
from .device import device as _device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "current_device_idx",
           "set_device_index", "set_device_idx", "device_index", "synchronize", "empty_cache", "memory_allocated",
           "max_memory_allocated", "memory_reserved", "reset_peak_memory_stats"]


def is_available():
    """Whether an accelerator can run tensors here, as ``torch.accelerator.is_available``: a CUDA GPU with
    numba-cuda installed."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when CUDA can run here, else None, as ``torch.accelerator.current_accelerator``.
    (PyTorch without ``check_available`` names the accelerator its build supports even when no GPU is present;
    minigrad's CUDA support is a run-time extra, so it names one only when it can run.)"""
    return _device("cuda") if cuda.is_available() else None


def device_count():
    """How many accelerators there are, as ``torch.accelerator.device_count`` (0 without one)."""
    return cuda.device_count() if cuda.is_available() else 0


def current_device_index():
    """The index of the current accelerator, as ``torch.accelerator.current_device_index``."""
    return cuda.current_device() if cuda.is_available() else 0


def set_device_index(index):
    """Make accelerator ``index`` the current one, as ``torch.accelerator.set_device_index``."""
    cuda.set_device(index)


current_device_idx, set_device_idx = current_device_index, set_device_index  # PyTorch's older names


@contextlib.contextmanager
def device_index(index):
    """Make accelerator ``index`` current inside the block, as ``torch.accelerator.device_index`` (None: no
    change)."""
    if index is None or not cuda.is_available():
        yield
        return
    previous = cuda.current_device()
    cuda.set_device(index)
    try:
        yield
    finally:
        cuda.set_device(previous)


def synchronize(device=None):
    """Wait for the accelerator's work to finish, as ``torch.accelerator.synchronize`` (nothing to wait for
    without one)."""
    if cuda.is_available():
        cuda.synchronize()


def empty_cache():
    """Free the accelerator's cached blocks, as ``torch.accelerator.empty_cache``."""
    if cuda.is_available():
        cuda.empty_cache()


def memory_allocated(device_index=None):
    """Bytes held by tensors on the accelerator, as ``torch.accelerator.memory_allocated``."""
    return cuda.memory_allocated() if cuda.is_available() else 0


def max_memory_allocated(device_index=None):
    """The peak of ``memory_allocated``, as ``torch.accelerator.max_memory_allocated``."""
    return cuda.max_memory_allocated() if cuda.is_available() else 0


def memory_reserved(device_index=None):
    """Bytes the accelerator's allocator holds, as ``torch.accelerator.memory_reserved``."""
    return cuda.memory_reserved() if cuda.is_available() else 0


def reset_peak_memory_stats(device_index=None):
    """Restart ``max_memory_allocated``'s count, as ``torch.accelerator.reset_peak_memory_stats``."""
    if cuda.is_available():
        cuda.reset_peak_memory_stats()

"""``minigrad.cuda``: is a GPU usable, how many, wait for it; as ``torch.cuda``.

The CUDA backend runs on NVIDIA's ``numba-cuda`` (``pip install minigrad[cuda]``).
With ``NUMBA_ENABLE_CUDASIM=1`` numba simulates a GPU on the CPU (every CUDA
thread a Python thread: slow, for tests), and ``is_available()`` is True.
"""
__all__ = ["is_available", "device_count", "synchronize", "ensure_available", "empty_cache", "OutOfMemoryError",
           "manual_seed", "manual_seed_all", "current_device", "get_device_name", "memory_allocated",
           "max_memory_allocated", "reset_peak_memory_stats", "set_device"]

_INSTALL_HINT = ("pip install minigrad[cuda] on a machine with an NVIDIA GPU, or set NUMBA_ENABLE_CUDASIM=1 "
                 "to run the CUDA kernels in numba's simulator")
_usable = None  # cached once a GPU (or the simulator) was found usable


def _numba_cuda():
    """numba's CUDA API from the ``numba-cuda`` package, or None when it is not installed."""
    try:
        import numba_cuda  # noqa: F401  NVIDIA's package; numba's built-in CUDA target is deprecated
        from numba import cuda
    except ImportError:
        return None
    return cuda


def _problem():
    """Why device 'cuda' cannot be used, or None when it can."""
    cuda = _numba_cuda()
    if cuda is None:
        return "the numba-cuda package is not installed"
    if cuda.is_available():  # also True in the simulator
        return None
    return "no usable NVIDIA GPU or CUDA driver was found"


def is_available():
    """True when tensors can be put on device 'cuda' (a GPU, or numba's simulator), as ``torch.cuda.is_available``."""
    global _usable
    if _usable is None:
        _usable = _problem() is None
    return _usable


def ensure_available():
    """Raise a RuntimeError that says how to get a GPU when device 'cuda' cannot be used."""
    if _usable:
        return
    problem = _problem()
    if problem is not None:
        raise RuntimeError(f"minigrad: device 'cuda' is not available ({problem}): {_INSTALL_HINT}.")
    is_available()


def device_count():
    """How many GPUs numba sees (1 under the simulator), as ``torch.cuda.device_count``."""
    if not is_available():
        return 0
    return len(_numba_cuda().gpus)


def synchronize():
    """Wait for every kernel launched so far to finish, as ``torch.cuda.synchronize`` (for timing)."""
    if is_available():
        _numba_cuda().synchronize()


class OutOfMemoryError(RuntimeError):
    """``torch.cuda.OutOfMemoryError``: what a script catches to retry with a smaller batch."""


def empty_cache():
    """``torch.cuda.empty_cache``: release cached GPU memory; a no-op when no GPU is in use."""
    if is_available():
        import gc
        gc.collect()  # device arrays are freed when their last reference goes


def manual_seed(seed):
    """``torch.cuda.manual_seed``: accepted; minigrad's CUDA draws come from the generator that
    ``minigrad.manual_seed`` seeds, so this changes nothing (as PyTorch's without a GPU)."""


manual_seed_all = manual_seed


def current_device():
    """0: minigrad uses the first GPU."""
    ensure_available()
    return 0


def set_device(device):
    """Only device 0 exists for minigrad."""
    index = getattr(device, "index", device)
    if index not in (None, 0):
        raise RuntimeError(f"minigrad uses GPU 0 only, got device {device}")


def get_device_name(device=None):
    """The GPU's name as numba reports it."""
    ensure_available()
    name = _numba_cuda().get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


def memory_allocated(device=None):
    """Bytes of GPU memory held by tensors: not tracked by minigrad, reported as 0."""
    return 0


max_memory_allocated = memory_allocated


def reset_peak_memory_stats(device=None):
    """Nothing is tracked: a no-op."""


from . import amp  # noqa: E402,F401  (torch.cuda.amp)

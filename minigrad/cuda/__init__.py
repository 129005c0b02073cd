"""``minigrad.cuda``: is a GPU usable, how many, wait for it; as ``torch.cuda``.

The CUDA backend runs on NVIDIA's ``numba-cuda`` (``pip install minigrad[cuda]``).
With ``NUMBA_ENABLE_CUDASIM=1`` numba simulates a GPU on the CPU (every CUDA
thread a Python thread: slow, for tests), and ``is_available()`` is True.
"""
__all__ = ["is_available", "device_count", "synchronize", "ensure_available", "empty_cache", "OutOfMemoryError",
           "manual_seed", "manual_seed_all", "current_device", "get_device_name", "get_device_capability",
           "is_bf16_supported", "memory_allocated", "max_memory_allocated", "memory_reserved", "reset_peak_memory_stats",
           "set_device"]

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


def _block_cache():
    """The caching allocator's bookkeeping (``minigrad/cuda/allocator.py``) when a GPU context uses it, else None."""
    if not is_available():
        return None
    from numba import config
    if config.ENABLE_CUDASIM:
        return None
    import minigrad.backends.cuda  # noqa: F401  (installs the allocator before the first context)
    return getattr(_numba_cuda().current_context().memory_manager, "cache", None)


def empty_cache():
    """``torch.cuda.empty_cache``: hand the GPU memory the caching allocator keeps back to the driver."""
    if is_available():
        import gc
        gc.collect()  # device arrays are freed when their last reference goes
        cache = _block_cache()
        if cache is not None:
            cache.clear()
            _numba_cuda().current_context().memory_manager.deallocations.clear()


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


def is_bf16_supported(including_emulation=True):
    """False, as ``torch.cuda.is_bf16_supported`` where bfloat16 cannot run: minigrad has no bfloat16 kernels."""
    return False


def get_device_capability(device=None):
    """The GPU's compute capability (major, minor), as ``torch.cuda.get_device_capability``."""
    ensure_available()
    return tuple(_numba_cuda().get_current_device().compute_capability)


def get_device_name(device=None):
    """The GPU's name as numba reports it."""
    ensure_available()
    name = _numba_cuda().get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


def memory_allocated(device=None):
    """``torch.cuda.memory_allocated``: bytes of GPU memory in arrays now (in the caching allocator's rounded
    blocks; 0 without a GPU)."""
    cache = _block_cache()
    return 0 if cache is None else cache.allocated_bytes


def max_memory_allocated(device=None):
    """``torch.cuda.max_memory_allocated``: the peak of ``memory_allocated`` since the start or the last reset."""
    cache = _block_cache()
    return 0 if cache is None else cache.peak_allocated_bytes


def memory_reserved(device=None):
    """``torch.cuda.memory_reserved``: bytes the caching allocator holds, in use or kept for reuse."""
    cache = _block_cache()
    return 0 if cache is None else cache.reserved_bytes


def reset_peak_memory_stats(device=None):
    """``torch.cuda.reset_peak_memory_stats``: the peak starts again from what is allocated now."""
    cache = _block_cache()
    if cache is not None:
        cache.peak_allocated_bytes = cache.allocated_bytes


from . import amp  # noqa: E402,F401  (torch.cuda.amp)

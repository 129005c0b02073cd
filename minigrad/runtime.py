"""Process-wide settings, as PyTorch's: the number of threads, deterministic algorithms, the default device,
warnings, denormals."""
__all__ = ["set_num_threads", "get_num_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_float32_matmul_precision", "get_float32_matmul_precision", "get_num_interop_threads",
           "set_num_interop_threads", "get_default_device", "set_default_device", "set_warn_always",
           "is_warn_always_enabled", "set_flush_denormal", "is_vulkan_available", "compiled_with_cxx11_abi",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode"]

_deterministic = False
_deterministic_warn_only = [False]
_warn_always = [False]
_matmul_precision = ["highest"]
_interop_threads = [1]


def set_num_threads(count):
    """The number of threads of minigrad's parallel (Numba) kernels, as ``torch.set_num_threads``: at most the
    number Numba started with (``NUMBA_NUM_THREADS``, the core count by default)."""
    import numba
    count = int(count)
    if count < 1:
        raise ValueError(f"set_num_threads: expected a positive number of threads, got {count}")
    numba.set_num_threads(min(count, numba.config.NUMBA_NUM_THREADS))


def get_num_threads():
    """The number of threads minigrad's parallel kernels use, as ``torch.get_num_threads``."""
    import numba
    return numba.get_num_threads()


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Accepted, as ``torch.use_deterministic_algorithms``: every minigrad kernel is deterministic already (no
    atomics: each output element has one writer), so the setting changes nothing."""
    global _deterministic
    _deterministic = bool(mode)
    _deterministic_warn_only[0] = bool(warn_only)


def is_deterministic_algorithms_warn_only_enabled():
    """``torch.is_deterministic_algorithms_warn_only_enabled``: the ``warn_only`` last given."""
    return _deterministic_warn_only[0]


def set_warn_always(b):
    """``torch.set_warn_always``: recorded (minigrad's once-per-process warnings are PyTorch's TORCH_WARN_ONCE
    ones; they stay once)."""
    _warn_always[0] = bool(b)


def is_warn_always_enabled():
    """``torch.is_warn_always_enabled``: what ``set_warn_always`` last got (False by default)."""
    return _warn_always[0]


def set_flush_denormal(mode):
    """``torch.set_flush_denormal``: False, "not supported": numpy's kernels cannot switch the CPU's
    flush-to-zero mode, so denormal numbers stay as they are (PyTorch returns True where it switches it)."""
    return False


def set_deterministic_debug_mode(debug_mode):
    """``torch.set_deterministic_debug_mode``: 0 or "default" (off), 1 or "warn" (on, warn only), 2 or "error"
    (on): ``use_deterministic_algorithms`` by another name."""
    names = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in names:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """``torch.get_deterministic_debug_mode``: 0, 1 (warn only) or 2, from ``use_deterministic_algorithms``."""
    if not _deterministic:
        return 0
    return 1 if _deterministic_warn_only[0] else 2


def are_deterministic_algorithms_enabled():
    """What ``use_deterministic_algorithms`` was last given."""
    return _deterministic


def set_float32_matmul_precision(precision):
    """Accepted, as ``torch.set_float32_matmul_precision`` ("highest", "high" or "medium"): minigrad's float32
    products are always full float32 (no TF32 or bfloat16 passes), which is what "highest" asks for."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision!r}: expected 'highest', 'high' or 'medium'")
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    """What ``set_float32_matmul_precision`` was last given ("highest" by default)."""
    return _matmul_precision[0]


def set_num_interop_threads(count):
    """Accepted, as ``torch.set_num_interop_threads``: minigrad runs one op at a time (its parallelism is inside
    each kernel), so there is no inter-op pool to size; ``get_num_interop_threads`` returns the value."""
    count = int(count)
    if count < 1:
        raise RuntimeError(f"Expected positive number of threads, got {count}")
    _interop_threads[0] = count


def get_num_interop_threads():
    """What ``set_num_interop_threads`` was given (1 by default: one op runs at a time)."""
    return _interop_threads[0]


def get_default_device():
    """``torch.get_default_device``: where creation functions put tensors: the CPU."""
    from .device import device
    return device("cpu")


def set_default_device(device):  # noqa: A002  (PyTorch's argument name)
    """``torch.set_default_device``: None or the CPU, which creation functions already use. minigrad puts tensors
    on a GPU only when asked per tensor or module (``.to("cuda")``, ``device=``), so another device raises."""
    from .device import device as as_device
    if device is not None and as_device(device).type != "cpu":
        raise NotImplementedError(f"set_default_device({device!r}): minigrad creates tensors on the CPU unless "
                                  "given device=; move tensors and modules with .to()")


def is_vulkan_available():
    """``torch.is_vulkan_available``: False."""
    return False


def compiled_with_cxx11_abi():
    """``torch.compiled_with_cxx11_abi``: True, as PyTorch's wheels report (a question about C++ extensions,
    which minigrad has none of)."""
    return True

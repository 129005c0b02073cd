"""Compute backends: one module per device, each exposing the same functions.

The autograd code never touches numpy (or a GPU) directly: every op asks
``get_backend(device)`` for the module of its device and calls kernels on it
by name (``B.conv2d(...)``, ``B.add(a, b)``...). ``backends/cpu`` and
``backends/cuda`` mirror each other: same names, same signatures, one module
per kernel family.
"""
from ..device import device as _device


def get_backend(dev):
    """The kernel module for a device: ``backends.cpu`` or ``backends.cuda``."""
    kind = dev.type if type(dev) is _device else _device(dev).type
    if kind == "cpu":
        return _cpu()
    import importlib
    cuda = importlib.import_module(f"{__name__}.cuda")  # (not "from . import cuda": see __getattr__)
    cuda.ensure_available()
    return cuda


def _cpu():
    # imported on first use (the module imports numba); then one global lookup instead of an import statement, as
    # every op asks for its backend
    global _cpu_module
    if _cpu_module is None:
        from . import cpu
        _cpu_module = cpu
    return _cpu_module


_cpu_module = None


from . import cudnn, mps  # noqa: E402,F401  (flags scripts set, as torch.backends.cudnn / .mps)


def __getattr__(name):
    """``backends.cuda`` before the CUDA kernel package is imported: the flags module ``torch.backends.cuda``
    scripts set (the package, once imported, replaces this answer and re-exports the same flags)."""
    if name == "cuda":
        from . import cuda_flags
        return cuda_flags
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

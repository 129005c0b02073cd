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
    kind = _device(dev).type
    if kind == "cpu":
        from . import cpu
        return cpu
    from . import cuda
    cuda.ensure_available()
    return cuda


from . import cudnn, mps  # noqa: E402,F401  (flags scripts set, as torch.backends.cudnn / .mps)

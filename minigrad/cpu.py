"""``minigrad.cpu``, as ``torch.cpu``: the device-module functions that scripts call for whichever device they
run on (``getattr(torch, device_type).synchronize()``), for the CPU."""
from . import amp  # noqa: F401  (torch.cpu.amp.autocast)
from .device import device as _device

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize"]


def is_available():
    """``torch.cpu.is_available``: always True."""
    return True


def device_count():
    """``torch.cpu.device_count``: 1."""
    return 1


def current_device():
    """``torch.cpu.current_device``: 'cpu'."""
    return "cpu"


def set_device(device):  # noqa: A002
    """``torch.cpu.set_device``: accepted for the CPU, which is the only one."""
    if _device(device).type != "cpu":
        raise ValueError(f"torch.cpu.set_device: expected the CPU, got {device!r}")


def synchronize(device=None):  # noqa: A002
    """``torch.cpu.synchronize``: nothing to wait for (CPU ops finish before they return)."""

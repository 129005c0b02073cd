"""Counting host <-> device copies, to check that work stays on the GPU.

The CUDA backend is imported when a counter is made, not at import: without numba-cuda this module must still
import, so that pytest can collect tests/cuda and skip it with its reason.
"""


class TransferCounter:
    """Counts host <-> device copies (numba's to_device, copy_to_host, copy_to_device from host memory)."""

    def __init__(self, monkeypatch):
        from numba import cuda
        from minigrad.backends.cuda import _runtime
        self.count = 0
        array = _runtime.DeviceArray
        is_device_array = _runtime.is_device_array
        for owner, name in ((cuda, "to_device"), (array, "copy_to_host")):
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name)))
        original = array.copy_to_device

        def copy_to_device(this, source, *args, **kwargs):
            if not is_device_array(source):
                self.count += 1
            return original(this, source, *args, **kwargs)
        monkeypatch.setattr(array, "copy_to_device", copy_to_device)

    def _counted(self, fn):
        def wrapper(*args, **kwargs):
            self.count += 1
            return fn(*args, **kwargs)
        return wrapper

"""``torch.mps`` and ``torch.xpu`` on a machine without them, as PyTorch's CPU build answers: not available, no
devices. Scripts probe them when they pick a device (``elif torch.xpu.is_available(): ...``) and seed them
(``torch.mps.manual_seed(0)``); minigrad has neither backend."""
import sys
import types


def _absent(name):
    module = types.ModuleType(f"{__package__}.{name}", f"``torch.{name}``: no {name.upper()} device here.")
    functions = {
        "is_available": lambda: False,
        "device_count": lambda: 0,
        "is_initialized": lambda: False,
        "manual_seed": lambda seed: None,
        "manual_seed_all": lambda seed: None,
        "seed": lambda: None,
        "empty_cache": lambda: None,
        "synchronize": lambda device=None: None,
        "current_allocated_memory": lambda: 0,
        "memory_allocated": lambda device=None: 0,
        "max_memory_allocated": lambda device=None: 0,
        "memory_reserved": lambda device=None: 0,
    }
    for attribute, function in functions.items():
        function.__name__ = function.__qualname__ = attribute
        function.__doc__ = f"``torch.{name}.{attribute}`` where there is no {name.upper()} device."
        setattr(module, attribute, function)
    sys.modules[module.__name__] = module
    return module


mps = _absent("mps")
xpu = _absent("xpu")

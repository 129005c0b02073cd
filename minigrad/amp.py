"""Mixed precision names, as ``torch.amp``: ``autocast`` and ``GradScaler``.

minigrad computes in float32 only (no float16 or bfloat16 kernels), so there is nothing to autocast and no
float16 gradient to scale. Both are accepted so that scripts written for mixed precision run unchanged: when
``enabled`` they warn once and pass through, as PyTorch does where the lower precision is not available
(``GradScaler`` on a machine without CUDA, CPU ``autocast`` with an unsupported dtype); results are float32.
"""
import functools
import warnings

__all__ = ["autocast", "GradScaler", "is_autocast_available", "is_autocast_enabled", "set_autocast_enabled",
           "get_autocast_dtype", "set_autocast_dtype", "get_autocast_gpu_dtype", "get_autocast_cpu_dtype",
           "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "set_autocast_gpu_dtype",
           "set_autocast_cpu_dtype", "clear_autocast_cache", "is_autocast_cache_enabled",
           "set_autocast_cache_enabled", "custom_fwd", "custom_bwd"]


def is_autocast_available(device_type):
    """False: minigrad has no lower-precision kernels on any device."""
    return False


def is_autocast_enabled(device_type=None):
    """``torch.is_autocast_enabled``: False, on every device (minigrad's autocast disables itself)."""
    return False


def is_autocast_cpu_enabled():
    """``torch.is_autocast_cpu_enabled``: False."""
    return False


def get_autocast_dtype(device_type):
    """``torch.get_autocast_dtype``: the dtype autocast would use by default, as PyTorch names it (float16 on
    CUDA, bfloat16 elsewhere), though minigrad never casts to it."""
    from .legacy import bfloat16
    from .tensor import float16
    return float16 if device_type == "cuda" else bfloat16


def get_autocast_gpu_dtype():
    """``torch.get_autocast_gpu_dtype``: float16."""
    return get_autocast_dtype("cuda")


def get_autocast_cpu_dtype():
    """``torch.get_autocast_cpu_dtype``: bfloat16."""
    return get_autocast_dtype("cpu")


def set_autocast_enabled(*args):
    """``torch.set_autocast_enabled``: accepted, with no effect (nothing is autocast in minigrad)."""


def is_autocast_cache_enabled():
    """``torch.is_autocast_cache_enabled``: True, PyTorch's default (there is no cache to use)."""
    return True


def clear_autocast_cache():
    """``torch.clear_autocast_cache``: nothing to clear."""


set_autocast_dtype = set_autocast_cpu_enabled = set_autocast_gpu_dtype = set_autocast_enabled
set_autocast_cpu_dtype = set_autocast_cache_enabled = set_autocast_enabled


class autocast:
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a context manager and
    decorator that, in minigrad, leaves every op in float32 (a warning says so when enabled)."""

    def __init__(self, device_type="cuda", dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device_type, self.fast_dtype, self.enabled = device_type, dtype, bool(enabled)
        if self.enabled:
            warnings.warn(f"autocast on '{device_type}': minigrad has no lower-precision kernels, so autocast is "
                          "disabled and ops run in float32.", UserWarning, stacklevel=2)
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """``torch.amp.custom_fwd``: decorates a custom Function's ``forward``. It casts inputs only inside an enabled
    autocast region, which minigrad never has, so the forward runs as written."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def forward_as_written(*args, **kwargs):
        args[0]._fwd_used_autocast = False
        return fwd(*args, **kwargs)
    return forward_as_written


def custom_bwd(bwd=None, *, device_type):
    """``torch.amp.custom_bwd``: decorates a custom Function's ``backward``, which then runs in the forward's
    autocast state (always off in minigrad)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return functools.wraps(bwd)(lambda *args, **kwargs: bwd(*args, **kwargs))


class GradScaler:
    """``torch.amp.GradScaler``, always disabled in minigrad (float32 gradients need no scaling): ``scale`` returns
    its argument, ``step`` calls ``optimizer.step()``, ``unscale_`` and ``update`` do nothing, ``get_scale`` is 1.0,
    as PyTorch's disabled scaler. Enabling it warns, as PyTorch does on a machine without CUDA."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        if enabled:
            warnings.warn("GradScaler is enabled, but minigrad computes in float32 (no float16 gradients to scale). "
                          "Disabling.", UserWarning, stacklevel=2)
        self._enabled = False
        self._init_scale, self._growth_factor = init_scale, growth_factor
        self._backoff_factor, self._growth_interval = backoff_factor, growth_interval

    def scale(self, outputs):
        """The outputs unchanged (the scale is 1)."""
        return outputs

    def unscale_(self, optimizer):
        """Nothing to unscale."""

    def step(self, optimizer, *args, **kwargs):
        """``optimizer.step(*args, **kwargs)``, and its return value."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Nothing to update."""

    def get_scale(self):
        return 1.0

    def is_enabled(self):
        return self._enabled

    def get_growth_factor(self):
        return self._growth_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def get_growth_interval(self):
        return self._growth_interval

    def state_dict(self):
        """Empty, as a disabled PyTorch scaler's."""
        return {}

    def load_state_dict(self, state_dict):
        """Accepts any scaler state (a PyTorch checkpoint's included); a disabled scaler keeps none."""

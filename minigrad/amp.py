"""Mixed precision names, as ``torch.amp``: ``autocast`` and ``GradScaler``.

minigrad computes in float32 only (no float16 or bfloat16 kernels), so there is nothing to autocast and no
float16 gradient to scale. Both are accepted so that scripts written for mixed precision run unchanged: when
``enabled`` they warn once and pass through, as PyTorch does where the lower precision is not available
(``GradScaler`` on a machine without CUDA, CPU ``autocast`` with an unsupported dtype); results are float32.
"""
import functools
import warnings

__all__ = ["autocast", "GradScaler", "is_autocast_available"]


def is_autocast_available(device_type):
    """False: minigrad has no lower-precision kernels on any device."""
    return False


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

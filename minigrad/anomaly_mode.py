"""``torch.autograd.detect_anomaly`` and ``set_detect_anomaly``: while on, every op remembers where in the script
it was called, and the backward pass checks each gradient an op returns; the first NaN raises PyTorch's error
("Function 'DivBackward0' returned nan values in its 1th output."), after a warning that shows the forward call
which made that op. Off by default: the check reads every gradient (a device-to-host copy on CUDA)."""
import traceback
import warnings

import numpy as np

from . import autograd

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_check_nan = [True]


def is_anomaly_enabled():
    """Whether anomaly detection is on, as ``torch.is_anomaly_enabled``."""
    return autograd._anomaly is not None


def is_anomaly_check_nan_enabled():
    """Whether the backward pass checks gradients for NaN, as ``torch.is_anomaly_check_nan_enabled``."""
    return is_anomaly_enabled() and _check_nan[0]


def _set(mode, check_nan):
    autograd._anomaly = _Recorder if mode else None
    _check_nan[0] = bool(check_nan)


class _Recorder:
    """What autograd calls while anomaly detection is on."""

    @staticmethod
    def record(fn):
        fn.forward_trace = "".join(traceback.format_stack()[:-3])

    @staticmethod
    def check(fn, input_grads):
        if not _check_nan[0]:
            return
        grads = input_grads if isinstance(input_grads, tuple) else (input_grads,)
        for i, g in enumerate(grads):
            if g is None:
                continue
            values = fn.B.to_numpy(g) if hasattr(fn.B, "to_numpy") else np.asarray(g)
            if values.dtype.kind == "f" and np.isnan(values).any():
                name = fn.name()
                warnings.warn(f"Error detected in {name}. Traceback of forward call that caused the error:\n"
                              f"{getattr(fn, 'forward_trace', '(recorded before detection was enabled)')}",
                              UserWarning, stacklevel=4)
                raise RuntimeError(f"Function '{name}' returned nan values in its {i}th output.")


class detect_anomaly:
    """``torch.autograd.detect_anomaly(check_nan=True)``: a context manager or decorator turning anomaly
    detection on inside it."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self.previous = (is_anomaly_enabled(), _check_nan[0])
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.previous)
        return False

    def __call__(self, function):
        import functools

        @functools.wraps(function)
        def wrapped(*args, **kwargs):
            with self.__class__(self.check_nan):
                return function(*args, **kwargs)
        return wrapped


class set_detect_anomaly:  # noqa: N801 (PyTorch's name)
    """``torch.autograd.set_detect_anomaly(mode, check_nan=True)``: turns detection on or off now (as a call), or
    inside a ``with`` block (restored after)."""

    def __init__(self, mode, check_nan=True):
        self.previous = (is_anomaly_enabled(), _check_nan[0])
        _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self.previous)
        return False

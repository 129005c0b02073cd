"""float16 through the Numba kernels. Numba has no float16 type on the CPU, so a kernel entry point given float16
arrays computes in float32 and rounds its results back to float16: what PyTorch's CPU kernels do for half
tensors (they compute in float32, their "opmath" type), so the values agree to float16's rounding."""
import functools

import numpy as np

HALF = np.dtype(np.float16)


def _widened(value):
    if isinstance(value, np.ndarray) and value.dtype == HALF:
        return value.astype(np.float32)
    return value


def _narrowed(value):
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype == np.float32:
        return np.asarray(value).astype(HALF)  # (numpy gives a 0-d input's result as a scalar)
    if isinstance(value, tuple):
        return tuple(_narrowed(item) for item in value)
    return value


def half_through_float32(fn):
    """``fn`` (it returns new arrays and writes into none of its arguments) taking float16 arrays as float32
    ones and giving float16 results; other calls pass straight through."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if not any(isinstance(a, np.ndarray) and a.dtype == HALF for a in args):
            return fn(*args, **kwargs)
        return _narrowed(fn(*(_widened(a) for a in args), **kwargs))
    return call


def not_widened(fn):
    """Mark a backend entry point that ``widen_module`` leaves as it is: one that writes into its arguments, or
    computes float16 its own way."""
    fn.not_widened = True
    return fn


def widen_module(namespace, names):
    """Wrap the named entry points of a backend module's namespace (its globals) in ``half_through_float32``,
    all but those marked ``not_widened``."""
    for name in names:
        if not getattr(namespace[name], "not_widened", False):
            namespace[name] = half_through_float32(namespace[name])

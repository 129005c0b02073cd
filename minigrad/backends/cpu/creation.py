"""Making and converting CPU arrays."""
import sys

import numpy as np

__all__ = ["asarray", "full", "zeros", "empty", "arange",
           "astype", "to_numpy", "from_numpy", "copy", "is_array", "owns_alone"]


def asarray(obj, dtype=None):
    """An array from nested lists, scalars or numpy arrays (copied when the dtype changes)."""
    return np.asarray(obj, dtype=dtype)


def full(shape, value, dtype):
    return np.full(tuple(shape), value, dtype=dtype)


def zeros(shape, dtype):
    return np.zeros(tuple(shape), dtype=dtype)


def empty(shape, dtype):
    return np.empty(tuple(shape), dtype=dtype)


def arange(start, end, step, dtype):
    return np.arange(start, end, step, dtype=dtype)


def astype(a, dtype):
    with np.errstate(invalid="ignore", over="ignore"):  # (NaN or Inf to an integer: no warning, as PyTorch)
        return a.astype(dtype, copy=False)


def to_numpy(a):
    return a


def from_numpy(a):
    return a


def copy(a):
    return np.array(a, copy=True)


def is_array(obj):
    return isinstance(obj, np.ndarray)


def owns_alone(a):
    """Whether a C-contiguous, writeable array's memory is reachable through ``a`` only: it owns its data, or it
    is a full-size view of an array that owns it and that nothing else references (its caller checks ``a``'s
    own references). Lets ``.grad`` take a fresh gradient without copying it, as PyTorch's AccumulateGrad."""
    if not (isinstance(a, np.ndarray) and a.flags.c_contiguous and a.flags.writeable):
        return False
    base = a.base
    # the references to base here: a's, this local name's and getrefcount's argument
    return base is None or (type(base) is np.ndarray and base.base is None and base.size == a.size
                            and sys.getrefcount(base) == 3)

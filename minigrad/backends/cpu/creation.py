"""Making and converting CPU arrays."""
import numpy as np

__all__ = ["asarray", "full", "zeros", "empty", "arange", "randn", "rand", "randint",
           "astype", "to_numpy", "from_numpy", "copy", "is_array"]


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


def randn(shape, dtype, generator):
    return generator.standard_normal(tuple(shape), dtype=np.float64).astype(dtype)


def rand(shape, dtype, generator):
    return generator.random(tuple(shape), dtype=np.float64).astype(dtype)


def randint(low, high, shape, dtype, generator):
    return generator.integers(low, high, size=tuple(shape)).astype(dtype)


def astype(a, dtype):
    return a.astype(dtype, copy=False)


def to_numpy(a):
    return a


def from_numpy(a):
    return a


def copy(a):
    return np.array(a, copy=True)


def is_array(obj):
    return isinstance(obj, np.ndarray)

"""Making and converting CUDA device arrays, mirroring ``backends/cpu/creation.py``.

Random numbers are drawn on the host from the library's one numpy generator and
copied over: the same seed gives the same values on either device.
"""
import numpy as np
from numba import cuda, types

from ._runtime import (BOOL, F32, I32, I64, f32, i64, empty as _empty, flat, grid, is_device_array,
                       is_host_scalar, kernel, to_device, to_host)

__all__ = ["asarray", "full", "zeros", "empty", "arange",
           "astype", "to_numpy", "from_numpy", "copy", "is_array", "owns_alone"]


@kernel((F32, f32), (I64, i64), (BOOL, types.boolean), (I32, types.int32))
def _fill(out, value):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = value
        i += cuda.gridsize(1)


@kernel((I64, i64, i64), (I32, types.int32, types.int32))
def _arange(out, start, step):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = start + i * step
        i += cuda.gridsize(1)


@kernel((F32, BOOL), (F32, I64), (F32, I32), (I64, F32), (I32, F32), (BOOL, F32), (I64, BOOL), (I64, I32),
        (I32, I64), (BOOL, I64))
def _cast(out, a):
    i = cuda.grid(1)
    while i < out.size:
        out[i] = a[i]
        i += cuda.gridsize(1)


def asarray(obj, dtype=None):
    """A device array from a device array (cast when ``dtype`` differs), or copied from host data."""
    if is_device_array(obj):
        return obj if dtype is None or np.dtype(dtype) == obj.dtype else astype(obj, dtype)
    return to_device(np.asarray(obj, dtype=dtype))


def full(shape, value, dtype):
    """``np.full`` on the device: one fill kernel, no transfer."""
    out = _empty(shape, dtype)
    if out.size:
        _fill[grid(out.size)](flat(out), out.dtype.type(value))
    return out


def zeros(shape, dtype):
    return full(shape, 0, dtype)


def empty(shape, dtype):
    return _empty(shape, dtype)


def arange(start, end, step, dtype):
    """``np.arange``: integers are made on the device; floats on the host (numpy's float64 steps), then copied."""
    dtype = np.dtype(dtype)
    if dtype.kind != "i":
        return to_device(np.arange(start, end, step, dtype=dtype))
    n = len(range(int(start), int(end), int(step)))
    out = _empty((n,), dtype)
    if n:
        _arange[grid(n)](out, dtype.type(start), dtype.type(step))
    return out


def astype(a, dtype):
    """Cast elementwise (float to int truncates, nonzero to True), as ``ndarray.astype``."""
    dtype = np.dtype(dtype)
    if is_host_scalar(a):
        return np.asarray(a).astype(dtype)
    if a.dtype == dtype:
        return a
    out = _empty(a.shape, dtype)
    if out.size:
        _cast[grid(out.size)](flat(out), flat(a))
    return out


def to_numpy(a):
    """A host copy (the one device-to-host transfer, as ``.numpy()`` / ``.item()``)."""
    return to_host(a)


def from_numpy(a):
    """A device copy of a host array."""
    return to_device(np.asarray(a))


def copy(a):
    """A new device array with the same values (a device-to-device copy)."""
    if is_host_scalar(a):
        return np.array(a, copy=True)
    out = _empty(a.shape, a.dtype)
    if out.size:
        out.copy_to_device(a)
    return out


def is_array(obj):
    return is_device_array(obj)


def owns_alone(a):
    """Always False on the GPU: ``.grad`` takes a copy of a device gradient (not worth counting its references:
    a device-to-device copy costs little there)."""
    return False

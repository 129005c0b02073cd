"""What every CUDA kernel family shares: the kernel registry, launch sizes, allocation, host <-> device.

Kernels are ``cuda.jit`` without a signature: nothing is compiled (and no GPU
is touched) at import, so ``tests/test_cuda_ptx.py`` can import every family on
a machine without a GPU and compile each registered kernel to PTX itself, with
the signatures listed here (the ones the framework launches it with).

Under ``NUMBA_ENABLE_CUDASIM=1`` numba runs each CUDA thread as a Python
thread: launches then use few, small blocks, and the tiled kernels smaller
tiles (same code, other constants), so the tests stay fast.
"""
import math

import numpy as np
from numba import config, cuda, types

from .. import elements as elements_package

SIMULATOR = bool(config.ENABLE_CUDASIM)

if SIMULATOR:
    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray as DeviceArray

    # On the host a real DeviceNDArray's shape is a plain tuple (``a.shape[-1]`` works); the simulator's
    # FakeShape refuses negative indices, which would fail code that is right on a GPU.
    DeviceArray.shape = property(lambda self: tuple(self._ary.shape))

    import sys
    import threading

    from numba.cuda.simulator import kernelapi as _kernelapi
    from numba.np import numpy_support as _numpy_support

    # The simulator gives a block's threads one shared array per source line: the first thread to reach the line
    # looks it up, finds none, and stores a new one. Two threads between the look-up and the store got two
    # arrays, and the block's threads then disagreed (a tiled SGEMM or a block sum gave wrong numbers in about one
    # CI run in five). One lock makes the look-up and the store a single step.
    _shared_lock = threading.Lock()
    _simulator_shared_array = _kernelapi.FakeCUDAShared.array

    def _shared_array(self, shape, dtype, alignment=None):
        if shape == 0 or alignment is not None:  # dynamic shared memory (one buffer), or refused: as the simulator
            return _simulator_shared_array(self, shape, dtype, alignment)
        caller = sys._getframe(1)  # the kernel's line, as the simulator keys it
        key = (caller.f_code.co_filename, caller.f_lineno)
        with _shared_lock:
            array = self._allocations.get(key)
            if array is None:
                array = self._allocations[key] = np.empty(
                    shape, _numpy_support.as_dtype(dtype) if isinstance(dtype, types.Type) else dtype)
        return array

    _kernelapi.FakeCUDAShared.array = _shared_array
else:
    from numba.cuda.cudadrv import driver as _driver
    from numba.cuda.cudadrv.devicearray import DeviceNDArray as DeviceArray

    from ...cuda.allocator import caching_memory_manager

    # Every device array from here on comes from the caching allocator (contexts made before keep theirs).
    _driver.set_memory_manager(caching_memory_manager())

# Threads per block and the cap on blocks for the grid-stride elementwise kernels.
THREADS = 16 if SIMULATOR else 256
MAX_BLOCKS = 2 if SIMULATOR else 8192
MAX_DIMS = 6  # broadcasting / strided kernels take shapes as 6-tuples

# Numba types used in the signatures below.
F32 = types.float32[::1]
I64 = types.int64[::1]
I32 = types.int32[::1]
BOOL = types.boolean[::1]
DIMS = types.UniTuple(types.int64, MAX_DIMS)
f32, f64, i64, b1 = types.float32, types.float64, types.int64, types.boolean

# "family.kernel" -> (python function, [signatures]): what tests/test_cuda_ptx.py compiles. A signature
# with a float32 argument must compile to PTX without a single float64 instruction.
KERNELS = {}


def kernel(*signatures, cache=True):
    """``cuda.jit`` lazily and record the signatures the framework launches the kernel with.

    ``cache`` keeps the compiled kernel on disk, as the CPU kernels' ``cache=True``.
    """
    def register(fn):
        KERNELS[f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"] = (fn, list(signatures))
        return cuda.jit(fn) if SIMULATOR else cuda.jit(fn, cache=cache)
    return register


def device_function(fn):
    """A ``cuda.jit(device=True)`` helper, inlined into its callers in Numba's IR.

    Inlined callees are typed inside the kernel being compiled, so compiling a
    kernel to PTX needs no GPU (a separately compiled device function asks the
    driver for the current device's compute capability).
    """
    return cuda.jit(device=True, inline="always")(fn)


def _cuda_fma(a, b, c):
    return cuda.fma(a, b, c)


# a * b + c rounded once, for the element rules that call it (``elements.with_fused_multiply_add``). The simulator's
# cuda module has no fma outside a kernel: the rule's Python form runs there. numba-cuda types an inlined device
# function's global names in the calling kernel's module: each kernel module imports this name.
fused_multiply_add = elements_package.fused_multiply_add if SIMULATOR else device_function(_cuda_fma)


def grid(n, threads=None):
    """(blocks, threads) for a grid-stride kernel over ``n`` items."""
    threads = threads or THREADS
    return max(1, min(math.ceil(n / threads), MAX_BLOCKS)), threads


# ---------------------------------------------------------------------------- arrays
def is_device_array(obj):
    return isinstance(obj, DeviceArray)


def is_host_scalar(obj):
    """A 0-d numpy array or a number: ``scalar()``'s values, passed to kernels by value."""
    return (isinstance(obj, np.ndarray) and obj.ndim == 0) or isinstance(obj, (int, float, bool, np.generic))


def empty(shape, dtype):
    return cuda.device_array(tuple(int(s) for s in shape), dtype=np.dtype(dtype))


def to_device(host):
    """Copy a host array to a new contiguous device array."""
    host = np.asarray(host)
    if not host.flags.c_contiguous:  # (np.ascontiguousarray would turn a 0-d array into 1-d)
        host = host.copy(order="C")
    return cuda.to_device(host)


# Checks whose verdict lies on the device (e.g. class targets in range), read at the next host transfer
# instead of stalling the GPU when they are queued: the error comes with the next .item() / .numpy(), as
# PyTorch's device-side asserts do. Each is (device array, function(host copy) -> exception or None).
_pending_checks = []


def defer_check(flags, verdict):
    _pending_checks.append((flags, verdict))


def raise_pending_errors():
    """Read the deferred checks; raise the first error found (and forget the others)."""
    while _pending_checks:
        flags, verdict = _pending_checks.pop(0)
        error = verdict(flags.copy_to_host())
        if error is not None:
            _pending_checks.clear()
            raise error


def to_host(a):
    """Copy a device array (or pass a host value through) to a numpy array."""
    raise_pending_errors()
    if is_device_array(a):
        return a.copy_to_host()
    return np.asarray(a)


def on_device(a, dtype=None):
    """``a`` as a contiguous device array (cast to ``dtype`` when given).

    A host number (a 0-d array from ``scalar()``) is copied over; a host array is refused: it would be a
    hidden transfer, and usually means a CPU tensor was mixed with CUDA ones.
    """
    if not is_device_array(a):
        if not is_host_scalar(a):
            raise TypeError(f"CUDA backend: got a host {type(a).__name__} of shape {np.shape(a)} where a device "
                            "array was expected (a CPU tensor mixed with CUDA ones? move it with .to('cuda'))")
        return to_device(np.asarray(a, dtype=dtype))
    if not a.is_c_contiguous():
        raise RuntimeError(
            f"CUDA backend: got a non-contiguous device array of shape {tuple(a.shape)}; backend functions "
            "return contiguous arrays, index raw arrays only through the backend (getitem, permute...)")
    if dtype is not None and np.dtype(dtype) != a.dtype:
        from .creation import astype
        return astype(a, dtype)
    return a


def float32_only(op, *arrays):
    """The arrays on the device; a clear error for a dtype other than float32 (the NN kernels' only dtype)."""
    out = []
    for a in arrays:
        a = on_device(a)
        if a.dtype != np.float32:
            raise TypeError(f"{op}: the CUDA backend computes in float32 only, got a {a.dtype} array")
        out.append(a)
    return out if len(out) != 1 else out[0]


def flat(a):
    """The 1-d view of a contiguous device array (what the kernels index)."""
    return a.reshape(a.size) if a.ndim != 1 else a


def contiguous_strides(shape):
    """Element strides of a C-contiguous array of ``shape``."""
    strides, step = [], 1
    for s in reversed(shape):
        strides.append(step)
        step *= s
    return tuple(reversed(strides))


def pad_dims(values, fill):
    """A MAX_DIMS-tuple: ``values`` right-aligned, ``fill`` in front (leading broadcast dims)."""
    values = tuple(int(v) for v in values)
    if len(values) > MAX_DIMS:
        raise RuntimeError(f"CUDA backend: {len(values)}-d operands are not supported (at most {MAX_DIMS} "
                           "dimensions after merging contiguous ones)")
    return (fill,) * (MAX_DIMS - len(values)) + values


def collapse(shape, *strides):
    """Merge neighbouring dims that every operand walks contiguously, so kernels do less index arithmetic.

    Returns the merged shape and one merged stride tuple per operand; size-1 dims
    are dropped first.
    """
    keep = [d for d, s in enumerate(shape) if s != 1]
    shape = [shape[d] for d in keep]
    strides = [[st[d] for d in keep] for st in strides]
    out_shape, out_strides = [], [[] for _ in strides]
    for d in range(len(shape)):
        if d > 0 and all(st[d - 1] == st[d] * shape[d] for st in strides):
            out_shape[-1] *= shape[d]
            for o, st in zip(out_strides, strides):
                o[-1] = st[d]
            continue
        out_shape.append(shape[d])
        for o, st in zip(out_strides, strides):
            o.append(st[d])
    return tuple(out_shape), [tuple(o) for o in out_strides]

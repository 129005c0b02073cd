"""The CPU kernels' scratch arrays, reused per thread and slot and grown when needed: no op returns one.

A fresh array for every call would cost its page faults each time (the convolutions' columns and bands are
megabytes); one per thread keeps two threads that convolve at once apart.
"""
import math
import threading

import numpy as np

_local = threading.local()


def workspace(slot, shape, dtype):
    """A reused scratch array of ``shape`` (one per slot and thread, grown when needed); never returned."""
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize  # (math.prod: np.prod takes microseconds)
    buffers = _local.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(max(nbytes, 64), dtype=np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)

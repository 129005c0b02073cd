"""How freed memory is kept: glibc's malloc is asked not to give large freed blocks back to the system.

A training step allocates and frees the same large arrays (activations, gradients, im2col outputs) every time.
By default glibc maps a fresh region for each block above a threshold that it adapts up to 32 MiB, and trims
its heap once enough is free, so the next step touches new pages: 4,300-4,800 page faults per small U-Net step
here, 19,000-50,000 per full one. With blocks up to 32 MiB served from the heap (``M_MMAP_THRESHOLD``) and
freed memory kept for reuse (``M_TRIM_THRESHOLD`` 1 GiB), a step makes 3 (small) or about 3,400 (full) page
faults and runs 2-17% faster (benchmarks/README.md); peak memory is unchanged (339-342 MiB, 1244-1268 MiB).

Only on Linux with glibc, and not when the user tuned malloc already (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_`` or ``GLIBC_TUNABLES`` set): those settings are left as they are.
"""
import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
MMAP_THRESHOLD = 32 * 2 ** 20  # the largest glibc accepts on 64-bit systems
TRIM_THRESHOLD = 2 ** 30
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory():
    """Ask glibc to serve blocks up to 32 MiB from its heap and keep freed memory; True when it agreed."""
    if not sys.platform.startswith("linux") or any(name in os.environ for name in USER_SETTINGS):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's C library: absent from musl
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


KEPT = keep_freed_memory()

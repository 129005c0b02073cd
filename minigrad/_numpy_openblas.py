"""The OpenBLAS library that numpy's wheels bundle (``numpy.libs/libscipy_openblas*`` on Linux, ``.dylibs`` on
macOS), opened with ctypes: minigrad restarts its threads (``_threads``). None where numpy uses another BLAS
(MKL, Accelerate, a distribution's OpenBLAS)."""
import ctypes
import glob
import os

_found = []


def numpy_openblas():
    """numpy's bundled OpenBLAS as a ctypes library (the copy numpy loaded: dlopen returns the same one), or None."""
    if not _found:
        _found.append(_open())
    return _found[0]


def _open():
    import numpy
    here = os.path.dirname(numpy.__file__)
    patterns = [os.path.join(here, os.pardir, "numpy.libs", "libscipy_openblas*"),
                os.path.join(here, ".dylibs", "libscipy_openblas*")]
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    return None


"""How idle worker threads wait. minigrad/__init__.py imports this first, before numpy and Numba start theirs.

- Numba's OpenMP workers spin for about 3 ms after each parallel loop (libgomp's default) before they sleep.
  Spinning that long, they took the cores from numpy's BLAS between im2col and GEMM: convolutions measured 2-10x
  slower on 2 cores. Sleeping at once (``OMP_WAIT_POLICY=PASSIVE``), each loop paid to wake them: 56 us for an
  empty one. ``GOMP_SPINCOUNT=3000`` (about 30 us of spinning) keeps them awake between the back-to-back loops
  of a training step and asleep during the rest: a small U-Net step alone, 5 alternated rounds of fresh
  processes, medians 155-166 ms against 163-185 ms with PASSIVE. It is set only where the user set neither it
  nor ``OMP_WAIT_POLICY``.
- numpy's OpenBLAS workers keep polling (with sched_yield) for up to 2^28 cycles after each GEMM and slow down
  the Numba loops that follow. ``OPENBLAS_THREAD_TIMEOUT=4`` (2^4 cycles) makes them sleep at once: a small U-Net
  step measured 25% faster. OpenBLAS reads it when numpy loads it. When numpy came first, its OpenBLAS is asked
  to read the environment again and to restart its threads.
- PyTorch loads its OpenMP runtime into the process's global symbol scope, with the wait policy it read at its
  import (spinning). Imported after torch, Numba's OpenMP pool would bind to that runtime and its spinning
  threads: a small U-Net step measured 1.2-1.5x slower. When torch came first, Numba's pool is therefore
  started here, loaded with RTLD_DEEPBIND (Linux), so that it binds to its own libgomp, which reads the
  settings above: as fast as with minigrad imported first.

A variable the user set is left as it is.
"""
import os
import sys

THREAD_ENV = {"GOMP_SPINCOUNT": "3000", "OPENBLAS_THREAD_TIMEOUT": "4"}
# each setting and the user's variables that it leaves alone
USER_SETTINGS = {"GOMP_SPINCOUNT": ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY"),
                 "OPENBLAS_THREAD_TIMEOUT": ("OPENBLAS_THREAD_TIMEOUT",)}
THREAD_ENV_SET = tuple(name for name in THREAD_ENV  # the ones minigrad set itself
                       if not any(variable in os.environ for variable in USER_SETTINGS[name]))


def _restart_openblas_threads():
    """Make the OpenBLAS bundled with numpy re-read its environment and restart its threads with it (they are
    started again by the next GEMM). Any other BLAS (MKL, Accelerate, a system OpenBLAS) is left alone."""
    from ._numpy_openblas import numpy_openblas
    library = numpy_openblas()
    try:
        library.openblas_read_env()
        library.blas_thread_shutdown_()
    except AttributeError:  # no library (None), or one without these functions
        pass


def _start_numba_pool_on_its_own_openmp():
    """Start Numba's thread pool now, its OpenMP library bound to its own libgomp rather than to one loaded
    before it (torch's). Where the flag or Numba's launcher is missing, Numba starts its pool as usual."""
    flags = sys.getdlopenflags()
    sys.setdlopenflags(flags | os.RTLD_DEEPBIND)
    try:
        from numba.np.ufunc import parallel
        parallel._launch_threads()
    except (ImportError, AttributeError, OSError):
        pass
    finally:
        sys.setdlopenflags(flags)


for _name in THREAD_ENV_SET:
    os.environ[_name] = THREAD_ENV[_name]
if "OPENBLAS_THREAD_TIMEOUT" in THREAD_ENV_SET and "numpy" in sys.modules:
    _restart_openblas_threads()
if "torch" in sys.modules and hasattr(os, "RTLD_DEEPBIND"):
    _start_numba_pool_on_its_own_openmp()

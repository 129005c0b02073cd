"""minigrad's thread settings (minigrad/_threads.py), checked in fresh processes."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NUMPY_FIRST = """
import glob, os, ctypes, sys
sys.path.insert(0, {root!r})
import numpy as np
path = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "libscipy_openblas*"))[0]
blas = ctypes.CDLL(path)
a = np.random.default_rng(0).standard_normal((600, 600)).astype(np.float32)
before, product = blas.openblas_thread_timeout(), a @ a
import minigrad
after = blas.openblas_thread_timeout()
assert np.array_equal(a @ a, product)  # OpenBLAS's restarted threads compute as before
print(before, after, os.environ.get("GOMP_SPINCOUNT", "-"), minigrad._THREAD_ENV_SET)
"""


def _run(code, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT")}
    out = subprocess.run([sys.executable, "-c", code.format(root=ROOT)], capture_output=True, text=True,
                         env=dict(clean, **env), timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().split(maxsplit=3)


def test_numpy_imported_first_has_its_openblas_reread_the_timeout():
    before, after, spins, names = _run(NUMPY_FIRST)
    assert (before, after, spins) == ("0", "4", "3000")
    assert "OPENBLAS_THREAD_TIMEOUT" in names and "GOMP_SPINCOUNT" in names


@pytest.mark.parametrize("own", [dict(GOMP_SPINCOUNT="0"), dict(OMP_WAIT_POLICY="PASSIVE")])
def test_the_users_own_settings_win(own):
    """A wait policy of the user's own keeps libgomp's spin count for it (an explicit one would override it)."""
    before, after, spins, names = _run(NUMPY_FIRST, OPENBLAS_THREAD_TIMEOUT="9", **own)
    assert (before, after, spins, names) == ("9", "9", own.get("GOMP_SPINCOUNT", "-"), "()")



TORCH_FIRST = """
import os, sys
sys.path.insert(0, {root!r})
import numpy as np
import torch
torch.set_num_threads(2)
import minigrad
from numba import njit, prange, set_num_threads, threading_layer

@njit(parallel=True)
def twice(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = 2 * a[i]
    return out

a = np.arange(100000.0)
twice.compile("(float64[:],)")
set_num_threads(2)
torch.ones(2 ** 22).exp_().sum()  # torch's OpenMP team: its worker thread is started
before = len(os.listdir("/proc/self/task"))
assert np.array_equal(twice(a), 2 * a)
print(threading_layer(), before, len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RTLD_DEEPBIND and /proc/self/task are Linux's")
def test_torch_imported_first_leaves_numba_its_own_openmp_runtime():
    """With torch imported first, Numba's parallel loops run on an OpenMP runtime of their own, which starts its
    own worker thread, not on torch's team of spinning threads (which they would share: no new thread)."""
    pytest.importorskip("torch")
    layer, before, after = _run(TORCH_FIRST)
    if layer != "omp":
        pytest.skip(f"Numba runs its {layer} threading layer here, not OpenMP")
    assert int(after) == int(before) + 1

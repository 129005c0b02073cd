"""minigrad's thread settings (minigrad/_threads.py), checked in fresh processes."""
import os
import subprocess
import sys

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
print(before, after, os.environ["OMP_WAIT_POLICY"], minigrad._THREAD_ENV_SET)
"""


def _run(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "OPENBLAS_THREAD_TIMEOUT")}
    out = subprocess.run([sys.executable, "-c", code.format(root=ROOT)], capture_output=True, text=True,
                         env=dict(clean, **env), timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().split(maxsplit=3)


def test_numpy_imported_first_has_its_openblas_reread_the_timeout():
    before, after, policy, names = _run(NUMPY_FIRST)
    assert (before, after, policy) == ("0", "4", "PASSIVE")
    assert "OPENBLAS_THREAD_TIMEOUT" in names and "OMP_WAIT_POLICY" in names


def test_the_users_own_settings_win():
    before, after, policy, names = _run(NUMPY_FIRST, OPENBLAS_THREAD_TIMEOUT="9", OMP_WAIT_POLICY="ACTIVE")
    assert (before, after, policy, names) == ("9", "9", "ACTIVE", "()")

"""minigrad's malloc setting (minigrad/_memory.py), checked in fresh processes: freed blocks are reused, not
given back and faulted in again."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LOOP = """
import resource, sys
sys.path.insert(0, {root!r})
import numpy as np
if {with_minigrad}:
    import minigrad
    print(minigrad._FREED_MEMORY_KEPT)
else:
    print(None)

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

def step():  # two 20 MiB arrays and a small one, allocated, written and freed, as a training step does
    a, b, c = np.ones(5 * 2 ** 20, np.float32), np.ones(5 * 2 ** 20, np.float32), np.ones(2 ** 18, np.float32)
    del a, b, c

step(); step()
before = faults()
for _ in range(10):
    step()
print((faults() - before) // 10)
"""


def _faults_per_step(with_minigrad, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", LOOP.format(root=ROOT, with_minigrad=with_minigrad)],
                         capture_output=True, text=True, env=dict(clean, **env), timeout=120)
    assert out.returncode == 0, out.stderr
    kept, faults = out.stdout.split()
    return kept, int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_blocks_are_reused_without_page_faults():
    kept, with_minigrad = _faults_per_step(True)
    if kept != "True":
        pytest.skip("this C library has no mallopt (not glibc)")
    _, without = _faults_per_step(False)
    assert with_minigrad < 100 and without > 10 * with_minigrad, (with_minigrad, without)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_users_own_malloc_settings_win():
    kept, _ = _faults_per_step(True, MALLOC_TRIM_THRESHOLD_="131072")
    assert kept == "False"

"""How the CPU kernels compile (minigrad/backends/cpu/jit.py): at -O1, the tiles at -O3 with the SLP vectorizer,
Numba's settings restored after each compile, and the user's NUMBA_OPT left to rule when set."""
import importlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numba.core import config, event

from minigrad.backends.cpu import jit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Levels(event.Listener):
    """The optimization level and SLP setting in force when each function's compilation starts, by name."""

    def __init__(self):
        self.seen = {}

    def on_start(self, ev):
        self.seen[ev.data["dispatcher"].py_func.__name__] = (int(config.OPT), bool(config.SLP_VECTORIZE))

    def on_end(self, ev):
        pass


def _compiling(function, *args):
    """Call ``function`` and return the levels its compilation (and that of what it calls) started with."""
    levels = _Levels()
    with event.install_listener("numba:compile", levels):
        function(*args)
    return levels.seen


def test_a_kernel_compiles_at_the_kernel_level_and_restores_numbas_setting(monkeypatch):
    monkeypatch.setattr(jit, "KERNEL_LEVEL", 1)
    before = config.OPT

    @jit.kernel(cache=False)  # (compiled afresh at every run)
    def doubled(a):
        return a * np.float32(2)
    seen = _compiling(doubled, np.ones(3, np.float32))
    assert seen["doubled"] == (1, bool(config.SLP_VECTORIZE))
    assert config.OPT == before and type(config.OPT) is type(before)
    np.testing.assert_array_equal(doubled(np.ones(3, np.float32)), np.full(3, 2, np.float32))


def test_a_kernel_called_by_a_kernel_compiles_at_the_kernel_level(monkeypatch):
    monkeypatch.setattr(jit, "KERNEL_LEVEL", 1)

    @jit.kernel(cache=False)  # (compiled afresh at every run)
    def inner(a):
        return a + 1

    @jit.kernel(cache=False)  # (compiled afresh at every run)
    def outer(a):
        return inner(a) * 2
    seen = _compiling(outer, 1.0)
    assert seen["outer"][0] == 1 and seen["inner"][0] == 1


def test_a_tile_compiles_at_the_tile_level_with_the_slp_vectorizer(monkeypatch):
    from numba import njit, typeof
    monkeypatch.setattr(jit, "TILE_LEVEL", 3)
    monkeypatch.setattr(config, "SLP_VECTORIZE", 0)
    opt_before = config.OPT

    @njit(cache=False)
    def tile(a):
        return a[0] * a[1]
    levels = _Levels()
    with event.install_listener("numba:compile", levels):
        jit.compile_vectorized(tile, (typeof(np.ones(2)),))
    assert levels.seen["tile"] == (3, True)
    assert config.SLP_VECTORIZE == 0 and config.OPT == opt_before


def test_the_settings_come_back_when_a_compile_fails(monkeypatch):
    monkeypatch.setattr(jit, "KERNEL_LEVEL", 1)
    before = config.OPT

    @jit.kernel(cache=False)  # (compiled afresh at every run)
    def broken(a):
        return a.no_such_attribute
    with pytest.raises(Exception):
        broken(np.ones(2))
    assert config.OPT == before


def test_numba_opt_set_by_the_user_rules_every_kernel():
    """With NUMBA_OPT in the environment, minigrad changes no level: its kernels and tiles compile at the user's."""
    script = textwrap.dedent("""
        from minigrad.backends.cpu import jit
        print(jit.KERNEL_LEVEL, jit.TILE_LEVEL)
    """)
    for environment, want in ((dict(NUMBA_OPT="2"), "None None"), ({}, "1 3")):
        env = {k: v for k, v in os.environ.items() if k != "NUMBA_OPT"}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                              env=dict(env, **environment), timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split("\n")[-2] == want


def test_the_library_kernels_are_compiled_through_kernel():
    """Every compiled CPU kernel but the tiles takes the kernel level: none is left with Numba's plain dispatcher."""
    from numba.core.registry import CPUDispatcher
    import pkgutil
    import minigrad.backends.cpu as cpu
    plain = []
    for info in pkgutil.iter_modules(cpu.__path__):
        module = importlib.import_module(f"minigrad.backends.cpu.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.__module__ == module.__name__ \
                    and not value.targetoptions.get("inline") == "always" and "compile" not in vars(value):
                plain.append(f"{module.__name__}.{name}")
    assert sorted(plain) == ["minigrad.backends.cpu.conv_pixel_tile_kernels._tile",
                             "minigrad.backends.cpu.conv_tile_kernels._tile",
                             "minigrad.backends.cpu.conv_weight_tile_kernels._tile"]


def test_numba_disable_jit_runs_the_kernels_as_python():
    """With NUMBA_DISABLE_JIT=1 (debugging the kernels in Python), minigrad imports and a convolution's forward and
    backward run: ``kernel`` gives back the plain function."""
    script = textwrap.dedent("""
        import minigrad
        import minigrad.nn.functional as F
        x = minigrad.randn(1, 2, 4, 4)
        w = minigrad.randn(8, 2, 3, 3, requires_grad=True)
        F.conv2d(x, w, padding=1).sum().backward()
        print(tuple(w.grad.shape))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, NUMBA_DISABLE_JIT="1"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "(8, 2, 3, 3)"

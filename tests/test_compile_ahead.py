"""The first run's helper process (minigrad/backends/cpu/compile_ahead.py): it compiles exactly the kernels, with
exactly the type signatures, that a training step's backward pass and Adam use, and it starts only when it helps."""
import json
import os
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SIGNATURES = textwrap.dedent("""
    import json, sys, numba, minigrad
    import minigrad.nn.functional as F
    from minigrad.backends import cpu
    from minigrad.backends.cpu import compile_ahead

    def compiled():
        found = set()
        for name, module in list(sys.modules.items()):
            if name.startswith("minigrad.backends.cpu"):
                for attr, value in vars(module).items():
                    if isinstance(value, numba.core.registry.CPUDispatcher):
                        found |= {f"{name}.{attr}{sig}" for sig in value.signatures}
        return found

    if sys.argv[1] == "helper":
        compile_ahead.compile_backward_kernels()
        print(json.dumps(sorted(compiled())))
    else:
        from minigrad.models import UNet
        minigrad.manual_seed(0)
        model = UNet(3, 6, (16, 32, 64, 128))
        optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
        x, y = minigrad.randn(8, 3, 64, 64), minigrad.randint(0, 6, (8, 64, 64))  # examples/train_unet.py's step
        loss = F.cross_entropy(model(x), y)
        forward = compiled()
        loss.backward()
        optimizer.step()
        print(json.dumps({"forward": sorted(forward), "step": sorted(compiled())}))
""")


def _run(role, **env):
    done = subprocess.run([sys.executable, "-c", SIGNATURES, role], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, MINIGRAD_COMPILE_AHEAD="0", **env), timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_helper_compiles_the_backward_kernels_of_a_training_step():
    helper = set(_run("helper"))
    step = _run("step")
    used, forward = set(step["step"]), set(step["forward"])
    # Nothing wasted: every kernel signature the helper compiles is one the training step uses ...
    assert helper <= used, sorted(helper - used)
    # ... and nothing missed: every kernel the backward pass and Adam compile is one the helper compiled.
    assert used - forward <= helper, sorted(used - forward - helper)
    assert any("_fill_channel_blocks" in k for k in helper) and any("_adam_parallel" in k for k in helper)
    assert any("_adam_serial" in k for k in helper) and any("_shifted_weight_grad" in k for k in helper)


STARTS = textwrap.dedent("""
    import numpy as np
    from minigrad.backends import cpu
    from minigrad.backends.cpu import compile_ahead
    x = np.ones((1, 2, 8, 8), np.float32)
    cpu.conv2d(x, np.ones((2, 2, 3, 3), np.float32), None, (1, 1), (1, 1), (1, 1), 1, (8, 8))
    helper = compile_ahead.helper
    print("started" if helper is not None else "not started")
    if helper is not None:
        assert "compile_backward_kernels" in helper.args[-1]
""")


def _starts(cache_dir, **env):
    environment = {k: v for k, v in os.environ.items() if k != "MINIGRAD_COMPILE_AHEAD"}
    environment.update(NUMBA_CACHE_DIR=str(cache_dir), **env)
    done = subprocess.run([sys.executable, "-c", STARTS], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_helper_starts_only_with_an_empty_cache_and_when_allowed(tmp_path):
    if len(os.sched_getaffinity(0)) < 2:
        assert _starts(tmp_path) == "not started"  # one core: a second process would only compete
        return
    assert _starts(tmp_path, MINIGRAD_COMPILE_AHEAD="0") == "not started"
    assert _starts(tmp_path, LOCAL_RANK="1") == "not started"  # under a launcher, the first rank's helper serves
    assert _starts(tmp_path) == "started"  # (and it is stopped when that process exits)
    os.makedirs(tmp_path / "warm", exist_ok=True)
    _run("helper", NUMBA_CACHE_DIR=str(tmp_path / "warm"))  # a full helper run fills this cache
    assert _starts(tmp_path / "warm") == "not started"


class _Kernel:
    """What ``await_helper`` reads of a Numba dispatcher: its compiled signatures and its cache index's path."""

    def __init__(self, index):
        self.signatures = []
        self._cache = SimpleNamespace(_cache_file=SimpleNamespace(_index_path=str(index)))


def _sleeper(code="import time; time.sleep(30)"):
    return subprocess.Popen([sys.executable, "-c", code])


def test_await_helper_returns_once_the_helper_has_cached_the_kernel(monkeypatch, tmp_path):
    from minigrad.backends.cpu import compile_ahead
    index = tmp_path / "kernel.nbi"
    helper = _sleeper(f"import time, pathlib; time.sleep(0.5); pathlib.Path({str(index)!r}).write_text('x'); "
                      f"time.sleep(30)")
    monkeypatch.setattr(compile_ahead, "helper", helper)
    try:
        start = time.monotonic()
        compile_ahead.await_helper(_Kernel(index), timeout=20)
        waited = time.monotonic() - start
    finally:
        helper.kill()
        helper.wait()
    assert index.exists() and 0.3 < waited < 10  # when the index appeared: not at the timeout, nor the helper's end


def test_await_helper_does_not_wait_without_cause(monkeypatch, tmp_path):
    """No helper, a kernel this process has compiled already, or a helper that has exited: no wait; a helper that
    never caches it: the timeout."""
    from minigrad.backends.cpu import compile_ahead
    kernel = _Kernel(tmp_path / "missing.nbi")

    def waited(timeout=20):
        start = time.monotonic()
        compile_ahead.await_helper(kernel, timeout=timeout)
        return time.monotonic() - start
    monkeypatch.setattr(compile_ahead, "helper", None)
    assert waited() < 0.2
    helper = _sleeper()
    monkeypatch.setattr(compile_ahead, "helper", helper)
    try:
        kernel.signatures = ["(float32[::1],)"]
        assert waited() < 0.2
        kernel.signatures = []
        assert 0.25 < waited(timeout=0.3) < 5
    finally:
        helper.kill()
        helper.wait()
    assert waited() < 0.2

"""The CUDA backend mirrors the CPU one: every family module, every function, the same parameters.

Runs without a GPU (importing the CUDA kernels compiles nothing); needs numba-cuda.
"""
import importlib
import inspect
import pkgutil

import pytest

pytest.importorskip("numba_cuda", reason="numba-cuda is not installed (pip install minigrad[cuda])")

import minigrad.backends.cpu as cpu  # noqa: E402
import minigrad.backends.cuda as cuda  # noqa: E402

FAMILIES = sorted(m.name for m in pkgutil.iter_modules(cpu.__path__) if m.name in cpu.__dict__
                  and hasattr(cpu.__dict__[m.name], "__all__"))


def _public(backend, family):
    return list(importlib.import_module(f"{backend.__name__}.{family}").__all__)


def test_every_cpu_function_has_a_cuda_version():
    missing = {family: sorted(set(_public(cpu, family)) - set(getattr(cuda, family).__all__)
                              if hasattr(cuda, family) else _public(cpu, family))
               for family in FAMILIES}
    missing = {family: names for family, names in missing.items() if names}
    assert not missing, f"CPU backend functions without a CUDA version, by family: {missing}"


def test_backend_names_and_module_level_functions():
    assert cpu.name == "cpu" and cuda.name == "cuda"
    for name in ("is_array", "from_numpy", "to_numpy", "asarray"):
        assert callable(getattr(cuda, name))


@pytest.mark.parametrize("family", FAMILIES)
def test_same_parameters(family):
    """Same parameter names (and defaults) wherever the CPU function is a Python function."""
    module = getattr(cuda, family, None)
    if module is None:
        pytest.fail(f"backends/cuda has no {family} module")
    different = []
    for name in _public(cpu, family):
        cpu_fn, cuda_fn = getattr(getattr(cpu, family), name, None), getattr(module, name, None)
        if cuda_fn is None or not inspect.isfunction(cpu_fn):
            continue  # a missing one is reported above; numpy ufuncs have no Python signature
        a, b = inspect.signature(cpu_fn), inspect.signature(cuda_fn)
        if [(p.name, p.default) for p in a.parameters.values()] != \
                [(p.name, p.default) for p in b.parameters.values()]:
            different.append(f"{name}{a} (cpu) vs {name}{b} (cuda)")
    assert not different, f"{family}: " + "; ".join(different)

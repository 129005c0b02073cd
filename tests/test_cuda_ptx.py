"""Every CUDA kernel compiles for a real GPU (PTX for compute capability 9.0), with no float64 in float32 kernels
(but for the library's own, named in LIBRARY_FLOAT64).

numba's simulator (NUMBA_ENABLE_CUDASIM=1, used by tests/cuda) runs kernels as
plain Python and infers no types: code that runs there may still fail to
compile for a GPU, or silently compute in float64. This test compiles each
kernel registered in ``backends/cuda`` with the signatures the framework
launches it with. It needs ``numba-cuda[cu12]`` (NVVM), not a GPU.
"""
import importlib
import os
import pkgutil
import re

import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0"):
    pytest.skip("NUMBA_ENABLE_CUDASIM is set: the simulator cannot compile PTX (run this file without it)",
                allow_module_level=True)
pytest.importorskip("numba_cuda", reason="numba-cuda is not installed (pip install minigrad[cuda])")

from numba import cuda, types  # noqa: E402

import minigrad.backends.cuda as cuda_backend  # noqa: E402
from minigrad.backends.cuda import _runtime  # noqa: E402

FAMILIES = sorted(m.name for m in pkgutil.iter_modules(cuda_backend.__path__))
for _family in FAMILIES:
    importlib.import_module(f"minigrad.backends.cuda.{_family}")
KERNELS = sorted(_runtime.KERNELS)
FLOAT64 = re.compile(r"\.f64\b")
# The float64 that a float32 kernel may hold, by kernel: libdevice's sinf, cosf and tanf turn the integer fraction
# of a huge argument (past 105615) into a float through float64, times pi/2 * 2^-64 (Payne-Hanek reduction): the
# trigonometric kernel, and the special functions' (digamma's and trigamma's reflections). Any other float64
# instruction in these kernels still fails.
_PAYNE_HANEK = re.compile(r"\.reg \.f64|cvt\.rn\.f64\.s64|cvt\.rn\.f32\.f64|"
                          r"mul\.f64 \t%fd\d+, %fd\d+, 0d3BF921FB54442D19;")
LIBRARY_FLOAT64 = {"unary._trig": _PAYNE_HANEK, "unary._special": _PAYNE_HANEK}
# Kernels whose float64 is their purpose: eval BatchNorm's gradient 1/sqrt(var + eps), which PyTorch's backward
# takes in float64 and rounds once.
DELIBERATE_FLOAT64 = {"norm._invstd_in_float64_of"}


def _is_float32(signature):
    """A float32 kernel: one of its arguments is a float32 array or scalar."""
    return any(getattr(t, "dtype", t) == types.float32 for t in signature)


def _ptx(name, signature):
    fn = _runtime.KERNELS[name][0]
    ptx, _ = cuda.compile_ptx(fn, signature, cc=(9, 0))
    return ptx


def test_every_kernel_is_registered():
    """Each cuda.jit kernel in a family module is in the registry, so this file compiles it."""
    from numba.cuda.dispatcher import CUDADispatcher
    registered = {fn for fn, _ in _runtime.KERNELS.values()}
    missing = []
    for family in FAMILIES:
        module = importlib.import_module(f"minigrad.backends.cuda.{family}")
        for attr, value in vars(module).items():
            if isinstance(value, CUDADispatcher) and not value.targetoptions.get("device") \
                    and value.py_func not in registered:
                missing.append(f"{family}.{attr}")
    assert not missing, f"kernels without registered signatures: {missing}"


@pytest.mark.parametrize("name", KERNELS)
def test_kernel_compiles_for_sm90(name):
    fn, signatures = _runtime.KERNELS[name]
    assert signatures, f"{name}: no signature registered"
    for signature in signatures:
        ptx = _ptx(name, signature)
        assert ".entry" in ptx, f"{name}{signature}: no kernel entry in the PTX"
        if _is_float32(signature) and name not in DELIBERATE_FLOAT64:
            admitted = LIBRARY_FLOAT64.get(name)
            lines = [line.strip() for line in ptx.splitlines() if FLOAT64.search(line)
                     and not (admitted and admitted.search(line))]
            assert not lines, f"{name}{signature}: float64 instructions in a float32 kernel: {lines[:5]}"

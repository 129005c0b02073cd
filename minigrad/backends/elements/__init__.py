"""Element rules written once for both backends: plain Python on scalars, compiled by the CPU backend with
``njit(inline="always")`` and by the CUDA backend with ``cuda.jit(device=True)``, so the two cannot drift apart.

Branches that depend only on hyper-parameters arrive as booleans decided on the host: a comparison with a Python
number inside a float32 kernel would compute in float64 on the GPU.

Numba's cache keys a kernel by its own file only: after editing a rule here, delete the ``__pycache__`` folders of
``backends/cpu`` (or set ``NUMBA_CACHE_DIR`` afresh) so that the CPU kernels inlining it are compiled again."""
import types

import numpy as np


def fused_multiply_add(a, b, c):
    """a * b + c rounded once, as an FMA instruction: PyTorch's CPU kernels compute ``add(other, alpha=...)`` so.
    This Python form (the CUDA simulator, NUMBA_DISABLE_JIT) goes through float64, which holds the product of two
    float32 values exactly; each compiled backend puts its instruction in a rule's place with
    ``with_fused_multiply_add``."""
    return type(c)(float(a) * float(b) + float(c))


def float32_bits(value):
    """The bits of a float32 as an int32 (a reinterpretation, not a conversion). Each compiled backend puts its
    instruction in this Python form's place (``with_instructions``): a bitcast, which a loop vectorises."""
    return np.float32(value).view(np.int32)


def float32_from_bits(bits):
    """The float32 whose bits are the int32 ``bits``: ``float32_bits``'s inverse."""
    return np.int32(bits).view(np.float32)


def with_instructions(rule, **instructions):
    """``rule`` (an element function calling the Python forms above) with the backend's instructions in their
    places, by name: the same code, compiled against other globals."""
    names = dict(rule.__globals__, **instructions)
    return types.FunctionType(rule.__code__, names, rule.__name__, rule.__defaults__, rule.__closure__)


def with_fused_multiply_add(rule, instruction):
    """``rule`` (an element function calling ``fused_multiply_add``) with the backend's ``instruction`` in its
    place: the same code, compiled against another global (LLVM's fma on the CPU, ``cuda.fma`` on a GPU)."""
    return with_instructions(rule, fused_multiply_add=instruction)

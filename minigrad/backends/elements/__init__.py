"""Element rules written once for both backends: plain Python on scalars, compiled by the CPU backend with
``njit(inline="always")`` and by the CUDA backend with ``cuda.jit(device=True)``, so the two cannot drift apart.

Branches that depend only on hyper-parameters arrive as booleans decided on the host: a comparison with a Python
number inside a float32 kernel would compute in float64 on the GPU.

Numba's cache keys a kernel by its own file only: after editing a rule here, delete the ``__pycache__`` folders of
``backends/cpu`` (or set ``NUMBA_CACHE_DIR`` afresh) so that the CPU kernels inlining it are compiled again."""
import types


def fused_multiply_add(a, b, c):
    """a * b + c rounded once, as an FMA instruction: PyTorch's CPU kernels compute ``add(other, alpha=...)`` so.
    This Python form (the CUDA simulator, NUMBA_DISABLE_JIT) goes through float64, which holds the product of two
    float32 values exactly; each compiled backend puts its instruction in a rule's place with
    ``with_fused_multiply_add``."""
    return type(c)(float(a) * float(b) + float(c))


def with_fused_multiply_add(rule, instruction):
    """``rule`` (an element function calling ``fused_multiply_add``) with the backend's ``instruction`` in its
    place: the same code, compiled against another global (LLVM's fma on the CPU, ``cuda.fma`` on a GPU)."""
    names = dict(rule.__globals__, fused_multiply_add=instruction)
    return types.FunctionType(rule.__code__, names, rule.__name__, rule.__defaults__, rule.__closure__)

"""Element rules written once for both backends: plain Python on scalars, compiled by the CPU backend with
``njit(inline="always")`` and by the CUDA backend with ``cuda.jit(device=True)``, so the two cannot drift apart.

Branches that depend only on hyper-parameters arrive as booleans decided on the host: a comparison with a Python
number inside a float32 kernel would compute in float64 on the GPU.

Numba's cache keys a kernel by its own file only: after editing a rule here, delete the ``__pycache__`` folders of
``backends/cpu`` (or set ``NUMBA_CACHE_DIR`` afresh) so that the CPU kernels inlining it are compiled again."""

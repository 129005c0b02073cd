"""Element rules written once for both backends: plain Python on scalars, compiled by the CPU backend with
``njit(inline="always")`` and by the CUDA backend with ``cuda.jit(device=True)``, so the two cannot drift apart.

Branches that depend only on hyper-parameters arrive as booleans decided on the host: a comparison with a Python
number inside a float32 kernel would compute in float64 on the GPU."""

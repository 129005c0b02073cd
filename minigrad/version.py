"""``minigrad.version``, as ``torch.version``: what scripts print or test before choosing a device. minigrad is
not built against CUDA or ROCm (its CUDA kernels are compiled at run time by Numba), so ``cuda`` and ``hip``
are None, as in PyTorch's CPU builds."""
__version__ = "0.1.0"
cuda = None
hip = None
git_version = "unknown"
debug = False

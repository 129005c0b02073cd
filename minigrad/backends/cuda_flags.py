"""``torch.backends.cuda``'s flags, so that scripts setting them run (``torch.backends.cuda.matmul.allow_tf32 =
True``). minigrad's CUDA products are its own kernels in float32 (no TF32, no reduced-precision reductions) and
its attention is the plain composition, so the flags are kept and read back but change nothing.

``minigrad.backends.cuda`` is also the CUDA kernel package; before that package is imported (it needs
numba-cuda), ``minigrad.backends.cuda`` is this module, and the package re-exports these same objects, so a flag
set before the first CUDA tensor keeps its value after.
"""
import contextlib

__all__ = ["matmul", "is_built", "flash_sdp_enabled", "enable_flash_sdp", "mem_efficient_sdp_enabled",
           "enable_mem_efficient_sdp", "math_sdp_enabled", "enable_math_sdp", "cudnn_sdp_enabled",
           "enable_cudnn_sdp", "sdp_kernel", "preferred_linalg_library"]


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: the cuBLAS flags, PyTorch's defaults."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.allow_fp16_accumulation = False

    def __repr__(self):
        return f"<minigrad.backends.cuda.matmul allow_tf32={self.allow_tf32}>"


matmul = _MatmulFlags()
_attention = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def is_built():
    """Whether this minigrad can run CUDA (numba-cuda installed), as ``torch.backends.cuda.is_built``."""
    from ..cuda import _numba_cuda
    return _numba_cuda() is not None


def _flag(kind):
    def enabled():
        return _attention[kind]

    def enable(value):
        _attention[kind] = bool(value)
    enabled.__name__, enable.__name__ = f"{kind}_sdp_enabled", f"enable_{kind}_sdp"
    enabled.__doc__ = f"``torch.backends.cuda.{kind}_sdp_enabled``: the flag as last set (it changes nothing here)."
    enable.__doc__ = f"``torch.backends.cuda.enable_{kind}_sdp``: kept, read back by ``{kind}_sdp_enabled``."
    return enabled, enable


flash_sdp_enabled, enable_flash_sdp = _flag("flash")
mem_efficient_sdp_enabled, enable_mem_efficient_sdp = _flag("mem_efficient")
math_sdp_enabled, enable_math_sdp = _flag("math")
cudnn_sdp_enabled, enable_cudnn_sdp = _flag("cudnn")


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """``torch.backends.cuda.sdp_kernel``: the attention flags set inside the block, restored after."""
    saved = dict(_attention)
    _attention.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient, cudnn=enable_cudnn)
    try:
        yield
    finally:
        _attention.update(saved)


def preferred_linalg_library(backend=None):
    """``torch.backends.cuda.preferred_linalg_library``: 'default' (minigrad's linear algebra is numpy's)."""
    return "default"

"""Utilities that are not ops: data loading (``minigrad.utils.data``, as ``torch.utils.data``), numerical
gradient checking, a per-op profiler."""
from .gradcheck import gradcheck, GradcheckError  # noqa: F401
from .profiler import profile  # noqa: F401
from . import data, hooks  # noqa: F401

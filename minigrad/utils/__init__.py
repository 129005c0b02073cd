"""Utilities that are not ops: numerical gradient checking, a per-op profiler."""
from .gradcheck import gradcheck, GradcheckError  # noqa: F401
from .profiler import profile  # noqa: F401

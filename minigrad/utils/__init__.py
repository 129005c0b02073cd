"""Utilities that are not ops: numerical gradient checking."""
from .gradcheck import gradcheck, GradcheckError  # noqa: F401

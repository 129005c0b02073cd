"""Differentiable ops: resize."""
__all__ = []
METHODS = {}

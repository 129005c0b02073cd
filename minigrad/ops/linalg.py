"""Differentiable ops: linalg."""
__all__ = []
METHODS = {}

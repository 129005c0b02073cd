"""Differentiable ops: pool."""
__all__ = []
METHODS = {}

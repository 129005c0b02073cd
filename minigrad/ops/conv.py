"""Differentiable ops: conv."""
__all__ = []
METHODS = {}

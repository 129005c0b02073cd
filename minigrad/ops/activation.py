"""Differentiable ops: activation."""
__all__ = []
METHODS = {}

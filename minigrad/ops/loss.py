"""Differentiable ops: loss."""
__all__ = []
METHODS = {}

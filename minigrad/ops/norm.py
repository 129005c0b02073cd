"""Differentiable ops: norm."""
__all__ = []
METHODS = {}

"""CPU kernels: shape."""
__all__ = []

"""CPU kernels: pool."""
__all__ = []

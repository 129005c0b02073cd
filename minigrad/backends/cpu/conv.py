"""CPU kernels: conv."""
__all__ = []

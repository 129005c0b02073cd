"""CPU kernels: resize."""
__all__ = []

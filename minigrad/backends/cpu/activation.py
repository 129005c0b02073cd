"""CPU kernels: activation."""
__all__ = []

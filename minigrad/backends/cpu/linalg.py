"""CPU kernels: linalg."""
__all__ = []

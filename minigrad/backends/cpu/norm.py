"""CPU kernels: norm."""
__all__ = []

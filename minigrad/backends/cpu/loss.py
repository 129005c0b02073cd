"""CPU kernels: loss."""
__all__ = []

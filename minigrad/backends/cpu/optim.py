"""CPU kernels: optim."""
__all__ = []

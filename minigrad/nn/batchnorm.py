"""nn layers: batchnorm."""
__all__ = []

"""nn layers: dropout."""
__all__ = []

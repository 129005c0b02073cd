"""nn layers: init."""
__all__ = []

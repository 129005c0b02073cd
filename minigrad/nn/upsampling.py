"""nn layers: upsampling."""
__all__ = []

"""``torch.utils.dlpack``: ``from_dlpack`` and ``to_dlpack`` (see ``minigrad/interop.py``)."""
from ..interop import from_dlpack, to_dlpack  # noqa: F401

__all__ = ["from_dlpack", "to_dlpack"]

"""``minigrad.vision.models``: torchvision's model builders, without pretrained weights."""
from .resnet import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_names

__all__ = list(_resnet_names)

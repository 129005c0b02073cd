"""``minigrad.vision.models``: torchvision's model builders, without pretrained weights."""
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv2 import __all__ as _mobilenet_names
from .resnet import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_names
from .vgg import *  # noqa: F401,F403
from .vgg import __all__ as _vgg_names

__all__ = list(_resnet_names) + list(_vgg_names) + list(_mobilenet_names)

"""``minigrad.vision``: the parts of torchvision that training scripts use, for minigrad tensors. A script ports
by its imports: ``import torchvision`` becomes ``import minigrad.vision as torchvision``, and
``from torchvision import datasets, transforms`` becomes ``from minigrad.vision import datasets, transforms``.

- ``transforms`` (and ``transforms.functional``): ToTensor, Normalize, Resize, crops, flips, padding, grayscale,
  ``Compose``; PIL images through PIL's own operations, as torchvision's.
- ``datasets``: MNIST, FashionMNIST, KMNIST, CIFAR10, CIFAR100, ImageFolder, DatasetFolder, FakeData.
- ``models``: the ResNet family (no pretrained weights are bundled).
- ``utils``: ``make_grid``, ``save_image``.
- ``ops``: the box operations (IoU family, NMS, conversions), focal loss, stochastic depth,
  SqueezeExcitation, FrozenBatchNorm2d.
"""
from . import datasets, models, ops, transforms, utils  # noqa: F401

__version__ = "0.28.0"  # the torchvision release whose behaviour this follows
__all__ = ["datasets", "models", "ops", "transforms", "utils"]

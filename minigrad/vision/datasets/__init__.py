"""``minigrad.vision.datasets``: torchvision's datasets that scripts use most."""
from .cifar import CIFAR10, CIFAR100  # noqa: F401
from .folder import DatasetFolder, FakeData, ImageFolder  # noqa: F401
from .mnist import KMNIST, MNIST, FashionMNIST  # noqa: F401
from .utils import VisionDataset  # noqa: F401

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "CIFAR10", "CIFAR100", "DatasetFolder", "ImageFolder", "FakeData",
           "VisionDataset"]

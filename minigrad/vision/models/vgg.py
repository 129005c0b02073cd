"""VGG and AlexNet as torchvision builds them, with torchvision's parameter names; no pretrained weights."""
from ... import nn
from .resnet import _no_weights

__all__ = ["VGG", "AlexNet", "alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
           "vgg19_bn"]

# output channels of each 3x3 convolution, "M" for a 2x2 max pooling (configurations A, B, D and E of the paper)
_CONFIGS = {11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
            13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
            16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
            19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512,
                 "M"]}


def make_layers(config, batch_norm=False):
    layers, channels = [], 3
    for v in config:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """``torchvision.models.VGG``: ``features``, a 7x7 adaptive average pooling and three linear layers."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
                                        nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
                                        nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


class AlexNet(nn.Module):
    """``torchvision.models.AlexNet`` (the one-GPU variant of the paper)."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
                                        nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
                                        nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def alexnet(*, weights=None, progress=True, **kwargs):
    _no_weights(weights, kwargs)
    return AlexNet(**kwargs)


def _vgg(depth, batch_norm, weights, kwargs):
    _no_weights(weights, kwargs)
    return VGG(make_layers(_CONFIGS[depth], batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, **kwargs):
    return _vgg(11, False, weights, kwargs)


def vgg11_bn(*, weights=None, progress=True, **kwargs):
    return _vgg(11, True, weights, kwargs)


def vgg13(*, weights=None, progress=True, **kwargs):
    return _vgg(13, False, weights, kwargs)


def vgg13_bn(*, weights=None, progress=True, **kwargs):
    return _vgg(13, True, weights, kwargs)


def vgg16(*, weights=None, progress=True, **kwargs):
    return _vgg(16, False, weights, kwargs)


def vgg16_bn(*, weights=None, progress=True, **kwargs):
    return _vgg(16, True, weights, kwargs)


def vgg19(*, weights=None, progress=True, **kwargs):
    return _vgg(19, False, weights, kwargs)


def vgg19_bn(*, weights=None, progress=True, **kwargs):
    return _vgg(19, True, weights, kwargs)

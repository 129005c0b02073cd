"""U-Net for semantic segmentation (Ronneberger et al., 2015), as the common PyTorch tutorial code.

The module tree, and so every ``state_dict`` key, is that of the PyTorch tutorial model
(``downs.0.dualconv.0.weight``, ``ups.0.weight``, ``bottleneck.dualconv.4.running_mean``,
``final_conv.bias``...): weights trained there load here and back.
"""
from .. import nn
from ..nn import functional as F
from ..ops.shape import cat

__all__ = ["DualConv", "UNet", "unet_output_size"]


class DualConv(nn.Module):
    """Two (3×3 convolution without bias → BatchNorm → ReLU) blocks, in ``self.dualconv``.
    ``padding=1`` keeps the size; ``padding=0`` (the paper's) trims 2 pixels per convolution."""

    def __init__(self, in_channels, out_channels, padding=1):
        super().__init__()
        self.dualconv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, 1, padding, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 3, 1, padding, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
        )

    def forward(self, x):
        layers = list(self.dualconv)
        if not _standard_blocks(layers):  # a user swapped a layer: run the Sequential as it is
            return self.dualconv(x)
        for conv, norm in ((layers[0], layers[1]), (layers[3], layers[4])):
            x = norm.forward_relu(conv(x))  # BatchNorm and ReLU fused: one pass less over the activation
        return x


def _standard_blocks(layers):
    """Whether ``layers`` are still Conv2d, BatchNorm2d (or its SyncBatchNorm), ReLU twice, as DualConv builds
    them."""
    kinds = (nn.Conv2d, (nn.BatchNorm2d, nn.SyncBatchNorm), nn.ReLU) * 2
    return len(layers) == 6 and all(type(layer) in (kind if isinstance(kind, tuple) else (kind,))
                                    for layer, kind in zip(layers, kinds))


class UNet(nn.Module):
    """U-Net: ``len(features)`` down levels (DualConv then 2×2 max-pool), a bottleneck DualConv
    with twice the last width, and as many up levels (2×2 transposed convolution, concatenation
    with the skip of the same level, DualConv), then a 1×1 convolution to ``out_channels`` scores
    per pixel.

    ``padding=1`` (default, the tutorial's): the output has the input's size; when an up-sampled
    map is smaller than its skip (odd sizes), it is resized bilinearly to the skip's size.
    ``padding=0``: the original paper's unpadded convolutions, each skip centre-cropped to the
    up-sampled size, so 572×572 inputs give 388×388 outputs (see ``unet_output_size``).
    """

    def __init__(self, in_channels=3, out_channels=1, features=(64, 128, 256, 512), padding=1):
        super().__init__()
        features = tuple(int(f) for f in features)
        if not features or any(f <= 0 for f in features):
            raise ValueError(f"UNet: features must be a non-empty sequence of positive widths, got {features}")
        if any(b != 2 * a for a, b in zip(features, features[1:])):
            raise ValueError(f"UNet: each level needs twice the channels of the one before (the up path's "
                             f"ConvTranspose2d(2f, f) takes the level below's output), got features={features}")
        if padding not in (0, 1):
            raise ValueError(f"UNet: padding must be 1 (same-size convolutions) or 0 (the paper's unpadded "
                             f"convolutions), got {padding}")
        self.in_channels, self.out_channels, self.features, self.padding = in_channels, out_channels, features, padding
        self.downs = nn.ModuleList()
        channels = in_channels
        for f in features:
            self.downs.append(DualConv(channels, f, padding))
            channels = f
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.bottleneck = DualConv(features[-1], 2 * features[-1], padding)
        self.ups = nn.ModuleList()
        for f in reversed(features):
            self.ups.append(nn.ConvTranspose2d(2 * f, f, kernel_size=2, stride=2))
            self.ups.append(DualConv(2 * f, f, padding))
        self.final_conv = nn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"UNet: expected input of shape (N, {self.in_channels}, H, W), got {tuple(x.shape)}")
        if self.padding == 0:
            out = unet_output_size(x.shape[2:], len(self.features), 0)
            if min(out) <= 0:
                raise ValueError(f"UNet(padding=0): input {tuple(x.shape[2:])} is too small for "
                                 f"{len(self.features)} levels of unpadded convolutions")
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for level in range(len(self.features)):
            x = self.ups[2 * level](x)
            skip = skips[-1 - level]
            size = tuple(skip.shape[2:])
            if tuple(x.shape[2:]) != size:
                if self.padding == 0:
                    skip = F.center_crop(skip, tuple(x.shape[2:]))
                else:
                    x = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
            x = self.ups[2 * level + 1](cat((skip, x), dim=1))
        return self.final_conv(x)


def unet_output_size(size, depth=4, padding=1):
    """The (H, W) a UNet with ``depth`` levels outputs for an (H, W) input, computed from shapes only.
    With ``padding=1`` it is the input's size; with ``padding=0`` each DualConv trims 4 pixels,
    pooling halves (rounding down), and up-sampling doubles."""
    def one(n):
        if padding == 1:
            return n
        for _ in range(depth):
            n = (n - 4) // 2
        n -= 4
        for _ in range(depth):
            n = 2 * n - 4
        return n
    return tuple(one(int(n)) for n in size)

"""The PyTorch reference U-Net, shared by the tests and the benchmarks: the tutorial's U-Net in torch.nn, module for
module as minigrad.models.UNet, so that the two state_dicts have the same keys and one loads the other's weights."""
import torch
import torch.nn as tnn
import torch.nn.functional as TF


class TorchDualConv(tnn.Module):
    def __init__(self, in_channels, out_channels, padding=1):
        super().__init__()
        self.dualconv = tnn.Sequential(
            tnn.Conv2d(in_channels, out_channels, 3, 1, padding, bias=False),
            tnn.BatchNorm2d(out_channels),
            tnn.ReLU(inplace=True),
            tnn.Conv2d(out_channels, out_channels, 3, 1, padding, bias=False),
            tnn.BatchNorm2d(out_channels),
            tnn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.dualconv(x)


class TorchUNet(tnn.Module):
    def __init__(self, in_channels=3, out_channels=1, features=(64, 128, 256, 512), padding=1):
        super().__init__()
        self.padding = padding
        self.downs = tnn.ModuleList()
        for f in features:
            self.downs.append(TorchDualConv(in_channels, f, padding))
            in_channels = f
        self.pool = tnn.MaxPool2d(kernel_size=2, stride=2)
        self.bottleneck = TorchDualConv(features[-1], features[-1] * 2, padding)
        self.ups = tnn.ModuleList()
        for f in reversed(features):
            self.ups.append(tnn.ConvTranspose2d(f * 2, f, kernel_size=2, stride=2))
            self.ups.append(TorchDualConv(f * 2, f, padding))
        self.final_conv = tnn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        skips = skips[::-1]
        for i in range(0, len(self.ups), 2):
            x = self.ups[i](x)
            skip = skips[i // 2]
            if x.shape[2:] != skip.shape[2:]:
                if self.padding == 0:
                    top, left = (skip.shape[2] - x.shape[2]) // 2, (skip.shape[3] - x.shape[3]) // 2
                    skip = skip[:, :, top:top + x.shape[2], left:left + x.shape[3]]
                else:
                    x = TF.interpolate(x, size=skip.shape[2:], mode="bilinear", align_corners=False)
            x = self.ups[i + 1](torch.cat((skip, x), dim=1))
        return self.final_conv(x)

"""``minigrad.models``: ready-made networks."""
from .unet import UNet, DualConv, unet_output_size  # noqa: F401

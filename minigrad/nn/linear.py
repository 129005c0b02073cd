"""``nn.Linear``, ``nn.Bilinear``, ``nn.Identity``, ``nn.Flatten`` and ``nn.Unflatten``, and ``nn.PixelShuffle`` and
``nn.PixelUnshuffle`` (reshapes too)."""
from . import functional as F
from . import init
from .conv import add_parameters
from .module import Module

__all__ = ["Linear", "Bilinear", "Identity", "Flatten", "Unflatten", "PixelShuffle", "PixelUnshuffle"]


class Linear(Module):
    """``torch.nn.Linear``: y = x Wᵀ + b, weight (out_features, in_features), PyTorch's default init."""

    def __init__(self, in_features, out_features, bias=True, device="cpu", dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        add_parameters(self, (out_features, in_features), out_features, bias, device, dtype)

    def reset_parameters(self):
        """PyTorch's default: ``init.default_layer_init_``."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input):  # noqa: A002
        return F.linear(input, self.weight, self.bias)  # (a wrong size: matmul's "mat1 and mat2 shapes" message)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """``torch.nn.Bilinear(in1_features, in2_features, out_features)``: y_k = x1ᵀ W_k x2 + b_k, weight and bias
    drawn from U(-1/sqrt(in1_features), 1/sqrt(in1_features)) as PyTorch's."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device="cpu", dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        add_parameters(self, (out_features, in1_features, in2_features), out_features, bias, device, dtype)

    def reset_parameters(self):
        bound = 1 / self.in1_features ** 0.5
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Identity(Module):
    """``torch.nn.Identity``: returns its input."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):  # noqa: A002
        return input


class Flatten(Module):
    """``torch.nn.Flatten(start_dim=1, end_dim=-1)``."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """``torch.nn.Unflatten(dim, unflattened_size)``: dim ``dim`` split into ``unflattened_size``."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):  # noqa: A002
        dim = self.dim % input.ndim
        return input.reshape(tuple(input.shape[:dim]) + self.unflattened_size + tuple(input.shape[dim + 1:]))

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class PixelShuffle(Module):
    """``torch.nn.PixelShuffle(upscale_factor)``."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):  # noqa: A002
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``torch.nn.PixelUnshuffle(downscale_factor)``."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):  # noqa: A002
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"

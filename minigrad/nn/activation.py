"""Activation modules, as ``torch.nn``'s: ReLU, LeakyReLU, Sigmoid, Tanh, the softmaxes, and the smooth and
piecewise ones of ``nn.functional`` (GELU, SiLU, Mish, ELU, SELU, CELU, Softplus, LogSigmoid, Hardtanh, ReLU6,
Hardsigmoid, Hardswish, Threshold, the shrinks, Softsign, Softmin, GLU, RReLU), and PReLU with its learned
slopes."""
from .. import creation
from . import functional as F
from .module import Module
from .parameter import Parameter

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmax2d", "GELU", "SiLU", "Mish",
           "ELU", "SELU", "CELU", "Softplus", "LogSigmoid", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "PReLU",
           "Threshold", "Hardshrink", "Softshrink", "Tanhshrink", "Softsign", "Softmin", "GLU", "RReLU"]


class ReLU(Module):
    """``torch.nn.ReLU``; with ``inplace=True`` it writes into its input and returns it, as PyTorch."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``torch.nn.LeakyReLU(negative_slope=0.01)``."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, inplace=self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """``torch.nn.Sigmoid``."""

    def forward(self, input):  # noqa: A002
        return F.sigmoid(input)


class Tanh(Module):
    """``torch.nn.Tanh``."""

    def forward(self, input):  # noqa: A002
        return F.tanh(input)


class Softmax(Module):
    """``torch.nn.Softmax(dim)``."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """``torch.nn.LogSoftmax(dim)``."""

    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim)


class Softmax2d(Module):
    """``torch.nn.Softmax2d``: softmax over the channels of (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)


class _Elementwise(Module):
    """An activation module that calls ``functional.<name>`` with the options it was built with."""
    function = None  # the nn.functional name

    def __init__(self, **options):
        super().__init__()
        self.option_names = tuple(options)
        for name, value in options.items():
            setattr(self, name, value)  # attributes, as PyTorch's modules have them (read at each call)

    def forward(self, input):  # noqa: A002
        return getattr(F, self.function)(input, **{name: getattr(self, name) for name in self.option_names})

    def extra_repr(self):
        options = {name: getattr(self, name) for name in self.option_names}
        return ", ".join(f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}"
                         for name, value in options.items() if name != "inplace" or value)


class GELU(_Elementwise):
    """``torch.nn.GELU(approximate='none')``."""
    function = "gelu"

    def __init__(self, approximate="none"):
        super().__init__(approximate=approximate)


class SiLU(_Elementwise):
    """``torch.nn.SiLU``: x * sigmoid(x)."""
    function = "silu"

    def __init__(self, inplace=False):
        super().__init__(inplace=inplace)


class Mish(SiLU):
    """``torch.nn.Mish``: x * tanh(softplus(x))."""
    function = "mish"


class ELU(_Elementwise):
    """``torch.nn.ELU(alpha=1.0)``."""
    function = "elu"

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(alpha=alpha, inplace=inplace)


class CELU(ELU):
    """``torch.nn.CELU(alpha=1.0)``."""
    function = "celu"


class SELU(SiLU):
    """``torch.nn.SELU``."""
    function = "selu"


class Softplus(_Elementwise):
    """``torch.nn.Softplus(beta=1.0, threshold=20.0)``."""
    function = "softplus"

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__(beta=beta, threshold=threshold)


class LogSigmoid(_Elementwise):
    """``torch.nn.LogSigmoid``."""
    function = "logsigmoid"


class Hardtanh(_Elementwise):
    """``torch.nn.Hardtanh(min_val=-1.0, max_val=1.0)``."""
    function = "hardtanh"

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        super().__init__(min_val=min_val, max_val=max_val, inplace=inplace)


class ReLU6(SiLU):
    """``torch.nn.ReLU6``: hardtanh(x, 0, 6)."""
    function = "relu6"


class Hardsigmoid(SiLU):
    """``torch.nn.Hardsigmoid``."""
    function = "hardsigmoid"


class Hardswish(SiLU):
    """``torch.nn.Hardswish``."""
    function = "hardswish"


class PReLU(Module):
    """``torch.nn.PReLU(num_parameters=1, init=0.25)``: x where x > 0, else a learned slope times x, one slope for
    all channels or one per channel (dim 1)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(creation.full((num_parameters,), init, dtype=dtype, device=device or "cpu"))

    def reset_parameters(self):
        from . import init as initializers
        initializers.constant_(self.weight, self.init)

    def forward(self, input):  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Threshold(_Elementwise):
    """``torch.nn.Threshold(threshold, value)``: input where input > threshold, else value."""
    function = "threshold"

    def __init__(self, threshold, value, inplace=False):
        super().__init__(threshold=threshold, value=value, inplace=inplace)


class Hardshrink(_Elementwise):
    """``torch.nn.Hardshrink(lambd=0.5)``."""
    function = "hardshrink"

    def __init__(self, lambd=0.5):
        super().__init__(lambd=lambd)

    def extra_repr(self):
        return f"{self.lambd}"  # (PyTorch prints the value alone)


class Softshrink(Hardshrink):
    """``torch.nn.Softshrink(lambd=0.5)``."""
    function = "softshrink"


class Tanhshrink(_Elementwise):
    """``torch.nn.Tanhshrink``: x - tanh(x)."""
    function = "tanhshrink"


class Softsign(_Elementwise):
    """``torch.nn.Softsign``: x / (1 + |x|)."""
    function = "softsign"


class Softmin(_Elementwise):
    """``torch.nn.Softmin(dim=None)``: softmax of -x."""
    function = "softmin"

    def __init__(self, dim=None):
        super().__init__(dim=dim)


class GLU(_Elementwise):
    """``torch.nn.GLU(dim=-1)``: the first half times the sigmoid of the second."""
    function = "glu"

    def __init__(self, dim=-1):
        super().__init__(dim=dim)


class RReLU(Module):
    """``torch.nn.RReLU(lower=1/8, upper=1/3)``: random slopes in training, their mean in evaluation."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")

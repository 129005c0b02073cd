"""Padding layers, as ``torch.nn``'s: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad in 1-D,
2-D and 3-D, each ``functional.pad`` with its mode; ``padding`` an int (every side) or (left, right[, top, bottom[, front, back]])."""
from . import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d",
           "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d", "CircularPad2d", "ZeroPad3d", "ConstantPad3d",
           "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"]


class _Pad(Module):
    mode, sides, show_value = "constant", 2, False

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (int(padding),) * self.sides
        if len(self.padding) != self.sides:
            raise ValueError(f"{type(self).__name__}: padding must be an int or a {self.sides}-tuple, got {padding}")
        self.value = value

    def forward(self, input):  # noqa: A002
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}" if self.show_value else f"{self.padding}"


class ConstantPad1d(_Pad):
    """``torch.nn.ConstantPad1d(padding, value)``."""
    show_value = True

    def __init__(self, padding, value):
        super().__init__(padding, value)


class ConstantPad2d(ConstantPad1d):
    """``torch.nn.ConstantPad2d(padding, value)``."""
    sides = 4


class ZeroPad1d(_Pad):
    """``torch.nn.ZeroPad1d(padding)``."""


class ZeroPad2d(_Pad):
    """``torch.nn.ZeroPad2d(padding)``."""
    sides = 4


class ReflectionPad1d(_Pad):
    """``torch.nn.ReflectionPad1d(padding)``: the border reflected, not repeated."""
    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """``torch.nn.ReflectionPad2d(padding)``."""
    sides = 4


class ReplicationPad1d(_Pad):
    """``torch.nn.ReplicationPad1d(padding)``: the edge value repeated."""
    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """``torch.nn.ReplicationPad2d(padding)``."""
    sides = 4


class CircularPad1d(_Pad):
    """``torch.nn.CircularPad1d(padding)``: wrapped around."""
    mode = "circular"


class CircularPad2d(CircularPad1d):
    """``torch.nn.CircularPad2d(padding)``."""
    sides = 4


class ConstantPad3d(ConstantPad1d):
    """``torch.nn.ConstantPad3d(padding, value)``."""
    sides = 6


class ZeroPad3d(_Pad):
    """``torch.nn.ZeroPad3d(padding)``."""
    sides = 6


class ReflectionPad3d(ReflectionPad1d):
    """``torch.nn.ReflectionPad3d(padding)``."""
    sides = 6


class ReplicationPad3d(ReplicationPad1d):
    """``torch.nn.ReplicationPad3d(padding)``."""
    sides = 6


class CircularPad3d(CircularPad1d):
    """``torch.nn.CircularPad3d(padding)``."""
    sides = 6

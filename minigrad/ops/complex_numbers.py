"""Complex tensors' own ops, as PyTorch's: real, imag, conj, abs, angle, view_as_real, view_as_complex, complex,
polar.

Gradients follow PyTorch's convention: a complex tensor's ``.grad`` is dL/dx + i dL/dy for a real loss L of
z = x + iy, so a holomorphic op's backward multiplies by the conjugate of its derivative, and an op from complex
to real (abs, angle, real, imag) hands back the complex direction in which L grows. Complex tensors live on the
CPU; an op whose backward was not written for them refuses them (``Function.supports_complex``).
"""
import numpy as np

from ..autograd import Function
from ..tensor import Tensor, torch_type_name
from .elementwise import _check_broadcast

__all__ = ["view_as_real", "view_as_complex", "polar"]  # and complex_from_parts, bound as torch.complex


def refuse_complex(x, message):
    """PyTorch's error for an op complex numbers have no meaning for (an order, a rounding): ``message`` is
    PyTorch's, with {} for the dtype's name ("ComplexFloat"); NotImplementedError where PyTorch's kernel table
    has no entry (its message starts with a quote), else RuntimeError."""
    if x.dtype.kind == "c":
        text = message.format(torch_type_name(x.dtype))
        raise (NotImplementedError if text.startswith('"') or "not supported" in text else RuntimeError)(text)


def real_dtype(dtype):
    """The dtype of a complex (or real) dtype's parts: float32 for complex64, float64 for complex128."""
    return np.finfo(dtype).dtype


def complex_dtype(dtype):
    """The complex dtype of a float (or complex) dtype's precision: complex64 for float32, complex128 else."""
    return np.dtype(np.complex64) if real_dtype(dtype) == np.float32 else np.dtype(np.complex128)


def real_pairs(array):
    """A complex array's memory seen as (..., 2) real pairs (what ``view_as_real`` shows)."""
    return array[..., None].view(real_dtype(array.dtype))


def complex_of_pairs(array):
    """(..., 2) real pairs as complex numbers (what ``view_as_complex`` shows; copied first if not contiguous)."""
    return np.ascontiguousarray(array).view(complex_dtype(array.dtype))[..., 0]


def _as_complex(real, imag=None, dtype=None):
    """A new complex array of ``real`` + i ``imag`` (either may be None for zeros)."""
    source = real if real is not None else imag
    out = np.zeros(source.shape, dtype or complex_dtype(source.dtype))
    if real is not None:
        out.real = real
    if imag is not None:
        out.imag = imag
    return out


class Real(Function):
    """``z.real``: a view of the real parts; the gradient is real, so z's is g + 0i."""

    supports_complex = True

    def forward(self, a):
        self.dtype = a.dtype
        return a.real

    def backward(self, g):
        return _as_complex(g, dtype=self.dtype)


class Imag(Function):
    """``z.imag``: a view of the imaginary parts; z's gradient is 0 + i g."""

    supports_complex = True

    def forward(self, a):
        self.dtype = a.dtype
        return a.imag

    def backward(self, g):
        return _as_complex(None, g, dtype=self.dtype)


class Conj(Function):
    """``torch.conj`` (materialized: minigrad has no lazy conjugate bit); its gradient is conj(g)."""

    supports_complex = True

    def forward(self, a):
        return np.conjugate(a)

    def backward(self, g):
        return np.conjugate(g)


class ComplexAbs(Function):
    """|z| as a real tensor; gradient g z/|z| (0 at z = 0), PyTorch's ``g * sgn(z)``."""

    supports_complex = True

    def forward(self, a):
        out = np.abs(a)
        self.save_for_backward(a, out)
        return out

    def backward(self, g):
        a, magnitude = self.saved
        with np.errstate(all="ignore"):
            sign = np.where(magnitude == 0, np.zeros((), a.dtype), a / magnitude)
        return g * sign


class ComplexSign(Function):
    """``torch.sgn`` of a complex tensor: s = z / |z| (0 at 0); for a real loss the gradient is
    (g - Re(conj(s) g) s) / |z| (0 at 0)."""

    supports_complex = True

    def forward(self, a):
        magnitude = np.abs(a)
        with np.errstate(all="ignore"):
            out = np.where(magnitude == 0, np.zeros((), a.dtype), a / magnitude)
        self.save_for_backward(magnitude, out)
        return out

    def backward(self, g):
        magnitude, sign = self.saved
        along = (np.conjugate(sign) * g).real
        with np.errstate(all="ignore"):
            return np.where(magnitude == 0, np.zeros((), g.dtype), (g - along * sign) / magnitude)


class ComplexAngle(Function):
    """arg z as a real tensor; gradient g i z / |z|^2 (0 at z = 0), as PyTorch's angle_backward."""

    supports_complex = True

    def forward(self, a):
        self.save_for_backward(a)
        return np.angle(a).astype(real_dtype(a.dtype), copy=False)

    def backward(self, g):
        a, = self.saved
        squared = a.real * a.real + a.imag * a.imag
        with np.errstate(all="ignore"):
            turned = np.where(squared == 0, np.zeros((), a.dtype), (a * 1j).astype(a.dtype) / squared)
        return g * turned


class ViewAsReal(Function):
    """``torch.view_as_real``: the same memory seen as (..., 2) real pairs."""

    supports_complex = True

    def forward(self, a):
        return real_pairs(a)

    def backward(self, g):
        return complex_of_pairs(g)


class ViewAsComplex(Function):
    """``torch.view_as_complex``: (..., 2) real pairs seen as complex numbers, sharing memory."""

    def forward(self, a):
        return a.view(complex_dtype(a.dtype))[..., 0]  # (checked contiguous in its last dim: a view, no copy)

    def backward(self, g):
        return np.ascontiguousarray(real_pairs(g))


def view_as_real(input):  # noqa: A002
    """``torch.view_as_real``: a complex tensor's memory as a real tensor with a last dimension of 2."""
    if input.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return ViewAsReal.apply(input)


def view_as_complex(input):  # noqa: A002
    """``torch.view_as_complex``: a float or double tensor whose last dimension is (real, imag), as complex
    numbers sharing its memory, with PyTorch's checks on that dimension and the strides."""
    if input.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor of "
                           f"scalar type: {torch_type_name(input.dtype)}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    strides = [s // input.array.itemsize for s in input.array.strides]
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return ViewAsComplex.apply(input)


class MakeComplex(Function):
    """``torch.complex(real, imag)``; the gradients are g's real and imaginary parts."""

    def forward(self, real, imag):
        self.shapes = (real.shape, imag.shape)
        shape = np.broadcast_shapes(real.shape, imag.shape)
        return _as_complex(np.broadcast_to(real, shape), np.broadcast_to(imag, shape))

    def backward(self, g):
        B = self.B
        return B.sum_to_shape(g.real.copy(), self.shapes[0]), B.sum_to_shape(g.imag.copy(), self.shapes[1])


class Polar(Function):
    """``torch.polar(abs, angle)`` = abs (cos angle + i sin angle); for a real loss the gradients are
    Re(conj(g) e^{i angle}) for abs and abs Im(conj(g) e^{i angle}) for angle."""

    def forward(self, magnitude, angle):
        self.shapes = (magnitude.shape, angle.shape)
        shape = np.broadcast_shapes(magnitude.shape, angle.shape)
        cos, sin = np.cos(angle), np.sin(angle)
        self.save_for_backward(magnitude, cos, sin)
        return _as_complex(np.broadcast_to(magnitude * cos, shape), np.broadcast_to(magnitude * sin, shape))

    def backward(self, g):
        magnitude, cos, sin = self.saved
        B = self.B
        along = g.real * cos + g.imag * sin
        across = (g.imag * cos - g.real * sin) * magnitude
        return B.sum_to_shape(along, self.shapes[0]), B.sum_to_shape(across, self.shapes[1])


def _check_parts(name, real, imag):
    for part in (real, imag):
        if not isinstance(part, Tensor):
            raise TypeError(f"{name}(): argument must be Tensor, not {type(part).__name__}")
    if real.dtype != imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {torch_type_name(real.dtype)} but got scalar type "
                           f"{torch_type_name(imag.dtype)} for second argument")
    if real.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{torch_type_name(real.dtype)} and {torch_type_name(imag.dtype)}")
    _check_broadcast(real, imag)


def complex_from_parts(real, imag):
    """``torch.complex``: real + i imag, from two float or double tensors of one dtype (broadcast)."""
    _check_parts("complex", real, imag)
    return MakeComplex.apply(real, imag)


def polar(abs, angle):  # noqa: A002  (PyTorch's parameter names)
    """``torch.polar``: abs (cos angle + i sin angle), from two float or double tensors of one dtype."""
    _check_parts("polar", abs, angle)
    return Polar.apply(abs, angle)


def real_part(z):
    """``torch.real`` / ``z.real`` of a complex tensor: a view of its real parts."""
    return Real.apply(z)


def imag_part(z):
    """``torch.imag`` / ``z.imag`` of a complex tensor: a view of its imaginary parts."""
    return Imag.apply(z)


def conjugate(z):
    """``torch.conj`` of a complex tensor: its conjugate (a new tensor: ``is_conj()`` stays False)."""
    return Conj.apply(z)


def magnitude(z):
    """``torch.abs`` of a complex tensor: |z|, real."""
    return ComplexAbs.apply(z)


def argument(z):
    """``torch.angle`` of a complex tensor: arg z in (-pi, pi], real."""
    return ComplexAngle.apply(z)

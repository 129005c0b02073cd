"""``torch.fft``: PyTorch's discrete Fourier transforms, their arguments, checks and dtypes, differentiable.

Each function resizes its input along the transformed dims (``n``/``s``: zeros appended or the end cut off, by
differentiable ops) and calls one of the three transforms of ``ops/fft.py``. The Hermitian ones are compositions,
as in PyTorch: ``hfft`` is ``irfft`` of the conjugate with the scaling of the forward direction, ``ihfft`` the
conjugate of ``rfft`` with that of the inverse.
"""
import numpy as np

from .creation import tensor, zeros
from .ops.fft import C2C, C2R, R2C
from .ops.shape import cat
from .tensor import Tensor, default_float, torch_type_name

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_OTHER_SIDE = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _OTHER_SIDE:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _floating(x, op):
    """``x`` as a float or complex tensor PyTorch's FFTs accept: integers and bools become the default float,
    float16 is refused (PyTorch's CPU FFTs have no half precision)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if x.dtype.kind in "biu":
        x = x.to(default_float())
    if x.dtype == np.float16:
        raise RuntimeError("Unsupported dtype Half")
    return x


# PyTorch's message for a complex input to a transform of real signals, by function
_REAL_EXPECTED = {"rfft": "rfft expects a real input tensor, but got {}", "ihfft": "ihfft expects a real input "
                  "tensor, but got {}", "rfftn": "rfftn expects a real-valued input tensor, but got {}",
                  "ihfftn": "Only supports floating-point dtypes, but found: {}"}


def _as_complex(x):
    return x if x.dtype.kind == "c" else x.to(np.complex64 if x.dtype == np.float32 else np.complex128)


def _dims_and_sizes(x, s, dim, default_all=True):
    """PyTorch's canon_dims: the transformed dims (normalized, unique) and their sizes (-1: the input's)."""
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        for d in dims:
            if x.ndim == 0:
                raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
            if not -x.ndim <= d < max(x.ndim, 1):
                raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, {x.ndim - 1}], "
                                 f"but got {d})")
        dims = [d % x.ndim for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > x.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions.")
        dims = list(range(x.ndim - len(s), x.ndim))
    else:
        dims = list(range(x.ndim)) if default_all else []
    sizes = [x.shape[d] if s is None or s[i] == -1 else int(s[i]) for i, d in enumerate(dims)]
    for n in sizes:
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return dims, sizes


def _resized(x, dims, sizes):
    """``x`` cut or zero-padded at the end of each dim to its size, differentiably."""
    for d, n in zip(dims, sizes):
        have = x.shape[d]
        if n < have:
            x = x.narrow(d, 0, n)
        elif n > have:
            shape = list(x.shape)
            shape[d] = n - have
            x = cat([x, zeros(*shape, dtype=x.dtype)], d)
    return x


def _c2c(x, s, dim, norm, inverse, op):
    x = _as_complex(_floating(x, op))
    dims, sizes = _dims_and_sizes(x, s, dim)
    if not dims:
        return x.clone()
    return C2C.apply(_resized(x, dims, sizes), axes=tuple(dims), norm=_norm(norm), inverse=inverse)


def _r2c(x, s, dim, norm, op, family):
    x = _floating(x, op)
    if x.dtype.kind == "c" and op in ("rfft", "ihfft", "rfft2", "rfftn"):  # (checked before the dims, as PyTorch)
        raise RuntimeError(_REAL_EXPECTED[op if op in _REAL_EXPECTED else family].format(torch_type_name(x.dtype)))
    dims, sizes = _dims_and_sizes(x, s, dim)
    if x.dtype.kind == "c":
        raise RuntimeError(_REAL_EXPECTED[family].format(torch_type_name(x.dtype)))
    if not dims:
        raise RuntimeError(f"{family} must transform at least one axis")
    return R2C.apply(_resized(x, dims, sizes), axes=tuple(dims), norm=_norm(norm))


def _c2r(x, s, dim, norm, op, family):
    x = _as_complex(_floating(x, op))
    dims, sizes = _dims_and_sizes(x, s, dim)
    if not dims:
        raise RuntimeError(f"{family} must transform at least one axis")
    if s is None or s[-1] == -1:
        sizes[-1] = 2 * (x.shape[dims[-1]] - 1)
        if sizes[-1] < 1:
            raise RuntimeError(f"Invalid number of data points ({sizes[-1]}) specified")
    last_size = sizes[-1]
    x = _resized(x, dims, sizes[:-1] + [last_size // 2 + 1])
    return C2R.apply(x, axes=tuple(dims), norm=_norm(norm), last_size=last_size)


def _one(n, dim):
    return (None if n is None else (n,)), (dim,)


def fft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.fft``: the 1-D DFT along ``dim``, of ``n`` points (zero-padded or cut)."""
    return _c2c(input, *_one(n, dim), norm, False, "fft")


def ifft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.ifft``: the 1-D inverse DFT (scaled by 1/n with the default norm)."""
    return _c2c(input, *_one(n, dim), norm, True, "ifft")


def fftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.fftn``: the DFT over ``dim`` (every dim, or the last len(s) ones, by default)."""
    return _c2c(input, s, dim, norm, False, "fftn")


def ifftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.ifftn``: the inverse DFT over ``dim``."""
    return _c2c(input, s, dim, norm, True, "ifftn")


def fft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.fft2``: ``fftn`` over the last two dims."""
    return _c2c(input, s, dim, norm, False, "fft2")


def ifft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.ifft2``: ``ifftn`` over the last two dims."""
    return _c2c(input, s, dim, norm, True, "ifft2")


def rfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.rfft``: the DFT of a real signal, its n // 2 + 1 non-redundant entries."""
    return _r2c(input, *_one(n, dim), norm, "rfft", "rfftn")


def irfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.irfft``: ``rfft``'s inverse, a real signal of ``n`` points (2 (m - 1) by default)."""
    return _c2r(input, *_one(n, dim), norm, "irfft", "irfftn")


def rfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.rfftn``: the DFT of a real tensor over ``dim``, the last of them halved."""
    return _r2c(input, s, dim, norm, "rfftn", "rfftn")


def irfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.irfftn``: ``rfftn``'s inverse."""
    return _c2r(input, s, dim, norm, "irfftn", "irfftn")


def rfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.rfft2``: ``rfftn`` over the last two dims."""
    return _r2c(input, s, dim, norm, "rfft2", "rfftn")


def irfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.irfft2``: ``irfftn`` over the last two dims."""
    return _c2r(input, s, dim, norm, "irfft2", "irfftn")


def _hfftn(x, s, dim, norm, op):
    return _c2r(_as_complex(_floating(x, op)).conj(), s, dim, _OTHER_SIDE[_norm(norm)], op, "hfftn")


def _ihfftn(x, s, dim, norm, op):
    return _r2c(x, s, dim, _OTHER_SIDE[_norm(norm)], op, "ihfftn").conj()


def hfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.hfftn``: the real DFT of a Hermitian-symmetric signal given by its half (``irfftn`` of the
    conjugate, scaled as the forward direction)."""
    return _hfftn(input, s, dim, norm, "hfftn")


def ihfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """``torch.fft.ihfftn``: ``hfftn``'s inverse, the half spectrum of a real signal (conjugate of ``rfftn``,
    scaled as the inverse direction)."""
    return _ihfftn(input, s, dim, norm, "ihfftn")


def hfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.hfft``: 1-D ``hfftn``."""
    return _hfftn(input, *_one(n, dim), norm, "hfft")


def ihfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """``torch.fft.ihfft``: 1-D ``ihfftn``."""
    return _ihfftn(input, *_one(n, dim), norm, "ihfft")


def hfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.hfft2``: ``hfftn`` over the last two dims."""
    return _hfftn(input, s, dim, norm, "hfft2")


def ihfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    """``torch.fft.ihfft2``: ``ihfftn`` over the last two dims."""
    return _ihfftn(input, s, dim, norm, "ihfft2")


def _frequencies(counts, n, d, dtype, device, requires_grad):
    """PyTorch's frequencies: the counts in the dtype times 1 / (d n) rounded to it (its arange, then mul_)."""
    dtype = np.dtype(dtype or default_float())
    values = np.asarray(counts, dtype) * dtype.type(1.0 / (n * d))
    return tensor(values, device=device, requires_grad=requires_grad)


def fftfreq(n, d=1.0, *, dtype=None, device="cpu", requires_grad=False, layout=None, pin_memory=False):
    """``torch.fft.fftfreq``: the sample frequencies [0, 1, ..., -2, -1] / (d n)."""
    counts = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)])
    return _frequencies(counts, n, d, dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, device="cpu", requires_grad=False, layout=None, pin_memory=False):
    """``torch.fft.rfftfreq``: the non-negative sample frequencies [0, 1, ..., n // 2] / (d n)."""
    return _frequencies(np.arange(n // 2 + 1), n, d, dtype, device, requires_grad)


def _rolled(input, dim, shift_of):  # noqa: A002
    dims = list(range(input.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    if not dims:
        return input.clone()
    return input.roll([shift_of(input.shape[d]) for d in dims], dims)


def fftshift(input, dim=None):  # noqa: A002
    """``torch.fft.fftshift``: the zero frequency moved to the middle (a roll by n // 2 along each dim)."""
    return _rolled(input, dim, lambda n: n // 2)


def ifftshift(input, dim=None):  # noqa: A002
    """``torch.fft.ifftshift``: ``fftshift`` undone (a roll by -(n // 2))."""
    return _rolled(input, dim, lambda n: -(n // 2))


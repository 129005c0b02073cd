"""PyTorch's older names that scripts still use: the typed constructors (``FloatTensor``, ``LongTensor``...),
``Tensor.type`` with one of them or its name, ``Tensor.new``; and the dtype facts ``finfo``, ``iinfo``,
``get_default_dtype`` and ``set_default_dtype`` (float32 or float64)."""
import warnings

import numpy as np

from .tensor import (Tensor, _default_float, bool_, default_float, float16, float32, float64, int8, int16, int32, int64,
                     uint8)

__all__ = ["bfloat16", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
           "CharTensor", "ByteTensor", "BoolTensor", "set_default_tensor_type",
           "finfo", "iinfo", "get_default_dtype", "set_default_dtype", "typename", "is_storage", "asarray",
           "frombuffer"]


class _TypedConstructor:
    """``torch.FloatTensor`` and its kin: ``Name(data)`` or ``Name(*sizes)`` (zeros) in one dtype."""

    def __init__(self, name, dtype):
        self.__name__ = self.__qualname__ = name
        self.dtype = dtype
        self.__doc__ = f"``torch.{name}``: a {dtype} tensor from data or sizes."

    def __call__(self, *data, device="cpu"):
        return _data_or_sizes(data, self.dtype, device)

    def __repr__(self):
        return f"<class 'torch.{self.__name__}'>"


FloatTensor, DoubleTensor, HalfTensor = (_TypedConstructor(n, d) for n, d in (
    ("FloatTensor", float32), ("DoubleTensor", float64), ("HalfTensor", float16)))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (_TypedConstructor(n, d) for n, d in (
    ("LongTensor", int64), ("IntTensor", int32), ("ShortTensor", int16), ("CharTensor", int8), ("ByteTensor", uint8),
    ("BoolTensor", bool_)))
_BY_NAME = {f"torch.{c.__name__}": c.dtype for c in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor,
                                                      ShortTensor, CharTensor, ByteTensor, BoolTensor)}


def dtype_type_name(dtype):
    """The legacy type name of a CPU tensor of ``dtype``: 'torch.FloatTensor' for float32."""
    return next((name for name, d in _BY_NAME.items() if d == dtype), f"torch.{dtype}")


def tensor_type(x, dtype=None, non_blocking=False):
    """``Tensor.type``: the type's name ('torch.FloatTensor') without an argument, else the tensor in that dtype
    (a dtype, a typed constructor or its name)."""
    if dtype is None:
        return dtype_type_name(x.dtype)
    if isinstance(dtype, str):
        if dtype not in _BY_NAME:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _BY_NAME[dtype]
    return x.to(getattr(dtype, "dtype", dtype))


def new(x, *data):
    """``Tensor.new``: a tensor of this one's dtype and device from data or sizes (zeros)."""
    return _data_or_sizes(data, x.dtype, x.device)


def _data_or_sizes(data, dtype, device):
    """``data`` (one argument that is not an int) in ``dtype``, or zeros of the sizes given."""
    if len(data) == 1 and not isinstance(data[0], (int, np.integer)):
        return Tensor(data[0], dtype=dtype, device=device)
    return Tensor(*data, device=device).to(dtype)


class finfo:
    """``torch.finfo``: a floating dtype's bits, eps, max, min, tiny (smallest_normal) and resolution, as Python
    numbers (numpy's values), its dtype's name, printed as PyTorch prints them."""

    def __init__(self, dtype=None):
        dtype = np.dtype(default_float() if dtype is None else dtype)
        if dtype.kind not in "fc":
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(dtype)
        self.bits, self.dtype = int(info.bits), str(info.dtype)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # (PyTorch forms it in double: 0.001 for float16)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo``: an integer dtype's bits, max and min as Python ints, its dtype's name."""

    def __init__(self, dtype):
        dtype = np.dtype(dtype)
        if dtype.kind == "b":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if dtype.kind not in "iu":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(dtype)
        self.bits, self.min, self.max, self.dtype = int(info.bits), int(info.min), int(info.max), str(dtype)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def get_default_dtype():
    """``torch.get_default_dtype``: the dtype Python floats, float creation functions and new layers' parameters
    take (float32 unless ``set_default_dtype`` changed it)."""
    return default_float()


def set_default_dtype(d):
    """``torch.set_default_dtype``: float32 or float64 from now on, for Python floats, float creation functions
    (``tensor``, ``zeros``, ``randn``, ``arange`` of floats...), new layers' parameters, and integer tensors made
    float (true division, ``sin`` of an integer tensor). minigrad's kernels are float32 and float64 only."""
    dtype = np.dtype(d)
    if dtype.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    if dtype not in (float32, float64):
        raise NotImplementedError(f"set_default_dtype: minigrad computes in float32 and float64, not {d}")
    _default_float[0] = dtype


def set_default_tensor_type(t):
    """``torch.set_default_tensor_type`` (deprecated, with PyTorch's warning): 'torch.FloatTensor' or
    'torch.DoubleTensor' (the name or the constructor) sets the default float dtype. A CUDA type, which in
    PyTorch also makes CUDA the default device, raises: minigrad's tensors are put on a device one by one."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    name = t if isinstance(t, str) else f"torch.{getattr(t, '__name__', t)}"
    if name.startswith("torch.cuda."):
        raise NotImplementedError(f"set_default_tensor_type({name!r}): minigrad has no default device to set; "
                                  "move tensors and modules with .to('cuda')")
    if name not in _BY_NAME:
        raise TypeError(f"invalid type: '{name}'")
    set_default_dtype(_BY_NAME[name])


class _Bfloat16:
    """``torch.bfloat16``, so that scripts naming it (a table of dtypes, an autocast argument) run: numpy and so
    minigrad have no bfloat16 arrays, and making a tensor of it raises, saying so."""

    @property
    def dtype(self):  # what np.dtype(bfloat16) asks for
        raise TypeError("minigrad has no bfloat16 tensors (numpy has no bfloat16); use float32, or float16 for "
                        "storage")

    def __repr__(self):
        return "minigrad.bfloat16"


bfloat16 = _Bfloat16()

def _to_bfloat16(x, memory_format=None):
    """``Tensor.bfloat16()``: raises as ``x.to(torch.bfloat16)`` does (no bfloat16 arrays)."""
    return x.to(bfloat16)


METHODS = {"type": tensor_type, "new": new, "bfloat16": _to_bfloat16}


def typename(obj):
    """``torch.typename``: a tensor's type name ('torch.FloatTensor'), else the object's qualified class name."""
    if isinstance(obj, Tensor):
        return tensor_type(obj)
    module = type(obj).__module__
    return type(obj).__qualname__ if module in (None, "builtins") else f"{module}.{type(obj).__qualname__}"


def is_storage(obj):
    """False: minigrad has no separate storage objects (a tensor's ``.array`` is its storage)."""
    return False


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``torch.asarray``: a tensor of ``obj`` sharing its memory when it can (a tensor or numpy array of the
    same dtype on the same device), copying when ``copy=True`` or when it must; ``copy=False`` where a copy is
    needed is an error, as PyTorch's."""
    from .creation import tensor
    device = device if device is not None else (obj.device if isinstance(obj, Tensor) else "cpu")
    if isinstance(obj, Tensor):
        shared = obj.to(device=device, dtype=dtype) if dtype is not None else obj.to(device)
        needs_copy = shared is not obj and shared.array is not obj.array
    elif isinstance(obj, np.ndarray) and (dtype is None or np.dtype(dtype) == obj.dtype) and str(device) == "cpu":
        shared, needs_copy = Tensor._wrap(obj, "cpu"), False
    else:
        shared, needs_copy = None, True
    if needs_copy and copy is False:
        raise ValueError("can't alias the tensor: the requested dtype or device needs a copy (copy=False)")
    if shared is None or copy:
        result = tensor(obj.array if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    else:
        result = shared
    if requires_grad:
        result.requires_grad_(True)
    return result


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """``torch.frombuffer``: a 1-D tensor over an object's bytes (bytearray, memoryview, array...), sharing them;
    ``count`` elements (-1: all that fit) from byte ``offset``."""
    values = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count, offset=offset)
    result = Tensor._wrap(values, "cpu")
    if requires_grad:
        result.requires_grad_(True)
    return result

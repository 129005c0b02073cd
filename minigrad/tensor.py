"""``minigrad.Tensor``: an array, the device it lives on, and its place in the autograd graph."""
import numpy as np

from . import autograd
from .backends import get_backend
from .device import device as _device

float32 = np.dtype("float32")
float64 = np.dtype("float64")
float16 = np.dtype("float16")
int64 = np.dtype("int64")
int32 = np.dtype("int32")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
long, int, float, double = int64, int32, float32, float64  # noqa: A001  PyTorch's aliases

_FLOATS = (float16, float32, float64)


def _is_floating(dtype):
    return dtype in _FLOATS


class Tensor:
    """A multi-dimensional array with reverse-mode autograd, as ``torch.Tensor``.

    ``tensor.array`` is the raw storage (a numpy array on the CPU); ``.data``
    is a Tensor sharing it, detached from the graph, as in PyTorch.
    """

    __slots__ = ("array", "device", "requires_grad", "grad", "_ctx", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # numpy scalars on the left defer to Tensor's reflected ops

    def __init__(self, data, dtype=None, device="cpu", requires_grad=False):
        dev = _device(device)
        backend = get_backend(dev)
        if isinstance(data, Tensor):
            data = data.array
        if dtype is None and not backend.is_array(data):
            probe = np.asarray(data)
            dtype = float32 if probe.dtype.kind in "fc" else (bool_ if probe.dtype.kind == "b" else int64)
        array = backend.asarray(data, dtype)
        self._init(array, dev, requires_grad)

    def _init(self, array, dev, requires_grad):
        self.array = array
        self.device = dev
        self.grad = None
        self._ctx = None
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, device="cpu", requires_grad=False):
        """A Tensor around an existing array, without copying or checks."""
        t = cls.__new__(cls)
        t.array = array
        t.device = _device(device)
        t.grad = None
        t._ctx = None
        t._retains_grad = False
        t.requires_grad = requires_grad
        return t

    # ------------------------------------------------------------------ metadata
    @property
    def backend(self):
        return get_backend(self.device)

    @property
    def shape(self):
        return Size(self.array.shape)

    def size(self, dim=None):
        """The shape, or its length along ``dim``, as ``torch.Tensor.size``."""
        return self.shape if dim is None else self.array.shape[dim]

    @property
    def ndim(self):
        return len(self.array.shape)

    def dim(self):
        return self.ndim

    def numel(self):
        n = 1
        for s in self.array.shape:
            n *= s
        return n

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    @property
    def dtype(self):
        return np.dtype(self.array.dtype)

    @property
    def is_leaf(self):
        return self._ctx is None

    @property
    def grad_fn(self):
        return self._ctx

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def is_floating_point(self):
        return _is_floating(self.dtype)

    @property
    def data(self):
        return Tensor._wrap(self.array, self.device)

    @data.setter
    def data(self, value):
        self.array = value.array if isinstance(value, Tensor) else self.backend.asarray(value, self.dtype)

    # ------------------------------------------------------------------ autograd
    def requires_grad_(self, requires_grad=True):
        """Start (or stop) recording operations on this leaf, as ``torch.Tensor.requires_grad_``."""
        if requires_grad and not _is_floating(self.dtype):
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, got {self.dtype}")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor after backward, as ``torch.Tensor.retain_grad``."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True

    def backward(self, gradient=None, retain_graph=False):
        """Accumulate gradients of this tensor into the leaves' ``.grad``, as ``torch.Tensor.backward``."""
        autograd.backward(self, gradient, retain_graph)

    def _accumulate_grad(self, grad_array):
        if self.grad is None:
            # A copy: backward may hand the same array to several inputs, or a view of another gradient.
            self.grad = Tensor._wrap(self.backend.copy(grad_array), self.device)
        else:
            self.grad.array = self.backend.add(self.grad.array, grad_array)

    def detach(self):
        """A tensor sharing this one's storage, cut from the graph, as ``torch.Tensor.detach``."""
        return Tensor._wrap(self.array, self.device)

    def detach_(self):
        self._ctx = None
        self.requires_grad = False
        return self

    # ------------------------------------------------------------------ conversion
    def numpy(self):
        """The values as a numpy array (shared on the CPU), as ``torch.Tensor.numpy``."""
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.backend.to_numpy(self.array)

    def item(self):
        """The single value as a Python number, as ``torch.Tensor.item``."""
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.backend.to_numpy(self.array).reshape(()).item()

    def tolist(self):
        return self.backend.to_numpy(self.array).tolist()

    def __float__(self):
        return float(self.item()) if not isinstance(self.item(), bool) else float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.is_floating_point():
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __array__(self, dtype=None, copy=None):
        a = self.backend.to_numpy(self.array)
        return a if dtype is None else a.astype(dtype)

    def to(self, *args, **kwargs):
        """Move to a device and/or cast to a dtype, as ``torch.Tensor.to``."""
        from .ops.shape import to_device, to_dtype
        out = self
        dev, dtype = kwargs.get("device"), kwargs.get("dtype")
        for a in args:
            if isinstance(a, (str, _device)):
                dev = a
            elif isinstance(a, Tensor):
                dev, dtype = a.device, a.dtype
            else:
                dtype = a
        if dtype is not None and np.dtype(dtype) != self.dtype:
            out = to_dtype(out, np.dtype(dtype))
        if dev is not None and _device(dev) != self.device:
            out = to_device(out, _device(dev))
        return out

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    def float(self):
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def long(self):
        return self.to(int64)

    def int(self):
        return self.to(int32)

    def bool(self):
        return self.to(bool_)

    def type(self, dtype):
        return self.to(dtype)

    # ------------------------------------------------------------------ display
    def __repr__(self):
        body = np.array2string(self.backend.to_numpy(self.array), separator=", ", prefix="tensor(",
                               precision=4, threshold=200, edgeitems=3)
        extras = []
        if self.dtype not in (float32, int64, bool_):
            extras.append(f"dtype=minigrad.{self.dtype}")
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{type(self._ctx).__name__}Backward>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    def __hash__(self):
        return id(self)


class Size(tuple):
    """The shape of a tensor: a tuple that prints like ``torch.Size``."""

    def __repr__(self):
        return f"minigrad.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _install_methods():
    """Attach the ops as Tensor methods and operators; kept apart so tensor.py stays about the tensor."""
    from .ops import tensor_methods
    for name, fn in tensor_methods().items():
        setattr(Tensor, name, fn)

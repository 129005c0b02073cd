"""``minigrad.Tensor``: an array, the device it lives on, and its place in the autograd graph."""
import sys
import warnings

import numpy as np

from . import autograd
from .backends import get_backend
from .device import device as _device
from .shared_memory import register_reductions

float32 = np.dtype("float32")
float64 = np.dtype("float64")
float16 = np.dtype("float16")
int64 = np.dtype("int64")
int32 = np.dtype("int32")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
# integer widths that PyTorch names too (int16 is torch.short); the ops take them as numpy does
int8, int16, uint16, uint32, uint64 = (np.dtype(name) for name in ("int8", "int16", "uint16", "uint32", "uint64"))
complex64 = np.dtype("complex64")
complex128 = np.dtype("complex128")
# PyTorch's aliases long and double; torch.int and torch.float are bound in minigrad/__init__.py only, so that
# the built-ins int() and float() keep their meaning in this module.
long, double = int64, float64

_FLOATS = (float16, float32, float64)
_COMPLEXES = (complex64, complex128)
# PyTorch's dtype categories for promotion and in-place casts: bool < integer < floating point < complex, by kind.
DTYPE_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}

# PyTorch's scalar-type names, as its error messages print them
_TORCH_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                     "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
                     "complex128": "ComplexDouble"}


def torch_type_name(dtype):
    """``dtype`` as PyTorch's messages name it ("Float", "Long", ...)."""
    name = np.dtype(dtype).name
    return _TORCH_TYPE_NAMES.get(name, name)


_CPP_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
                   "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
                   "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def cpp_type_name(dtype):
    """``dtype`` as PyTorch's messages print its C++ type ("float", "long int", "signed char", ...)."""
    name = np.dtype(dtype).name
    return _CPP_TYPE_NAMES.get(name, name)


def _is_floating(dtype):
    return dtype in _FLOATS


def _is_differentiable(dtype):
    """Whether a tensor of ``dtype`` may require grad: PyTorch's floating point and complex dtypes."""
    return dtype in _FLOATS or dtype in _COMPLEXES


_default_float = [float32]  # set by set_default_dtype (legacy.py)


def default_float():
    """The dtype Python floats and float creation take, as ``torch.get_default_dtype``: float32 unless
    ``set_default_dtype`` chose float64."""
    return _default_float[0]


def default_complex():
    """The dtype Python complex numbers take, as PyTorch's: complex64 with float32 as the default dtype,
    complex128 with float64."""
    return complex128 if _default_float[0] == float64 else complex64


def numel(input):  # noqa: A002
    """``torch.numel``: the number of elements of a tensor."""
    return input.numel()


def _unpickle_tensor(values, device, requires_grad, cls=None):
    array = get_backend(_device(device)).from_numpy(np.asarray(values, order="C"))
    return (cls or Tensor)._wrap(array, device, requires_grad)



_SCALAR_WARNED = []  # PyTorch warns once per process
_NON_LEAF_GRAD = ("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                  "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                  "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                  "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                  "github.com/pytorch/pytorch/pull/30531 for more information.")


def _warn_scalar_of_graph_tensor(tensor):
    """PyTorch 2.13's warning, once per process, when float() or complex() reads a tensor that requires grad
    while grad mode is on (``loss.item()``, ``int()`` and ``f"{loss:.4f}"`` do not warn, nor does anything under
    ``no_grad``, as in PyTorch: LBFGS reads its closure's loss so)."""
    if tensor.requires_grad and not _SCALAR_WARNED and autograd.is_grad_enabled():
        _SCALAR_WARNED.append(True)
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                      "Consider using tensor.detach() first.", UserWarning, stacklevel=3)

class Tensor:
    """A multi-dimensional array with reverse-mode autograd, as ``torch.Tensor``.

    ``tensor.array`` is the raw storage (a numpy array on the CPU); ``.data``
    is a Tensor sharing it, detached from the graph, as in PyTorch.
    """

    __slots__ = ("array", "device", "_requires_grad", "_grad", "_ctx", "_retains_grad", "_version_cell", "_base",
                 "_view_version", "_view_creation", "_hooks", "__weakref__")
    __array_priority__ = 1000  # numpy scalars on the left defer to Tensor's reflected ops

    def __init__(self, *data, dtype=None, device="cpu", requires_grad=False):
        """``Tensor(data, dtype=...)`` holds ``data`` in ``dtype``. Without a dtype, PyTorch's legacy constructor:
        ``Tensor(data)`` is float32 whatever the data, ``Tensor(*sizes)`` (or ``Tensor()``) float32 of that shape
        (zeros where PyTorch leaves memory uninitialised), a tensor given keeps its dtype."""
        dev = _device(device)
        backend = get_backend(dev)
        if len(data) != 1 or (dtype is None and isinstance(data[0], (int, np.integer))
                              and not isinstance(data[0], bool)):
            if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in data):
                raise TypeError(f"Tensor(): expected data or sizes (ints), got {data}")
            shape = tuple(int(n) for n in data) if data else (0,)
            self._init(backend.zeros(shape, np.dtype(dtype or default_float())), dev, requires_grad)
            return
        data = data[0]
        if isinstance(data, Tensor):
            dtype = data.dtype if dtype is None else dtype
            data = data.array
        self._init(backend.asarray(data, default_float() if dtype is None else dtype), dev, requires_grad)

    @classmethod
    def _inferred(cls, data, device="cpu"):
        """A tensor of ``data`` with the dtype ``minigrad.tensor`` infers (float32, int64 or bool for Python data; a
        numpy array's own), for the library's own conversions of operands."""
        backend = get_backend(_device(device))
        if isinstance(data, Tensor):
            return data
        dtype = None
        if not backend.is_array(data):
            probe = np.asarray(data)
            dtype = {"f": default_float(), "c": default_complex(), "b": bool_}.get(probe.dtype.kind, int64)
        return cls._wrap(backend.asarray(data, dtype), device)

    def _init(self, array, dev, requires_grad):
        self.array = array
        self.device = dev
        self._grad = None
        self._ctx = None
        self._retains_grad = False
        self._version_cell = None
        self._base = None
        self._view_version = 0  # (a view: its base's version when its history was last set)
        # (a view made under no_grad or inference_mode: which, see autograd._link_view; "storage": a loaded file's
        # storage, which its tensors look into without being views of it for autograd, as PyTorch's)
        self._view_creation = None
        self._hooks = None
        self._requires_grad = False
        if requires_grad:
            self._require_grad_at_creation()

    def _require_grad_at_creation(self):
        """``requires_grad=True`` given to a constructor (whose message differs from requires_grad_'s)."""
        if not _is_differentiable(self.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = True

    @classmethod
    def _wrap(cls, array, device="cpu", requires_grad=False):
        """A Tensor around an existing array, without copying or checks (a numpy scalar, which numpy gives for
        a 0-d result, becomes a 0-d array: a view of a 0-d tensor must share its memory)."""
        t = cls.__new__(cls)
        t.array = np.asarray(array) if isinstance(array, np.generic) else array
        t.device = device if type(device) is _device else _device(device)
        t._grad = None
        t._ctx = None
        t._retains_grad = False
        t._version_cell = None
        t._base = None
        t._view_version = 0
        t._view_creation = None
        t._hooks = None
        t._requires_grad = requires_grad
        return t

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register_reductions(cls)  # a Parameter sent to another process stays shared, as a Tensor

    def __reduce__(self):
        """Pickle values, device and ``requires_grad``, as PyTorch pickles a tensor: what DataLoader workers send
        to the main process. The graph is not pickled: a result comes back as a leaf (sent between processes it is
        refused, shared_memory.py, as PyTorch's)."""
        values = self.backend.to_numpy(self.array)
        if type(self) is Tensor:
            return _unpickle_tensor, (values, str(self.device), self.requires_grad)
        return _unpickle_tensor, (values, str(self.device), self.requires_grad, type(self))  # e.g. a Parameter

    def __deepcopy__(self, memo):
        """A copy of the values, ``requires_grad`` and ``.grad`` (a leaf's state), as PyTorch's deepcopy; a tensor
        met twice in one deepcopy (tied weights) is copied once."""
        if self._ctx is not None and self.requires_grad:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) not in memo:
            import copy
            twin = type(self)._wrap(self.backend.copy(self.array), self.device, self.requires_grad)
            memo[id(self)] = twin
            if self._grad is not None:
                twin._grad = copy.deepcopy(self._grad, memo)
        return memo[id(self)]

    # ------------------------------------------------------------------ versions (in-place changes)
    @property
    def _version(self):
        """How many in-place changes this tensor's storage has seen, as ``torch.Tensor._version``.

        Views and ``detach()`` share the counter with the tensor they look into; backward compares it with the
        value each op saw, to refuse a gradient computed from overwritten values.
        """
        return int(self._version_box[0])

    @property
    def _version_box(self):
        """The counter of in-place changes, shared with views: a one-element int64 array, made when first asked
        for. Not a list: Python's garbage collector visits every list, and every tuple that holds one (each op's
        record of the versions it saw), again and again while a graph grows; on a 1000-step recurrent forward
        pass it took 30-40% of the time. A numpy array is not tracked, and most tensors (an op's intermediate
        results) never need a counter at all."""
        if self._version_cell is None:
            self._version_cell = np.zeros(1, np.int64)
        return self._version_cell

    @_version_box.setter
    def _version_box(self, box):
        self._version_cell = box

    def _bump_version(self):
        self._version_box[0] += 1

    @property
    def grad(self):
        """The gradient accumulated by backward; reading it on a non-leaf tensor that did not ``retain_grad()``
        warns as PyTorch does (backward fills only leaves' ``.grad``)."""
        if self._ctx is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        """Assigning ``.grad``: a Tensor of this tensor's shape, dtype and device, or None, as PyTorch checks."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{cpp_type_name(value.dtype)}' to a "
                                   f"tensor with grad_dtype '{torch_type_name(self.dtype)}'. The gradient must match "
                                   f"the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                                   f"tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. "
                                   f"Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
                                   f"may break downstream systems that assume they match.")
            if value.device.type != self.device.type:
                raise RuntimeError(f"attempting to assign a gradient with device type '{value.device.type}' to a "
                                   f"tensor with device type '{self.device.type}'. Please ensure that the gradient "
                                   f"and the tensor are on the same device")
            if value.device != self.device:
                raise RuntimeError(f"attempting to assign a gradient located on device with index "
                                   f"'{value.device.index}' to a tensor located on device with index "
                                   f"'{self.device.index}'. Please ensure that the gradient and the tensor are on "
                                   f"the same device")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor "
                                   f"are the same size")
        self._grad = value

    # ------------------------------------------------------------------ metadata
    @property
    def backend(self):
        return get_backend(self.device)

    @property
    def shape(self):
        return Size(self.array.shape)

    def size(self, dim=None):
        """The shape, or its length along ``dim``, as ``torch.Tensor.size`` (and its IndexError)."""
        if dim is None:
            return self.shape
        shape = self.array.shape
        if not shape:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -len(shape) <= dim < len(shape):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                             f"but got {dim})")
        return shape[dim]

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
        """``t.data = other``: t now holds other's storage (shape and dtype may change), as in PyTorch."""
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        if value.device != self.device:
            raise RuntimeError(f"data: the new data is on {value.device}, the tensor on {self.device}")
        self.array = value.array

    # ------------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded for backward, as ``torch.Tensor.requires_grad``."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad):
        """``t.requires_grad = flag`` on a leaf, with PyTorch's errors (a bool only; not on a result)."""
        if not isinstance(requires_grad, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self._ctx is not None:
            message = "you can only change requires_grad flags of leaf variables."
            if not requires_grad:
                message += (" If you want to use a computed variable in a subgraph that doesn't require "
                            "differentiation use var_no_grad = var.detach().")
            raise RuntimeError(message)
        if requires_grad and not _is_differentiable(self.dtype):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = requires_grad

    def requires_grad_(self, requires_grad=True):
        """Start (or stop) recording operations on this leaf, as ``torch.Tensor.requires_grad_``."""
        if requires_grad and not _is_differentiable(self.dtype):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        self._requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor after backward, as ``torch.Tensor.retain_grad``."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` each time backward has accumulated into this leaf's ``.grad``, as PyTorch's (what
        DistributedDataParallel starts its all-reduces from). Returns a handle whose ``remove()`` undoes it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._ctx is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        return self._add_hook("post_accumulate", hook)

    def register_hook(self, hook):
        """Call ``hook(grad)`` each time a gradient with respect to this tensor is computed, as PyTorch's; a tensor
        it returns replaces the gradient (in ``.grad`` and on its way to the inputs). Returns a removable handle."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return self._add_hook("grad", hook)

    def _add_hook(self, kind, hook):
        if self._hooks is None:
            self._hooks = {}
        key = (kind, object())
        self._hooks[key] = hook
        from .utils.hooks import RemovableHandle
        return RemovableHandle(self._hooks, key)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate gradients of this tensor into the leaves' ``.grad``, as ``torch.Tensor.backward``."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    def _accumulate_grad(self, grad_array):
        grad = self._grad
        if grad is None or tuple(grad.shape) != tuple(self.shape) or grad.dtype != self.dtype:
            # (A .grad left from before ``.data`` changed the shape is replaced, not added to.) The array itself
            # when nothing else can reach it, as PyTorch's AccumulateGrad steals an unshared gradient (copying
            # the full U-Net's 31M gradients cost 12 ms per step); else a copy: backward may hand the same array
            # to several inputs, or a view of another gradient. Its references when unshared: autograd._walk's,
            # this argument and getrefcount's. (Not for a non-leaf's retained gradient: its op's backward still
            # reads the array.)
            if self._ctx is None and sys.getrefcount(grad_array) == 3 and grad_array.dtype == self.dtype and \
                    self.backend.owns_alone(grad_array):
                self._grad = Tensor._wrap(grad_array, self.device)
            else:
                self._grad = Tensor._wrap(self.backend.astype(self.backend.copy(grad_array), self.dtype),
                                          self.device)
        else:
            grad.array = self.backend.add(grad.array, grad_array)

    def detach(self):
        """A tensor sharing this one's storage and version counter, cut from the graph, as ``torch.Tensor.detach``."""
        out = Tensor._wrap(self.array, self.device)
        out._version_box = self._version_box
        return out

    def _zero_as_gradient(self):
        """``zero_grad(set_to_none=False)`` on this gradient, as PyTorch's: cut from the graph (detach_ only where
        it has a node: detach_ refuses a view, and a gradient may be one), then zeros in place, so a reference to
        ``p.grad`` sees them."""
        if self._ctx is not None:
            self.detach_()
        else:
            self.requires_grad_(False)
        self.array = self.backend.full(self.shape, 0.0, self.dtype)

    def detach_(self):
        """Cut this tensor from the graph in place, as ``torch.Tensor.detach_`` (which refuses a view)."""
        base = self._base
        if base is not None and base._view_creation != "storage" and (self.dtype == base.dtype or
                                                                       base.dtype.kind == "c"):
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._ctx = None
        self._requires_grad = False
        return self

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force=False):
        """The values as a numpy array (shared on the CPU), as ``torch.Tensor.numpy``; ``force=True`` detaches
        and copies to the host first, whatever the tensor."""
        if force:
            return self.detach().cpu().array
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

    def _scalar(self):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self):
        _warn_scalar_of_graph_tensor(self)
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __complex__(self):
        _warn_scalar_of_graph_tensor(self)
        return complex(self._scalar())

    def __index__(self):
        if self.is_floating_point() or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self.numel() == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __format__(self, spec):
        """``f"{loss:.4f}"``: a 0-d tensor formats as its Python number, as in PyTorch."""
        if self.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __iter__(self):
        """Iterate over the first dimension, as PyTorch; a 0-d tensor is not iterable."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter([self[i] for i in range(self.array.shape[0])])

    def __contains__(self, element):
        """``x in t``: whether any element equals x, as ``torch.Tensor.__contains__``."""
        import numbers
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return bool((self == element).any().item())

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)``: the values, refused for a tensor that requires grad as PyTorch refuses it."""
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        a = np.asarray(self.backend.to_numpy(self.array))  # (a 0-d result may hold a numpy scalar)
        return a if dtype is None else a.astype(dtype)

    def to(self, *args, **kwargs):
        """Move to a device and/or cast to a dtype, as ``torch.Tensor.to``; ``memory_format`` is accepted and keeps
        the contiguous layout (see ``minigrad.memory_format``), ``non_blocking`` is accepted."""
        from .memory_format import check
        from .ops.shape import to_device, to_dtype
        out = self
        dev, dtype = kwargs.get("device"), kwargs.get("dtype")
        check(self, kwargs.get("memory_format"))
        if kwargs.get("copy"):
            out = self.clone()
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

    def float(self):  # noqa: A003  (a method: the built-in is untouched)
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def long(self):
        return self.to(int64)

    def int(self):
        return self.to(int32)

    def bool(self):
        return self.to(bool_)

    def cfloat(self):
        """``Tensor.cfloat``: as complex64."""
        return self.to(complex64)

    def cdouble(self):
        """``Tensor.cdouble``: as complex128."""
        return self.to(complex128)

    # ------------------------------------------------------------------ display
    def __repr__(self):
        from .tensor_info import tensor_body, with_suffixes
        body = tensor_body(self.backend.to_numpy(self.array))
        extras = []
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self.dtype not in (default_float(), default_complex(), int64, bool_) or (
                self.numel() == 0 and self.dtype != default_float()):
            extras.append(f"dtype=minigrad.{self.dtype}")  # (an empty tensor shows no values to tell its dtype)
        if self._ctx is not None:
            extras.append(f"grad_fn=<{self._ctx.name().rsplit('::', 1)[-1]}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return with_suffixes(body, extras)

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

    # a slice, a sum or a repetition of a Size is a Size, as torch.Size's (`x.shape[2:]` prints as one)
    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, times):
        return Size(tuple(self) * times)

    __rmul__ = __mul__


register_reductions(Tensor)


def _install_methods():
    """Attach the ops as Tensor methods and operators; kept apart so tensor.py stays about the tensor."""
    from .ops import tensor_methods
    from .numpy_names import install
    for name, fn in tensor_methods().items():
        setattr(Tensor, name, fn)
    install(Tensor, [name for name, value in vars(Tensor).items() if not name.startswith("__")])

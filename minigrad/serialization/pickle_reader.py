"""Read the pickle of a PyTorch checkpoint with an unpickler that admits only what a weights file needs.

As ``torch.load(weights_only=True)``: the only globals the pickle may name are PyTorch's tensor-rebuilding
functions and storage types, ``OrderedDict``, ``Counter``, ``set``, ``bytearray``, ``complex``, ``_codecs.encode``
(bytes), ``torch.Size``,
``torch.device``, the tensor dtypes (``torch.float32`` ...) and numpy scalars and dtypes, plus the classes and functions the user listed as safe globals
(trusted_globals.py; a listed class is created empty and given its pickled attributes). Any other global
(``os.system``, ``builtins.eval``, an unlisted class) is refused with ``pickle.UnpicklingError`` before anything
is called. Tensors come back as minigrad Tensors viewing their storages (one writable copy of each storage's
bytes), after checking that every element lies inside the storage: views saved from one storage share it again.

One deliberate difference: numpy arrays of booleans and numbers, which ``torch.save`` pickles as numpy does, are
read back as numpy arrays (as ``torch.load(weights_only=False)`` gives them; ``weights_only=True`` refuses them).
Their bytes are checked to be exactly what the shape and dtype need; nothing is called but numpy's own setters.
"""
import collections
import io
import math
import pickle
import struct

import numpy as np

from ..device import device
from ..tensor import Tensor
from . import trusted_globals
from .pickle_writer import STORAGE_OF_DTYPE

# The numpy arrays a file may hold (torch.save pickles them as numpy does): booleans and numbers.
NUMPY_ARRAY_KINDS = "biufc"

DTYPE_OF_STORAGE = {name: dtype for dtype, name in STORAGE_OF_DTYPE.items()}


class StorageType:
    """Stands for ``torch.FloatStorage`` and its kin in the pickle: only its dtype matters."""

    def __init__(self, name):
        self.name, self.dtype = name, DTYPE_OF_STORAGE[name]


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                    metadata=None):
    """``torch._utils._rebuild_tensor_v2``: the tensor of ``size``/``stride`` starting at ``storage_offset``, a view
    of its storage (a Tensor holding the storage's elements), so that tensors saved as views of one storage share
    it again, as torch.load gives them back; every element it reaches is checked to lie inside the storage."""
    array = storage.array
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    offset = int(storage_offset)
    if len(size) != len(stride) or offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"invalid tensor layout: size {size}, stride {stride}, offset {offset}")
    if math.prod(size) == 0:  # nothing to read: a view of no elements, with the saved strides
        offset = min(offset, array.size)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= array.size:
            raise pickle.UnpicklingError(f"tensor of size {size} and stride {stride} at offset {offset} reaches "
                                         f"element {last} of a storage of {array.size} elements")
    elements = np.ndarray(size, array.dtype, buffer=array, offset=offset * array.itemsize,
                          strides=tuple(s * array.itemsize for s in stride))  # (its base is the storage array)
    view = Tensor._wrap(elements, "cpu", bool(requires_grad))
    view._version_box, view._base = storage._version_box, storage
    view._view_version = int(storage._version_box[0])
    return view


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    from ..nn.parameter import Parameter
    return Parameter(data, requires_grad=bool(requires_grad))


def _encode(text, encoding="latin1"):
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("_codecs.encode is admitted only to rebuild bytes (latin1)")
    return text.encode("latin1")


def _empty_bytes(*args):
    if args:  # (protocol 2 writes b"" as bytes(); any other bytes come through _codecs.encode)
        raise pickle.UnpicklingError("bytes() is admitted only without arguments")
    return b""


def _numpy_dtype(spec, align=False, copy=False):
    dtype = np.dtype(spec)
    if dtype.hasobject:
        raise pickle.UnpicklingError("numpy object dtypes are not admitted")
    return dtype


def _numpy_scalar(dtype, raw=None):
    if not isinstance(dtype, np.dtype) or dtype.hasobject or not isinstance(raw, bytes) or len(raw) != dtype.itemsize:
        raise pickle.UnpicklingError("invalid numpy scalar")
    return np.frombuffer(raw, dtype).astype(dtype.newbyteorder("="))[0]


class _NdarrayName:
    """Stands for ``numpy.ndarray`` in the pickle: only ``_reconstruct`` may take it (calling ndarray itself
    would hand out uninitialized memory)."""


NDARRAY = _NdarrayName()


def _numpy_reconstruct(cls, shape=(0,), typecode=b"b"):
    """numpy's ``_reconstruct(ndarray, (0,), b'b')``: an empty array, which BUILD then fills (``load_build``)."""
    if cls is not NDARRAY:
        raise pickle.UnpicklingError("numpy's _reconstruct is admitted only to rebuild a plain ndarray")
    return np.ndarray.__new__(np.ndarray, (0,), "b")


def _numpy_array_state(state):
    """The state numpy pickles an array with, (version, shape, dtype, fortran order, raw bytes), checked to
    describe exactly the bytes given, of booleans or numbers."""
    if not (isinstance(state, tuple) and len(state) == 5 and isinstance(state[1], tuple)
            and all(isinstance(n, int) and n >= 0 for n in state[1]) and isinstance(state[2], np.dtype)
            and state[2].kind in NUMPY_ARRAY_KINDS and isinstance(state[3], bool) and isinstance(state[4], bytes)
            and len(state[4]) == math.prod(state[1]) * state[2].itemsize):
        raise pickle.UnpicklingError("invalid numpy array state")
    return state


def _size(dims=()):
    return tuple(int(d) for d in dims)


def _device(kind, index=None):
    return device(kind if index is None else f"{kind}:{index}")


ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "Counter"): collections.Counter,
    ("builtins", "bytearray"): bytearray, ("__builtin__", "bytearray"): bytearray,
    ("builtins", "complex"): complex, ("__builtin__", "complex"): complex,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("__builtin__", "set"): set, ("builtins", "set"): set,
    ("_codecs", "encode"): _encode,
    ("__builtin__", "bytes"): _empty_bytes, ("builtins", "bytes"): _empty_bytes,
    ("torch", "Size"): _size,
    ("torch", "device"): _device,
    ("numpy", "dtype"): _numpy_dtype,
    ("numpy", "ndarray"): NDARRAY,
    ("numpy.core.multiarray", "_reconstruct"): _numpy_reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _numpy_reconstruct,
    ("numpy.core.multiarray", "scalar"): _numpy_scalar,
    ("numpy._core.multiarray", "scalar"): _numpy_scalar,
    **{("torch", dtype.name): dtype for dtype in STORAGE_OF_DTYPE},  # torch.float32 and its kin, as dtypes
}


class WeightsUnpickler(pickle._Unpickler):
    """Python's unpickler restricted to the globals above, and BUILD (setting an object's state) to the attributes
    of plain dicts (a state_dict's ``_metadata``); storages come from ``read_storage(key, dtype, n)``."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, data, read_storage):
        super().__init__(io.BytesIO(data))
        self.read_storage = read_storage
        self.storages = {}

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if not trusted_globals.is_trusted_class(cls):
            raise pickle.UnpicklingError(f"creating a {getattr(cls, '__name__', type(cls).__name__)} is not admitted")
        self.append(cls.__new__(cls, *args))

    dispatch[pickle.NEWOBJ[0]] = load_newobj

    def load_build(self):
        state = self.stack.pop()
        target = self.stack[-1]
        cls = type(target)
        if trusted_globals.is_trusted_class(cls):  # an instance of a class the user listed
            if getattr(target, "__setstate__", None) is not None:
                target.__setstate__(state)
                return
            attributes, slots = state if isinstance(state, tuple) and len(state) == 2 else (state, None)
            for key, value in {**(attributes or {}), **(slots or {})}.items():
                object.__setattr__(target, key, value)
            return
        if type(target) is np.ndarray:  # filled in place: the memo already refers to this object
            target.__setstate__(_numpy_array_state(state))
            return
        if isinstance(target, np.dtype):  # an array's or a scalar's dtype: its byte order is taken from the state
            if not isinstance(state, tuple) or len(state) < 2 or state[1] not in ("<", ">", "|", "="):
                raise pickle.UnpicklingError("invalid numpy dtype state")
            self.stack[-1] = target.newbyteorder(state[1]) if state[1] in "<>" else target
            return
        if not isinstance(target, dict) or not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise pickle.UnpicklingError(f"setting the state of a {type(target).__name__} is not admitted")
        for key, value in state.items():
            setattr(target, key, value)

    dispatch[pickle.BUILD[0]] = load_build

    def find_class(self, module, name):
        if module == "torch" and name in DTYPE_OF_STORAGE:
            return StorageType(name)
        found = ALLOWED.get((module, name)) or trusted_globals.trusted(module, name)
        if found is None:
            raise pickle.UnpicklingError(
                f"Weights only load failed: unsupported global {module}.{name}. minigrad.load reads tensors, "
                f"numbers, strings and containers only (as torch.load(weights_only=True)); nothing else is run. If you "
                f"trust this file, list the global with minigrad.serialization.add_safe_globals([...]) or "
                f"`with minigrad.serialization.safe_globals([...]):`")
        return found

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], StorageType) and isinstance(pid[2], str)):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, kind, key, _location, numel = pid
        if key not in self.storages:
            storage = Tensor._wrap(self.read_storage(key, kind.dtype, int(numel)), "cpu")
            storage._view_creation = "storage"  # (its tensors look into it, but are not views for autograd)
            self.storages[key] = storage
        return self.storages[key]


def loads(data, read_storage):
    """The object pickled in ``data``, tensors read through ``read_storage``."""
    try:
        return WeightsUnpickler(data, read_storage).load()
    except pickle.UnpicklingError:
        raise
    except (EOFError, TypeError, ValueError, KeyError, IndexError, AttributeError, struct.error) as error:
        raise pickle.UnpicklingError(f"corrupt checkpoint pickle ({type(error).__name__}: {error})") from None


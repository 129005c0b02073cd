"""Write the pickle of a PyTorch checkpoint (``data.pkl``), opcode by opcode, without torch.

A weights file holds dicts (``OrderedDict`` kept), lists, tuples, strings, bytes, numbers, booleans, None, sets,
devices and tensors, each as PyTorch writes one: a tensor is a call of ``torch._utils._rebuild_tensor_v2`` on a
storage named by a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``, whose bytes go to the
archive's ``data/<key>`` record; a Parameter wraps that in ``torch._utils._rebuild_parameter``. Any other object
(a whole model, as ``torch.save(model, f)``) is written as Python's protocol 2 writes it: its class by name, created
empty (NEWOBJ), then given its attributes (BUILD); ``minigrad.load`` rebuilds it only if the user trusts the class
(trusted_globals.py). Tensors and objects met twice are written once and referenced (tied weights stay tied).
"""
import collections
import importlib
import math
import struct
import types

import numpy as np

from ..device import device
from ..tensor import Tensor

# numpy dtype -> the PyTorch storage class that names it in a checkpoint.
STORAGE_OF_DTYPE = {
    np.dtype("float32"): "FloatStorage", np.dtype("float64"): "DoubleStorage", np.dtype("float16"): "HalfStorage",
    np.dtype("int64"): "LongStorage", np.dtype("int32"): "IntStorage", np.dtype("int16"): "ShortStorage",
    np.dtype("int8"): "CharStorage", np.dtype("uint8"): "ByteStorage", np.dtype("bool"): "BoolStorage",
    np.dtype("complex64"): "ComplexFloatStorage", np.dtype("complex128"): "ComplexDoubleStorage",
}


class _Writer:
    def __init__(self):
        self.out = bytearray(b"\x80\x02")  # PROTO 2
        self.storages = []  # contiguous little-endian arrays, in key order
        self.storage_keys = {}  # id(array) -> its key: views of one base share its storage
        self.memo = {}  # id -> (memo index, the object, kept alive so that its id is not reused)

    def emit(self, obj):
        if id(obj) in self.memo:
            index = self.memo[id(obj)][0]
            self.out += b"h" + bytes([index]) if index < 256 else b"j" + struct.pack("<I", index)  # BINGET
        elif obj is None:
            self.out += b"N"
        elif obj is True or obj is False:
            self.out += b"\x88" if obj else b"\x89"
        elif isinstance(obj, (int, np.integer)) and not isinstance(obj, (bool, np.bool_)):
            self.integer(int(obj))
        elif isinstance(obj, (float, np.floating)):
            self.out += b"G" + struct.pack(">d", float(obj))
        elif isinstance(obj, np.bool_):
            self.emit(bool(obj))
        elif isinstance(obj, str):
            self.string(obj)
        elif isinstance(obj, (bytes, bytearray)):  # protocol 2 has no bytes opcode: _codecs.encode, as Python writes
            self.global_("_codecs", "encode")
            self.string(bytes(obj).decode("latin1"))
            self.string("latin1")
            self.out += b"\x86R"
        elif isinstance(obj, (Tensor, np.ndarray)):
            self.tensor(obj)
            self.remember(obj)
        elif isinstance(obj, collections.Counter):  # (MultiStepLR's milestones) Counter(a plain dict of its counts)
            self.global_("collections", "Counter")
            self.emit(dict(obj))
            self.out += b"\x85R"
        elif isinstance(obj, complex):
            self.global_("builtins", "complex")
            self.emit((obj.real, obj.imag))
            self.out += b"R"
        elif isinstance(obj, dict):
            if isinstance(obj, collections.OrderedDict):
                self.global_("collections", "OrderedDict")
                self.out += b")R"
            else:
                self.out += b"}"
            self.items(obj.items())
        elif isinstance(obj, list):
            self.out += b"]"
            if obj:
                self.out += b"("
                for item in obj:
                    self.emit(item)
                self.out += b"e"
        elif isinstance(obj, tuple):
            self.out += b"("
            for item in obj:
                self.emit(item)
            self.out += b"t"
        elif type(obj) is set:  # (torch.load(weights_only=True) admits set, not frozenset)
            self.global_("__builtin__", "set")
            self.emit(sorted(obj, key=repr))
            self.out += b"\x85R"
        elif isinstance(obj, np.dtype) and obj in STORAGE_OF_DTYPE:  # a tensor dtype, pickled as torch.float32 is
            self.global_("torch", obj.name)
        elif isinstance(obj, device):
            self.global_("torch", "device")
            self.string(str(obj))
            self.out += b"\x85R"  # TUPLE1, REDUCE
        elif isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)):
            self.reference(obj)
        else:
            self.instance(obj)

    def remember(self, obj):
        index = len(self.memo)
        self.memo[id(obj)] = (index, obj)
        self.out += b"q" + bytes([index]) if index < 256 else b"r" + struct.pack("<I", index)  # BINPUT

    def reference(self, obj):
        """A class or function, by module and qualified name, as pickle writes one; it must be importable."""
        module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", "")
        found = importlib.import_module(module) if module else None
        for part in name.split("."):
            found = getattr(found, part, None)
        if found is not obj:
            raise TypeError(f"minigrad.save: {obj!r} cannot be found by its name {module}.{name} (a lambda or a "
                            f"local function?), so a file cannot refer to it")
        self.global_(module, name)

    def instance(self, obj):
        """An object as protocol 2 writes a plain instance: ``cls.__new__(cls)``, then its ``__getstate__()``."""
        cls = type(obj)
        if cls.__reduce_ex__ is not object.__reduce_ex__ or cls.__reduce__ is not object.__reduce__:
            raise TypeError(f"minigrad.save stores tensors, numpy arrays, numbers, strings, bytes, (nested) dicts, "
                            f"lists, tuples and sets, and plain objects such as modules; {cls.__name__} pickles "
                            f"itself in its own way")
        self.reference(cls)
        self.out += b")\x81"  # EMPTY_TUPLE, NEWOBJ
        self.remember(obj)
        state = obj.__getstate__()
        if state is not None:
            self.emit(state)
            self.out += b"b"  # BUILD

    def integer(self, value):
        if 0 <= value < 256:
            self.out += b"K" + bytes([value])
        elif -2 ** 31 <= value < 2 ** 31:
            self.out += b"J" + struct.pack("<i", value)
        else:
            raw = value.to_bytes(value.bit_length() // 8 + 1, "little", signed=True)
            self.out += b"\x8a" + bytes([len(raw)]) + raw

    def string(self, text):
        raw = text.encode("utf-8", "surrogatepass")
        self.out += b"X" + struct.pack("<I", len(raw)) + raw

    def global_(self, module, name):
        self.out += b"c" + f"{module}\n{name}\n".encode()

    def items(self, pairs):
        pairs = list(pairs)
        if pairs:
            self.out += b"("
            for key, value in pairs:
                self.emit(key)
                self.emit(value)
            self.out += b"u"

    def tensor(self, value):
        from ..nn.parameter import Parameter
        if isinstance(value, Parameter):  # as torch.save: _rebuild_parameter(tensor, requires_grad, hooks)
            self.global_("torch._utils", "_rebuild_parameter")
            self.out += b"("
            self.tensor(value.detach())
            self.emit(bool(value.requires_grad))
            self.global_("collections", "OrderedDict")
            self.out += b")Rt"
            self.out += b"R"
            return
        if isinstance(value, Tensor):
            requires_grad = bool(value.requires_grad)
            array = value.detach().cpu().numpy()
        else:
            requires_grad, array = False, value
        if array.dtype not in STORAGE_OF_DTYPE:
            raise TypeError(f"minigrad.save: dtype {array.dtype} has no PyTorch storage type")
        owner = _base_storage(value, array)
        if owner is None:  # written alone, as one contiguous array
            array = owner = np.asarray(array, order="C").astype(array.dtype.newbyteorder("<"), copy=False)
        offset, strides = _place_in(owner, array)
        if id(owner) not in self.storage_keys:
            self.storage_keys[id(owner)] = str(len(self.storages))
            self.storages.append(owner)
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.out += b"("  # the arguments: storage, offset, size, stride, requires_grad, backward hooks
        self.out += b"("
        self.string("storage")
        self.global_("torch", STORAGE_OF_DTYPE[array.dtype.newbyteorder("=")])
        self.string(self.storage_keys[id(owner)])
        self.string("cpu")
        self.integer(owner.size)
        self.out += b"tQ"  # BINPERSID: the storage is loaded by key
        self.integer(offset)
        self.emit(tuple(array.shape))
        self.emit(strides)
        self.emit(requires_grad)
        self.global_("collections", "OrderedDict")
        self.out += b")R"
        self.out += b"tR"


def _base_storage(value, array):
    """The array of the base a CPU view looks into, when the view can be written as PyTorch writes one (offset and
    strides in whole, non-negative elements of the base's dtype): then the file holds the base once and the view
    as a place in it, and views loaded back share their memory as they did. None otherwise."""
    base = value._base if isinstance(value, Tensor) and value.device.type == "cpu" else None
    if base is None:
        return None
    owner = base.detach().numpy()
    itemsize = array.dtype.itemsize
    start = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    fits = (isinstance(owner, np.ndarray) and owner.flags.c_contiguous and owner.dtype == array.dtype
            and array.dtype.byteorder in "=<|" and start >= 0 and start % itemsize == 0
            and all(step >= 0 and step % itemsize == 0 for step in array.strides))
    if not fits or array.size == 0:
        return None
    last = start + sum((n - 1) * step for n, step in zip(array.shape, array.strides)) + itemsize
    return owner if last <= owner.nbytes else None


def _place_in(owner, array):
    """(offset, strides) of ``array`` in elements of ``owner``'s memory; a contiguous array's own, for itself."""
    if array is owner:
        return 0, tuple(math.prod(array.shape[i + 1:]) for i in range(array.ndim))
    itemsize = array.dtype.itemsize
    start = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    return start // itemsize, tuple(step // itemsize for step in array.strides)


def dumps(obj):
    """(the pickle's bytes, the storages' arrays by key) for ``obj``."""
    writer = _Writer()
    writer.emit(obj)
    writer.out += b"."
    return bytes(writer.out), writer.storages

"""A tensor's storage, as PyTorch's ``Tensor.untyped_storage()`` and ``Tensor.storage()`` show it: the whole
memory a tensor and its views share (the numpy array at the root of its ``base`` chain), read-only views that
answer ``data_ptr()``, ``nbytes()``, ``size()`` and ``tolist()``, so that code comparing storages to find shared
tensors (checkpoint writers, deduplication) runs. Also ``dim_order``, ``as_subclass`` and ``record_stream``."""
import warnings

import numpy as np

__all__ = ["UntypedStorage", "TypedStorage"]

_TYPED_WARNED = []  # PyTorch warns once per process


def _root(array):
    """The array owning the memory ``array`` looks into (itself for a device array or an owner)."""
    while isinstance(array, np.ndarray) and isinstance(array.base, np.ndarray):
        array = array.base
    return array


def array_address(array):
    """The address of an array's first byte (a numpy array's or a device array's)."""
    interface = getattr(array, "__cuda_array_interface__", None) or array.__array_interface__
    return interface["data"][0]


def _host_bytes(array):
    host = array if isinstance(array, np.ndarray) else array.copy_to_host()
    return np.ravel(host, order="K").view(np.uint8)


class UntypedStorage:
    """``torch.UntypedStorage`` of a tensor: its memory as bytes."""

    def __init__(self, array, device):
        self._array, self.device = _root(array), device

    def data_ptr(self):
        """The address of the first byte (equal for tensors sharing memory, as PyTorch's; 0 when empty)."""
        return array_address(self._array) if self._array.nbytes else 0

    def nbytes(self):
        return int(self._array.nbytes)

    def size(self):
        return self.nbytes()

    __len__ = size

    def element_size(self):
        return 1

    def tolist(self):
        return _host_bytes(self._array).tolist()

    def __getitem__(self, index):
        return _host_bytes(self._array)[index].tolist()

    def __repr__(self):
        return f" {' '.join(str(b) for b in self.tolist()[:16])}{' ...' if self.nbytes() > 16 else ''}\n" \
               f"[minigrad.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"


class TypedStorage(UntypedStorage):
    """``torch.TypedStorage`` (``Tensor.storage()``, deprecated in PyTorch): the memory as elements of the
    tensor's dtype."""

    def __init__(self, array, device, dtype):
        super().__init__(array, device)
        self.dtype = np.dtype(dtype)

    def size(self):
        return self.nbytes() // self.dtype.itemsize

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def _values(self):
        return _host_bytes(self._array)[:self.size() * self.dtype.itemsize].view(self.dtype)

    def tolist(self):
        return self._values().tolist()

    def __getitem__(self, index):
        return self._values()[index].tolist()

    def untyped(self):
        return UntypedStorage(self._array, self.device)

    def __repr__(self):
        return f" {' '.join(str(v) for v in self.tolist()[:8])}{' ...' if self.size() > 8 else ''}\n" \
               f"[minigrad.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size {self.size()}]"


def untyped_storage(x):
    """``Tensor.untyped_storage``: the memory this tensor and its views share, as bytes."""
    return UntypedStorage(x.array, x.device)


def storage(x):
    """``Tensor.storage``: the memory as elements of the dtype, with PyTorch's deprecation warning (once)."""
    if not _TYPED_WARNED:
        _TYPED_WARNED.append(True)
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
                      "only storage class. This should only matter to you if you are using storages directly.  To "
                      "access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=2)
    return TypedStorage(x.array, x.device, x.dtype)


def dim_order(x):
    """``Tensor.dim_order``: the dims from the outermost in memory to the innermost (largest stride first)."""
    strides = x.stride()
    return tuple(sorted(range(x.ndim), key=lambda d: (-strides[d], d)))


def as_subclass(x, cls):
    """``Tensor.as_subclass``: the same values (shared memory, still in the graph) as an instance of ``cls``."""
    alias = x.view_as(x)
    out = cls._wrap(alias.array, alias.device, alias.requires_grad)
    out._ctx, out._base, out._version_cell = alias._ctx, alias._base, alias._version_box
    out._view_version = alias._view_version
    return out


METHODS = {"untyped_storage": untyped_storage, "storage": storage, "dim_order": dim_order,
           "as_subclass": as_subclass, "record_stream": lambda x, stream: None}

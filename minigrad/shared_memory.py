"""Tensors in memory shared between processes, as ``torch.Tensor.share_memory_`` and ``torch.multiprocessing``: a
model whose parameters several processes update in place (Hogwild training, PyTorch's ``mnist_hogwild``).

``share_memory_()`` moves a CPU tensor's values into an anonymous shared mapping (``memfd_create``, else an
unlinked file in /dev/shm). A process started with ``fork`` inherits the mapping itself. Sent to another process
through ``multiprocessing`` (a ``spawn``-ed process's arguments, a ``Queue``), a shared tensor travels as the
mapping's file descriptor (``multiprocessing.reduction.DupFd``, as PyTorch's "file_descriptor" strategy) and
its place in it, so both processes see the same values; an unshared tensor travels as a copy of its values. The
memory is freed when the last process holding it lets go; nothing is left in /dev/shm.

Divergence from PyTorch: PyTorch moves the storage itself, so that every view taken before ``share_memory_()``
follows it; here the tensor (and, for a view, the tensor it views) gets a new array, and other views taken before
keep the old memory (take views afterwards).
"""
import mmap
import os
import tempfile
import weakref

import numpy as np

__all__ = ["share_memory_", "is_shared", "register_reductions"]


class _SharedMapping(mmap.mmap):
    """A shared mapping that knows its file descriptor (kept open, to send to other processes) and its address."""


def _new_mapping(fd, nbytes):
    mapping = _SharedMapping(fd, max(nbytes, 1))
    mapping.fd, mapping.nbytes = fd, nbytes
    mapping.address = np.ndarray((max(nbytes, 1),), np.uint8, buffer=mapping).__array_interface__["data"][0]
    weakref.finalize(mapping, os.close, fd)
    return mapping


def _anonymous_file(nbytes):
    """A file descriptor of ``nbytes`` of shared memory that no name refers to."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("minigrad-shared-tensor", os.MFD_CLOEXEC)
    else:
        directory = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        fd, path = tempfile.mkstemp(prefix="minigrad-shared-", dir=directory)
        os.unlink(path)
    os.ftruncate(fd, max(nbytes, 1))
    return fd


def _mapping_of(array):
    """The shared mapping ``array`` lies in, or None."""
    base = array
    while base is not None and not isinstance(base, _SharedMapping):
        base = getattr(base, "base", None)
    return base


def is_shared(t):
    """Whether ``t``'s values are in shared memory, as ``torch.Tensor.is_shared`` (CUDA tensors: True, as
    PyTorch's, since other processes can reach device memory)."""
    return t.device.type == "cuda" or _mapping_of(t.array) is not None


def _address(array):
    return array.__array_interface__["data"][0]


def share_memory_(t):
    """Move ``t``'s values into shared memory (once; a no-op for CUDA tensors and shared ones), as
    ``torch.Tensor.share_memory_``; returns ``t``. A view moves the whole of the tensor it views (which then
    shares too) and stays a view of it."""
    if is_shared(t):
        return t
    if t._base is not None:
        offset = _address(t.array) - _address(t._base.array)
        share_memory_(t._base)
        mapping = _mapping_of(t._base.array)
        t.array = np.ndarray(t.array.shape, t.array.dtype, buffer=mapping, strides=t.array.strides,
                             offset=_address(t._base.array) - mapping.address + offset)
        return t
    _activate_reductions()
    values = t.array
    mapping = _new_mapping(_anonymous_file(values.nbytes), values.nbytes)
    shared = np.ndarray(values.shape, values.dtype, buffer=mapping)
    shared[...] = values
    t.array = shared
    return t


def _rebuild_shared(fd_wrapper, nbytes, offset, shape, strides, dtype, device, requires_grad, cls):
    _activate_reductions()  # this process may pass the tensor on
    fd = fd_wrapper.detach()
    if os.fstat(fd).st_size < nbytes:
        os.close(fd)
        raise RuntimeError("a shared tensor's memory is smaller than its sender said")
    mapping = _new_mapping(fd, nbytes)
    array = np.ndarray(shape, np.dtype(dtype), buffer=mapping, offset=offset, strides=strides)  # checks the bounds
    return cls._wrap(array, device, requires_grad)


def _reduce_for_processes(t):
    """How ``multiprocessing`` pickles a tensor: a shared one by its mapping's descriptor, any other by value."""
    if t._ctx is not None and t.requires_grad:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does "
                           "not support crossing process boundaries.  If you just want to transfer the data, call "
                           "detach() on the tensor before serializing (e.g., putting it on the queue).")
    mapping = _mapping_of(t.array) if t.device.type == "cpu" else None
    if mapping is None:
        return t.__reduce__()
    from multiprocessing.reduction import DupFd
    offset = _address(t.array) - mapping.address
    return _rebuild_shared, (DupFd(mapping.fd), mapping.nbytes, offset, tuple(t.array.shape), t.array.strides,
                             t.array.dtype.str, str(t.device), t.requires_grad, type(t))


_classes = []  # Tensor and its subclasses, as they are defined
_active = [False]


def register_reductions(cls):
    """Send tensors of class ``cls`` between processes as ``_reduce_for_processes`` says (called for Tensor and
    each of its subclasses, as they are defined). Until a tensor is first shared, only remembered: an unshared
    tensor pickles as usual, and ``import minigrad`` does not load multiprocessing's pickler."""
    _classes.append(cls)
    if _active[0]:
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.register(cls, _reduce_for_processes)


def _activate_reductions():
    if not _active[0]:
        from multiprocessing.reduction import ForkingPickler
        _active[0] = True
        for cls in _classes:
            ForkingPickler.register(cls, _reduce_for_processes)

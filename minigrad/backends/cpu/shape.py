"""CPU kernels: reshaping, indexing, joining, padding and in-place writes.

Most are numpy views (reshape, transpose, basic indexing): no data moves.
"""
import numpy as np

__all__ = ["reshape", "reshape_view", "view_dtype", "permute", "contiguous", "is_contiguous", "getitem",
           "index_backward", "add_at", "concatenate", "split_at", "stack", "pad_constant", "pad_constant_backward",
           "fill_", "copy_", "setitem_"]


def reshape(a, shape):
    """A view when the strides allow it, else a copy (as ``torch.reshape``)."""
    return np.reshape(a, tuple(shape))


def reshape_view(a, shape):
    """The reshaped array if it can share ``a``'s memory, else None (``torch.Tensor.view``)."""
    out = np.reshape(a, tuple(shape))
    if out.size and not np.may_share_memory(out, a):
        return None
    return out


def view_dtype(a, dtype):
    """The same memory read as ``dtype`` (``torch.Tensor.view(dtype)``); the last dim scales with the item size.
    The caller checks what PyTorch requires (a last dim of stride 1, divisible sizes)."""
    return a.view(dtype)


def permute(a, axes):
    return np.transpose(a, tuple(axes))


def contiguous(a):
    return np.ascontiguousarray(a)


def is_contiguous(a):
    return bool(a.flags.c_contiguous)


def getitem(a, index):
    """numpy indexing: a view for ints/slices/None/Ellipsis, a copy with index arrays. A basic index gets a trailing
    Ellipsis, so that one picking a single element is a 0-d view, as PyTorch's ``x[0]`` (numpy's alone returns a
    copy of the number, which ``x[0].fill_(7)`` would change in vain)."""
    parts = index if type(index) is tuple else (index,)
    for part in parts:  # (bools and index arrays are not basic: numpy takes them as they are)
        if not (part is None or type(part) is slice or type(part) is int or isinstance(part, np.integer)):
            return a[index]
    return a[parts + (Ellipsis,)]


def _has_integer_array(index):
    return any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in index)


def index_backward(g, shape, index):
    """The gradient of ``a[index]``: zeros of ``shape`` with ``g`` added where the elements came from.

    Integer index arrays may repeat a position, so they scatter-add; other
    indexes pick each position at most once and a plain assignment suffices.
    """
    out = np.zeros(tuple(shape), dtype=g.dtype)
    if _has_integer_array(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


def add_at(a, source, index):
    """A copy of ``a`` with ``source`` added at ``index``, one value after another in source's order (PyTorch's
    CPU scatter_add and index_add), so that a place named twice rounds as PyTorch's: (a + s0) + s1."""
    out = np.array(a, copy=True)
    if _has_integer_array(index):
        np.add.at(out, index, source)
    else:
        out[index] += source
    return out


def concatenate(arrays, axis):
    return np.concatenate(arrays, axis=axis)


def split_at(a, sizes, axis):
    """Views of ``a`` cut along ``axis`` into pieces of the given sizes."""
    bounds = np.cumsum(sizes)[:-1]
    return np.split(a, bounds, axis=axis)


def stack(arrays, axis):
    return np.stack(arrays, axis=axis)


def _pad_regions(shape, pads):
    """Matching slices of the input and of the padded output; negative pads crop."""
    src, dst = [], []
    for n, (before, after) in zip(shape, pads):
        m = n + before + after
        src.append(slice(max(-before, 0), n - max(-after, 0)))
        dst.append(slice(max(before, 0), m - max(after, 0)))
    return tuple(src), tuple(dst)


def pad_constant(a, pads, value):
    """``a`` with ``pads[d] = (before, after)`` elements of ``value`` added on each side of dim d."""
    out_shape = tuple(n + b + e for n, (b, e) in zip(a.shape, pads))
    out = np.full(out_shape, value, dtype=a.dtype)
    src, dst = _pad_regions(a.shape, pads)
    out[dst] = a[src]
    return out


def pad_constant_backward(g, pads, in_shape):
    out = np.zeros(tuple(in_shape), dtype=g.dtype)
    src, dst = _pad_regions(in_shape, pads)
    out[src] = g[dst]
    return out


def _write(a, values):
    """Write into ``a`` in place (views see it, as in PyTorch); a read-only array is replaced instead."""
    if a.flags.writeable:
        a[...] = values
        return a
    out = np.empty(a.shape, dtype=a.dtype)
    out[...] = values
    return out


def fill_(a, value):
    return _write(a, value)


def copy_(a, src):
    return _write(a, src)


def setitem_(a, index, value):
    """``a[index] = value`` in place (on a copy when ``a`` is a read-only view)."""
    if not a.flags.writeable:
        a = np.array(a, copy=True)
    a[index] = value
    return a

"""Memory formats, as ``torch.contiguous_format`` and ``torch.channels_last``.

minigrad's kernels are written for the contiguous (N, C, H, W) layout, so a tensor asked for channels_last keeps
that layout: every value is the same as PyTorch's, only the strides differ. The names are accepted wherever
PyTorch takes them (``Tensor.to``, ``Tensor.contiguous``, ``Module.to``) so that scripts using them run.
"""

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format", "layout",
           "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged"]


class _NamedConstant:
    """A constant known by its name, printed as ``minigrad.<name>`` (as PyTorch prints ``torch.<name>``)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"


class memory_format(_NamedConstant):  # noqa: N801 (PyTorch's name)
    """The type of the memory-format constants, as ``torch.memory_format``."""


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
_RANK = {channels_last: 4, channels_last_3d: 5}


def check(tensor, fmt):
    """Raise as PyTorch does for a format that cannot apply to ``tensor``; the layout itself is kept."""
    if fmt is None:
        return
    if not isinstance(fmt, memory_format):
        raise TypeError(f"memory_format must be a minigrad memory format, not {type(fmt).__name__}")
    rank = _RANK.get(fmt)
    if rank is not None and tensor.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")


def strides_follow(array, order):
    """Whether ``array`` (numpy or device) lies densely in memory with its dims nested as ``order`` (outermost
    first); dims of size 1 may have any stride, as PyTorch's contiguity checks allow."""
    expected = array.dtype.itemsize
    for dim in reversed(order):
        if array.shape[dim] != 1 and array.strides[dim] != expected:
            return False
        expected *= array.shape[dim]
    return True


class layout(_NamedConstant):  # noqa: N801 (PyTorch's name)
    """The type of the tensor-layout constants, as ``torch.layout``: every minigrad tensor is ``strided`` (dense);
    the sparse layouts exist so that code comparing against them runs."""


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")

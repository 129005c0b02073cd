"""Shape ops: reshape, permute, expand, indexing, cat, stack, pad... and moving between dtypes and devices.

Reshapes, transposes and basic indexing return views sharing the input's
memory, as in PyTorch; their backward passes move the gradient back the same
cheap way. Indexing and padding live in ``ops/indexing.py``, in-place writers (``zero_``,
``uniform_``...) in ``ops/inplace.py``; both are attached to Tensor from here.
"""
import warnings

import numpy as np

from ..autograd import Function, named_node, next_sequence
from ..backends import get_backend
from ..tensor import Tensor, _is_differentiable, torch_type_name
from .indexing import getitem, pad  # noqa: F401  (pad is reached as ops.shape.pad by nn.functional)
from ..shared_memory import is_shared, share_memory_
from ..storage import array_address

__all__ = ["to_dtype", "to_device", "reshape", "flatten", "permute", "transpose", "squeeze", "unsqueeze",
           "cat", "concat", "stack", "split", "chunk", "clone"]


def normalize_dim(dim, ndim):
    """``dim`` as an axis in [0, ndim), negatives counted from the end; IndexError as PyTorch's when out of range."""
    bound = max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, as in PyTorch
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not -bound <= dim < bound:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got {dim})")
    return int(dim) % bound


def _sizes(args):
    """``f(2, 3)`` and ``f((2, 3))`` both give (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# ------------------------------------------------------------------ dtype and device
class ToDtype(Function):
    supports_complex = True

    def forward(self, a, dtype):
        self.source_dtype = a.dtype
        return self.B.astype(real_if_real(a, dtype), dtype)

    def backward(self, g):
        return self.B.astype(real_if_real(g, self.source_dtype), self.source_dtype)


def real_if_real(values, dtype):
    """The real parts of complex ``values`` bound for a real ``dtype`` (a cast, or the gradient of a real tensor
    that reached a complex op through one), else the values themselves."""
    return values.real if values.dtype.kind == "c" and np.dtype(dtype).kind != "c" else values


_WARNED_COMPLEX_CAST = []


def warn_complex_cast(source, target, stacklevel=4):
    """PyTorch's warning, once per process (its TORCH_WARN_ONCE), when complex values are cast to a real dtype."""
    if source.kind == "c" and np.dtype(target).kind != "c" and not _WARNED_COMPLEX_CAST:
        _WARNED_COMPLEX_CAST.append(True)
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=stacklevel)


def to_dtype(x, dtype):
    """Cast, as ``Tensor.to(dtype)``; differentiable between floating dtypes."""
    if x.dtype.kind == "c" and dtype == np.bool_:  # (true where either part is non-zero, as PyTorch's)
        return Tensor._wrap(x.backend.not_equal(x.array, x.backend.scalar(0, x.dtype)), x.device)
    warn_complex_cast(x.dtype, dtype)
    if _is_differentiable(x.dtype) and _is_differentiable(dtype):
        return ToDtype.apply(x, dtype=dtype)
    return Tensor._wrap(x.backend.astype(real_if_real(x.array, dtype), dtype), x.device)


class ToDevice(Function):
    def forward(self, a, target):
        self.source = self.device
        host = self.B.to_numpy(a)
        return get_backend(target).from_numpy(host)

    def backward(self, g):
        return self.B.from_numpy(get_backend(self.target).to_numpy(g))


def to_device(x, target):
    """Copy to another device, as ``Tensor.to(device)``; gradients flow back to the source."""
    out_backend = get_backend(target)
    if not x.requires_grad:
        return Tensor._wrap(out_backend.from_numpy(x.backend.to_numpy(x.array)), target)
    fn = ToDevice()
    fn.device, fn.B, fn.target = x.device, x.backend, target
    fn.needs_input_grad = (True,)
    out = Tensor._wrap(fn.forward(x.array, target), target, requires_grad=True)
    fn.parents, fn._sequence = (x,), next_sequence()
    out._ctx = fn
    return out


# ------------------------------------------------------------------ reshaping
class Reshape(Function):
    supports_complex = True

    def forward(self, a, shape, view=False):
        self.in_shape = a.shape
        if not view:
            return self.B.reshape(a, shape)
        out = self.B.reshape_view(a, shape)
        if out is None:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        return out

    def backward(self, g):
        return self.B.reshape(g, self.in_shape)


def _infer_shape(op, x, shape):
    """Resolve one -1 in ``shape``, with PyTorch's messages (its infer_size)."""
    shape = tuple(int(s) for s in shape)
    numel = x.numel()
    for index, size in enumerate(shape):
        if size < -1:
            raise RuntimeError(f"invalid shape dimension {size} at index {index} of shape {list(shape)}")
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = _numel(s for s in shape if s != -1)
    invalid = f"shape '{list(shape)}' is invalid for input of size {numel}"
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               "unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(invalid)
        shape = tuple(numel // known if s == -1 else s for s in shape)
    if _numel(shape) != numel:
        raise RuntimeError(invalid)
    return shape


def reshape(x, *shape):
    """``torch.reshape``: a view when possible, else a copy; one size may be -1."""
    shape = _infer_shape("reshape", x, _sizes(shape))
    return Reshape.apply(x, shape=shape)  # (a new tensor even for the same shape: a view, as PyTorch's)


def view(x, *shape):
    """``torch.Tensor.view``: like reshape but never copies; fails on incompatible strides. ``view(dtype)``
    reads the same memory as another dtype."""
    if len(shape) == 1 and (isinstance(shape[0], np.dtype) or (isinstance(shape[0], type)
                                                               and issubclass(shape[0], np.generic))):
        return _view_dtype(x, np.dtype(shape[0]))
    return Reshape.apply(x, shape=_infer_shape("view", x, _sizes(shape)), view=True)


def _view_dtype(x, dtype):
    """``torch.Tensor.view(dtype)``: the memory reinterpreted, the last dim scaled by the ratio of item sizes; a
    view (it shares the version counter) that is not part of the graph, as PyTorch's."""
    old, new = x.dtype.itemsize, dtype.itemsize
    if old != new:
        names = f"{torch_type_name(x.dtype)} as {torch_type_name(dtype)} (different element sizes)"
        if x.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {names}")
        if x.stride(-1) != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {names}, but got {x.stride(-1)}")
        if new > old and x.shape[-1] % (new // old):
            raise RuntimeError(f"self.size(-1) must be divisible by {new // old} to view {names}, but got "
                               f"{x.shape[-1]}")
    out = Tensor._wrap(x.backend.view_dtype(x.array, dtype), x.device)
    out._version_box = x._version_box
    out._base = x if x._base is None else x._base
    out._view_version = int(out._version_box[0])
    return out


def flatten(x, start_dim=0, end_dim=-1):
    """``torch.flatten``: merge dims start_dim..end_dim into one; a 0-d tensor becomes 1-d."""
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return x  # (nothing to merge: the tensor itself, as PyTorch returns it)
    shape = tuple(x.shape)
    return reshape(x, shape[:start] + (_numel(shape[start:end + 1]),) + shape[end + 1:])


def squeeze(x, dim=None):
    """``torch.squeeze``: drop size-1 dims (all, or those in ``dim``, an int or tuple); other dims stay."""
    if dim is None:
        axes = range(x.ndim)
    else:
        axes = {normalize_dim(d, x.ndim) for d in ((dim,) if isinstance(dim, int) else dim)}
    shape = tuple(s for i, s in enumerate(x.shape) if not (i in axes and s == 1))
    out = reshape(x, shape)
    # (PyTorch's three squeezes: all dims, one dim, several dims)
    return named_node(out, "SqueezeBackward0" if dim is None else "SqueezeBackward1" if isinstance(dim, int) else
                      "SqueezeBackward2", x)


def unsqueeze(x, dim):
    """``torch.unsqueeze``: insert a size-1 dim at ``dim`` in [-ndim-1, ndim]."""
    d = normalize_dim(dim, x.ndim + 1)
    shape = tuple(x.shape)
    return named_node(Reshape.apply(x, shape=shape[:d] + (1,) + shape[d:]), "UnsqueezeBackward0", x)


class Permute(Function):
    supports_complex = True

    def forward(self, a, axes):
        self.inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return self.B.permute(a, axes)

    def backward(self, g):
        return self.B.permute(g, self.inverse)


def permute(x, *dims):
    """``torch.permute``: reorder the dims (a view)."""
    dims = _sizes(dims)
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {x.ndim} is not equal to "
                           f"len(dims) = {len(dims)}")  # (PyTorch 2.13's words, for dense tensors too)
    axes = tuple(normalize_dim(d, x.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(x, axes=axes)


def transpose(x, dim0, dim1):
    """``torch.transpose``: swap two dims (a view)."""
    axes = list(range(x.ndim))
    d0, d1 = normalize_dim(dim0, x.ndim), normalize_dim(dim1, x.ndim)
    if x.ndim:  # (a 0-d tensor takes dims 0 and -1, and stays as it is)
        axes[d0], axes[d1] = axes[d1], axes[d0]
    return named_node(permute(x, axes), "TransposeBackward0", x)


def t(x):
    """``torch.t``: transpose a 2-D tensor; 0-d and 1-d tensors come back as they are."""
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return named_node(reshape(x, tuple(x.shape)) if x.ndim < 2 else transpose(x, 0, 1), "TBackward0", x)


_T_WARNED = set()


def _reversed_dims(x):
    """``Tensor.T``: all dims reversed (the transpose of a matrix), with PyTorch's deprecation warning for other
    than 2 dims (once per process for 0-d tensors and once for the others, as PyTorch's warn-once)."""
    if x.ndim != 2 and (x.ndim == 0) not in _T_WARNED:
        _T_WARNED.add(x.ndim == 0)
        import warnings
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
                      if x.ndim == 0 else
                      "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and "
                      "it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices "
                      "or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=3)
    return permute(x, tuple(reversed(range(x.ndim))))


class Expand(Function):
    supports_complex = True

    def forward(self, a, shape):
        self.in_shape = a.shape
        return self.B.broadcast_to(a, shape)

    def backward(self, g):
        return self.B.sum_to_shape(g, self.in_shape)


def expand(x, *sizes):
    """``torch.Tensor.expand``: broadcast size-1 dims (and new leading dims) without copying; -1 keeps a size."""
    sizes = tuple(int(s) for s in _sizes(sizes))
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand({x.type()}{{{list(x.shape)}}}, size={list(sizes)}): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({x.ndim})")
    shape = list(sizes)
    for d in range(len(sizes) - 1, -1, -1):  # (from the last dim, as PyTorch checks them)
        want = sizes[d]
        if d < lead:
            if want < 0:
                raise RuntimeError(f"The expanded size of the tensor ({want}) isn't allowed in a leading, "
                                   f"non-existing dimension {d}")
            continue
        s = x.shape[d - lead]
        if want == -1:
            shape[d] = s
        elif want != s and s != 1:
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                               f"non-singleton dimension {d}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(x.shape)}")
    shape = tuple(shape)
    return Expand.apply(x, shape=shape)


class Contiguous(Function):
    supports_complex = True

    def forward(self, a):
        return self.B.contiguous(a)

    def backward(self, g):
        return g


def contiguous(x, memory_format=None):
    """``torch.Tensor.contiguous``: the tensor itself if already C-contiguous, else a contiguous copy
    (``memory_format`` accepted; the layout stays (N, C, H, W), see ``minigrad.memory_format``)."""
    from ..memory_format import check
    check(x, memory_format)
    return x if x.backend.is_contiguous(x.array) else Contiguous.apply(x)


def is_contiguous(x, memory_format=None):
    """``torch.Tensor.is_contiguous``: whether the values lie in memory in the order of ``memory_format``."""
    from ..memory_format import channels_last, channels_last_3d, strides_follow
    if memory_format in (channels_last, channels_last_3d):
        order = (0,) + tuple(range(2, x.ndim)) + (1,)  # N, spatial..., C
        return x.ndim in (4, 5) and strides_follow(x.array, order)
    return x.backend.is_contiguous(x.array)


class Clone(Function):
    supports_complex = True

    def forward(self, a):
        return self.B.copy(a)

    def backward(self, g):
        return g


def clone(x, *, memory_format=None):
    """``torch.clone``: a copy that stays in the graph (``memory_format`` accepted; the layout stays (N, C, H, W),
    see ``minigrad.memory_format``)."""
    from ..memory_format import check
    check(x, memory_format)
    return Clone.apply(x)


# ------------------------------------------------------------------ joining and splitting
def _same_dtype(tensors):
    """Cast to one promoted dtype, as ``torch.cat`` promotes (a float beats an int)."""
    from .elementwise import _promote
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = _promote(dtype, t.dtype)
    return [t if t.dtype == dtype else t.to(dtype) for t in tensors]


class Cat(Function):
    supports_complex = True

    def forward(self, *arrays, axis):
        self.axis, self.sizes = axis, [a.shape[axis] for a in arrays]
        return self.B.concatenate(arrays, axis)

    def backward(self, g):
        pieces = self.B.split_at(g, self.sizes, self.axis)
        return tuple(p if need else None for p, need in zip(pieces, self.needs_input_grad))


def tensor_list(tensors):
    """The sequence as a list, each element checked to be a Tensor (PyTorch's TypeError otherwise)."""
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__module__}."
                            f"{type(t).__qualname__}".replace("builtins.", ""))
    return tensors


def cat(tensors, dim=0):
    """``torch.cat``: join tensors along an existing dim; all other sizes must match."""
    tensors = tensor_list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = tensors[0]
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    axis = normalize_dim(dim, ref.ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for d, (expected, got) in enumerate(zip(ref.shape, t.shape)):
            if d != axis and expected != got:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected size "
                                   f"{expected} but got size {got} for tensor number {i} in the list.")
    return Cat.apply(*_same_dtype(tensors), axis=axis)


concat = cat


class Stack(Function):
    supports_complex = True

    def forward(self, *arrays, axis):
        self.axis = axis
        return self.B.stack(arrays, axis)

    def backward(self, g):
        lead = (slice(None),) * self.axis
        return tuple(self.B.getitem(g, lead + (i,)) if need else None for i, need in enumerate(self.needs_input_grad))


def stack(tensors, dim=0):
    """``torch.stack``: join equally-shaped tensors along a new dim."""
    tensors = tensor_list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if tuple(t.shape) != tuple(tensors[0].shape):
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                               f"at entry 0 and {list(t.shape)} at entry {i}")
    return Stack.apply(*_same_dtype(tensors), axis=normalize_dim(dim, tensors[0].ndim + 1))


def split(tensor, split_size_or_sections, dim=0):
    """``torch.split``: pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
    axis = normalize_dim(dim, tensor.ndim)
    n = tensor.shape[axis]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [min(step, n - start) for start in range(0, n, step)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {dim}), but got split_sizes={sizes}")
    lead, pieces, start = (slice(None),) * axis, [], 0
    for s in sizes:
        pieces.append(getitem(tensor, lead + (slice(start, start + s),)))
        start += s
    return tuple(pieces)


def chunk(x, chunks, dim=0):
    """``torch.chunk``: at most ``chunks`` pieces of equal size (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = x.shape[normalize_dim(dim, x.ndim)]
    return split(x, max(-(-n // chunks), 1), dim)


def stride(x, dim=None):
    """``torch.Tensor.stride``: the step in elements between neighbours along each dim (or along ``dim``)."""
    steps = tuple(s // x.array.itemsize for s in x.array.strides)
    return steps if dim is None else steps[normalize_dim(dim, x.ndim)]


def data_ptr(x):
    """``torch.Tensor.data_ptr``: the address of the first element (0 for a tensor of no elements)."""
    return array_address(x.array) if x.numel() else 0


def storage_offset(x):
    """``torch.Tensor.storage_offset``: how many elements into its base's storage a view starts (0 for a base)."""
    return 0 if x._base is None else (array_address(x.array) - array_address(x._base.array)) // x.dtype.itemsize


METHODS = {
    "data_ptr": data_ptr, "const_data_ptr": data_ptr, "mutable_data_ptr": data_ptr, "storage_offset": storage_offset,
    "half": lambda x: x.to(np.float16),
    "byte": lambda x: x.to(np.uint8), "pin_memory": lambda x, device=None: x, "is_pinned": lambda x, device=None: False,
    "share_memory_": share_memory_, "is_shared": is_shared,
    "stride": stride, "nelement": lambda x: x.numel(), "ndimension": lambda x: x.ndim,
    "element_size": lambda x: x.dtype.itemsize, "itemsize": property(lambda x: x.dtype.itemsize),
    "nbytes": property(lambda x: x.numel() * x.dtype.itemsize), "type_as": lambda x, other: x.to(other.dtype),
    "reshape": reshape, "view": view, "flatten": flatten, "squeeze": squeeze, "unsqueeze": unsqueeze,
    "permute": permute, "transpose": transpose, "swapaxes": transpose, "t": t, "T": property(_reversed_dims),
    "expand": expand, "expand_as": lambda x, other: expand(x, tuple(other.shape)),
    "view_as": lambda x, other: view(x, tuple(other.shape)),
    "reshape_as": lambda x, other: reshape(x, tuple(other.shape)),
    "contiguous": contiguous, "is_contiguous": is_contiguous, "clone": clone,
    "__getitem__": getitem, "split": split, "chunk": chunk,
}

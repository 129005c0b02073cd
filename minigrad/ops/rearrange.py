"""Rearranging elements, as PyTorch's: flip, roll, repeat, unbind, narrow, select, movedim, tril/triu, gather,
index_select, pixel_shuffle, pixel_unshuffle and as_strided. Each is built from indexing, slicing, cat, expand, reshape and
where, so its gradient is theirs (a repeated index of gather or index_select adds its gradients, as PyTorch's
scatter-add does)."""
import numpy as np

from ..autograd import named_as
from ..tensor import Tensor, int64
from .shape import normalize_dim

__all__ = ["flip", "fliplr", "flipud", "roll", "unbind", "narrow", "select", "movedim", "moveaxis", "tril", "triu",
           "gather", "index_select", "pixel_shuffle", "pixel_unshuffle", "as_strided"]
# (fill_diagonal_ is a Tensor method only, as PyTorch's)


def _dims(dims, ndim, op):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    normalized = tuple(normalize_dim(d, ndim) for d in dims)
    if len(set(normalized)) != len(normalized):
        raise RuntimeError(f"{op}: dims has a repeated dim")
    return normalized


@named_as("FlipBackward0")
def flip(input, dims):  # noqa: A002
    """``torch.flip``: the order of the elements reversed along each of ``dims`` (a copy, as PyTorch's)."""
    index = [slice(None)] * input.ndim
    flipped = _dims(dims, input.ndim, "flip")
    if not flipped or input.ndim == 0:
        return input.clone()  # (a copy, even of nothing flipped)
    for d in flipped:
        index[d] = Tensor(np.arange(input.shape[d] - 1, -1, -1), dtype=int64, device=input.device)
        input = input[tuple(index)]
        index[d] = slice(None)
    return input


def fliplr(input):  # noqa: A002
    """``torch.fliplr``: flip along dim 1."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):  # noqa: A002
    """``torch.flipud``: flip along dim 0."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def roll(input, shifts, dims=None):  # noqa: A002
    """``torch.roll``: elements shifted along ``dims`` (the flattened tensor without dims), wrapping around."""
    from .shape import cat
    if dims is None:
        return roll(input.flatten(), shifts, 0).reshape(tuple(input.shape))
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    original = input
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, dims: {len(dims)}")
    for shift, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim)
        size = input.shape[dim]
        if size == 0 or shift % size == 0:
            continue
        cut = size - shift % size
        input = cat([narrow(input, dim, cut, size - cut), narrow(input, dim, 0, cut)], dim)
    return input if input is not original else input.clone()  # (a copy, as PyTorch's, even unshifted)


@named_as("RepeatBackward0")
def repeat(input, *sizes):  # noqa: A002
    """``Tensor.repeat``: the tensor tiled sizes[i] times along each dim (more sizes than dims add leading dims)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    interleaved = tuple(n for size in shape for n in (1, size))
    expanded = tuple(n for repeats, size in zip(sizes, shape) for n in (repeats, size))
    out = input.reshape(interleaved).expand(expanded).reshape(tuple(r * s for r, s in zip(sizes, shape)))
    # a copy, as PyTorch's: the reshape gives a view when nothing is repeated, or only size-1 dims are
    return out if out._base is None else out.clone()


def select(input, dim, index):  # noqa: A002
    """``torch.select``: the slice at ``index`` along ``dim``, that dim removed (a view)."""
    dim = normalize_dim(dim, input.ndim)
    if not -input.shape[dim] <= index < input.shape[dim]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return input[(slice(None),) * dim + (index,)]


def unbind(input, dim=0):  # noqa: A002
    """``torch.unbind``: the slices along ``dim``, as a tuple."""
    dim = normalize_dim(dim, input.ndim)
    return tuple(select(input, dim, i) for i in range(input.shape[dim]))


def narrow(input, dim, start, length):  # noqa: A002
    """``torch.narrow``: ``length`` elements from ``start`` along ``dim`` (a view)."""
    dim = normalize_dim(dim, input.ndim)
    size = input.shape[dim]
    start = start + size if start < 0 else start
    if not (0 <= start <= size and 0 <= length <= size - start):
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return input[(slice(None),) * dim + (slice(start, start + length),)]


def movedim(input, source, destination):  # noqa: A002
    """``torch.movedim``: the dims ``source`` moved to ``destination``, the others in their order."""
    source, destination = _dims(source, input.ndim, "movedim"), _dims(destination, input.ndim, "movedim")
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
                           f"contain the same number of dims as destination ({list(destination)} dims)")
    if input.ndim == 0:
        return input.permute()  # (dims 0 and -1 name a 0-d tensor's one place, as in PyTorch)
    order = [d for d in range(input.ndim) if d not in source]
    for place, dim in sorted(zip(destination, source)):
        order.insert(place, dim)
    return input.permute(*order)


moveaxis = movedim


def _triangle(input, diagonal, lower):  # noqa: A002
    from .elementwise import where
    if input.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions")
    rows, columns = np.indices(tuple(input.shape[-2:]))
    keep = columns - rows <= diagonal if lower else columns - rows >= diagonal
    return where(Tensor(keep, dtype=np.dtype(bool), device=input.device), input, Tensor(0, dtype=input.dtype, device=input.device))


@named_as("TrilBackward0")
def tril(input, diagonal=0):  # noqa: A002
    """``torch.tril``: the lower triangle of the last two dims (column - row <= diagonal), zeros above."""
    return _triangle(input, diagonal, True)


@named_as("TriuBackward0")
def triu(input, diagonal=0):  # noqa: A002
    """``torch.triu``: the upper triangle of the last two dims (column - row >= diagonal), zeros below."""
    return _triangle(input, diagonal, False)


def fill_diagonal_(input, fill_value, wrap=False):  # noqa: A002
    """``torch.Tensor.fill_diagonal_``: ``fill_value`` written in place on the main diagonal (i, i, ...) of a
    2-D tensor, or of one whose dims are all equal; with ``wrap``, a tall matrix's diagonal starts again every
    columns + 1 rows."""
    from .inplace import apply_inplace
    from .compare import where
    if input.ndim < 2 or (input.ndim > 2 and len(set(input.shape)) != 1):
        raise RuntimeError("all dimensions of input must be of equal length")
    if input.ndim == 2:
        rows, columns = np.indices(tuple(input.shape))
        on = rows == columns if not wrap else (rows % (input.shape[1] + 1) == columns)
        if not wrap:
            on &= rows < input.shape[1]
    else:
        places = np.indices(tuple(input.shape))
        on = np.all(places == places[0], axis=0)
    mask = Tensor(on, dtype=np.dtype(bool), device=input.device)
    return apply_inplace(input, "fill_diagonal_", lambda t: where(mask, fill_value, t))


def _index_tensor(index, op):
    if not isinstance(index, Tensor) or index.dtype != int64:
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    return index


def first_out_of_range(index, size, negatives=False):
    """The first value of the integer tensor ``index`` (in its order) outside [0, size) (or [-size, size) with
    ``negatives``), or None: the number PyTorch's bounds messages name (checked here, before numpy's indexing
    would wrap a negative index around)."""
    values = index.backend.to_numpy(index.array).reshape(-1)
    bad = (values < (-size if negatives else 0)) | (values >= size)
    return int(values[np.argmax(bad)]) if bad.any() else None


def check_in_range(index, size, dim, error=RuntimeError, prefix="", negatives=False):
    """PyTorch's "index 3 is out of bounds for dimension 1 with size 3" for an index tensor along ``dim``."""
    bad = first_out_of_range(index, size, negatives)
    if bad is not None:
        raise error(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def places_along(input, dim, index, op):  # noqa: A002
    """The index tuple of the places that ``index`` names along ``dim`` (gather's and scatter's): index itself
    there, each other dim's own position elsewhere; index has input's number of dims and is no larger than input
    off ``dim``."""
    index = _index_tensor(index, op)
    if index.ndim != input.ndim or any(index.shape[d] > input.shape[d] for d in range(input.ndim) if d != dim):
        raise RuntimeError(f"{op}(): index {list(index.shape)} does not fit input {list(input.shape)} apart from "
                           f"dimension {dim}")
    if input.ndim:
        check_in_range(index, input.shape[dim], dim)
    parts = []
    for d in range(input.ndim):
        if d == dim:
            parts.append(index.to(input.device))
            continue
        shape = [1] * input.ndim
        shape[d] = index.shape[d]
        parts.append(Tensor(np.arange(index.shape[d]).reshape(shape), dtype=int64, device=input.device))
    return tuple(parts)


@named_as("GatherBackward0")
def gather(input, dim, index):  # noqa: A002
    """``torch.gather``: out[i][j][k] = input[index[i][j][k]][j][k] along ``dim`` = 0 (and so on for the other
    dims)."""
    return input[places_along(input, normalize_dim(dim, input.ndim), index, "gather")]


@named_as("IndexSelectBackward0")
def index_select(input, dim, index):  # noqa: A002
    """``torch.index_select``: the entries at a 1-D ``index`` along ``dim``."""
    index = _index_tensor(index, "index_select")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input.ndim == 0:
        normalize_dim(dim, 0)
        if index.numel() != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
        return input.reshape(1)[index.reshape(-1).to(input.device)].reshape(())
    dim = normalize_dim(dim, input.ndim)
    bad = first_out_of_range(index, input.shape[dim])
    if bad is not None:  # (PyTorch's two messages, by the kernel that finds it)
        if dim == 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={input.shape[dim]}")
        raise IndexError("index out of range in self")
    return input[(slice(None),) * dim + (index.reshape(-1).to(input.device),)]


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """``torch.nn.functional.pixel_shuffle``: (*, C r^2, H, W) to (*, C, H r, W r), channel c r^2 + i r + j going to
    the pixel offset (i, j)."""
    r = int(upscale_factor)
    *lead, channels, height, width = input.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    k = len(lead)
    out = input.reshape(*lead, channels // (r * r), r, r, height, width)
    out = out.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return out.reshape(*lead, channels // (r * r), height * r, width * r)


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """``torch.nn.functional.pixel_unshuffle``: the inverse of pixel_shuffle, (*, C, H r, W r) to
    (*, C r^2, H, W)."""
    r = int(downscale_factor)
    *lead, channels, height, width = input.shape
    if height % r or width % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, got "
                           f"{height}x{width} and {r}")
    k = len(lead)
    out = input.reshape(*lead, channels, height // r, r, width // r, r)
    out = out.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return out.reshape(*lead, channels * r * r, height // r, width // r)


def as_strided(input, size, stride, storage_offset=None):  # noqa: A002
    """``torch.as_strided``: the elements at storage_offset + sum(i_k * stride_k) of the storage under ``input``
    (its base's elements in order, for a view of a contiguous tensor; else its own), for every index i of
    ``size``. A deliberate divergence: the result is a copy gathered by indexing (differentiable, the gradient
    adding up where places repeat), not a view, so writing into it leaves the input unchanged."""
    size, stride = tuple(int(n) for n in size), tuple(int(n) for n in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} != {len(size)}")
    # (a loaded file's storage holds no gradient: a loaded tensor that requires grad is its own base here)
    in_storage = input._base is not None and input._base.is_contiguous() and not (
        input._base._view_creation == "storage" and input.requires_grad)
    base = input._base if in_storage else input.contiguous()
    offset = (input.storage_offset() if base is input._base else 0) if storage_offset is None else storage_offset
    places = np.full(size, int(offset), dtype=np.int64)
    for axis, (n, step) in enumerate(zip(size, stride)):
        places = places + (np.arange(n) * step).reshape([-1 if a == axis else 1 for a in range(len(size))])
    needed = int(places.max()) + 1 if places.size else 0
    if needed > base.numel() or (places.size and places.min() < 0):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                           f"and itemsize {input.dtype.itemsize} requiring a storage size of "
                           f"{needed * input.dtype.itemsize} are out of bounds for storage of size "
                           f"{base.numel() * input.dtype.itemsize}")
    return base.reshape(-1)[Tensor(places, dtype=int64, device=input.device)]


METHODS = {"as_strided": as_strided, "flip": flip, "fliplr": fliplr, "flipud": flipud, "roll": roll, "repeat": repeat, "unbind": unbind,
           "narrow": narrow, "select": select, "movedim": movedim, "moveaxis": moveaxis, "tril": tril,
           "triu": triu, "gather": gather, "index_select": index_select, "fill_diagonal_": fill_diagonal_}

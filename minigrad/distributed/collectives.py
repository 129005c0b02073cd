"""Collectives on minigrad tensors, in place, as ``torch.distributed``'s: broadcast, all_reduce, reduce,
all_gather, gather, and their object forms. The values travel through the group's transport (MPI or TCP) from
host memory (a CUDA tensor is copied to the host and back; MPI's CUDA awareness is not assumed)."""
import numpy as np

from .group import default_group

__all__ = ["ReduceOp", "broadcast", "all_reduce", "reduce", "all_gather", "gather", "all_gather_object",
           "broadcast_object_list", "Work", "scatter", "reduce_scatter", "all_to_all", "all_gather_into_tensor",
           "reduce_scatter_tensor"]


class ReduceOp:
    """The reductions of ``all_reduce`` and ``reduce``, as ``torch.distributed.ReduceOp``."""

    SUM, AVG, PRODUCT, MIN, MAX = "sum", "avg", "product", "min", "max"


# the transports' reductions; AVG is a sum, divided afterwards
_TRANSPORT_OPS = {ReduceOp.SUM: "sum", ReduceOp.AVG: "sum", ReduceOp.PRODUCT: "product", ReduceOp.MIN: "min",
                  ReduceOp.MAX: "max"}


def _transport_op(op):
    if op not in _TRANSPORT_OPS:
        raise ValueError(f"unknown reduce op {op!r}; use ReduceOp.SUM, AVG, PRODUCT, MIN or MAX")
    return _TRANSPORT_OPS[op]


class Work:
    """What ``async_op=True`` returns: ``wait()`` completes the operation (here, collectives run at the call)."""

    def __init__(self, finish=None):
        self._finish = finish

    def wait(self, timeout=None):
        if self._finish is not None:
            self._finish()
            self._finish = None
        return True

    def is_completed(self):
        return self._finish is None


def host_values(t):
    """A contiguous CPU tensor's own array (a collective then works in place); else a contiguous host copy."""
    if t.device.type == "cpu" and t.array.flags.c_contiguous:
        return t.array
    return np.ascontiguousarray(t.backend.to_numpy(t.array))


def write_back(t, values):
    """Put ``values`` into ``t``'s storage (in place: aliases see them) and count it as an in-place change."""
    if t.device.type == "cpu":
        if values is not t.array:
            t.array[...] = values
    else:
        t.array = t.backend.from_numpy(np.ascontiguousarray(values))
    t._bump_version()


def _done(async_op):
    return Work() if async_op else None


def broadcast(tensor, src, group=None, async_op=False):
    """Every rank's ``tensor`` takes rank ``src``'s values."""
    transport = default_group().transport
    if transport is not None:
        values = host_values(tensor)
        transport.broadcast(values, src)
        write_back(tensor, values)
    return _done(async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Every rank's ``tensor`` becomes the reduction (sum by default) over the ranks; ``AVG`` divides the sum by
    the number of ranks (floating point tensors)."""
    group_ = default_group()
    reduction = _transport_op(op)
    if op == ReduceOp.AVG and tensor.dtype.kind != "f":
        raise ValueError("ReduceOp.AVG needs a floating point tensor")
    values = host_values(tensor)
    if group_.transport is not None:
        group_.transport.all_reduce(values, reduction)
    if op == ReduceOp.AVG:
        values /= values.dtype.type(group_.size)
    write_back(tensor, values)
    return _done(async_op)


def reduce(tensor, dst, op=ReduceOp.SUM, group=None, async_op=False):
    """Rank ``dst``'s ``tensor`` becomes the reduction over the ranks; the others keep theirs."""
    group_ = default_group()
    reduction = _transport_op(op)
    values = host_values(tensor)
    if group_.transport is not None:
        group_.transport.reduce(values, reduction, dst)
    if group_.rank == dst:
        if op == ReduceOp.AVG:
            values /= values.dtype.type(group_.size)
        write_back(tensor, values)
    return _done(async_op)


def _check_list(name, tensors, like, size):
    if len(tensors) != size:
        raise ValueError(f"{name}: expected a list of {size} tensors (one per rank), got {len(tensors)}")
    for t in tensors:
        if tuple(t.shape) != tuple(like.shape) or t.dtype != like.dtype:
            raise ValueError(f"{name}: every tensor must have shape {tuple(like.shape)} and dtype {like.dtype}, "
                             f"got {tuple(t.shape)} {t.dtype}")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` takes rank i's ``tensor`` on every rank."""
    group_ = default_group()
    _check_list("all_gather", tensor_list, tensor, group_.size)
    values = host_values(tensor)
    gathered = np.empty((group_.size,) + values.shape, values.dtype)
    if group_.transport is not None:
        group_.transport.all_gather(values, gathered)
    else:
        gathered[0] = values
    for out, part in zip(tensor_list, gathered):
        write_back(out, part)
    return _done(async_op)


def gather(tensor, gather_list=None, dst=0, group=None, async_op=False):
    """On rank ``dst``, ``gather_list[i]`` takes rank i's ``tensor``."""
    group_ = default_group()
    values = host_values(tensor)
    is_root = group_.rank == dst
    if is_root:
        _check_list("gather", gather_list or [], tensor, group_.size)
    gathered = np.empty((group_.size,) + values.shape, values.dtype) if is_root else None
    if group_.transport is not None:
        group_.transport.gather(values, gathered, dst)
    elif is_root:
        gathered[0] = values
    if is_root:
        for out, part in zip(gather_list, gathered):
            write_back(out, part)
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank i's ``obj`` (pickled between the job's own processes)."""
    group_ = default_group()
    gathered = group_.transport.all_gather_object(obj) if group_.transport is not None else [obj]
    object_list[:len(gathered)] = gathered


def broadcast_object_list(object_list, src=0, group=None, device=None):
    """Every rank's ``object_list`` takes rank ``src``'s entries (pickled between the job's own processes)."""
    group_ = default_group()
    if group_.transport is not None:
        object_list[:] = group_.transport.broadcast_object(list(object_list), src)


def _stacked(name, tensors, like, size):
    _check_list(name, tensors, like, size)
    return np.stack([host_values(t) for t in tensors])


def _reduced_in_place(group_, values, op):
    reduction = _transport_op(op)
    if group_.transport is not None:
        group_.transport.all_reduce(values, reduction)
    if op == ReduceOp.AVG:
        values /= values.dtype.type(group_.size)
    return values


def scatter(tensor, scatter_list=None, src=0, group=None, async_op=False):
    """Rank i's ``tensor`` takes ``scatter_list[i]`` of rank ``src``."""
    group_ = default_group()
    values = host_values(tensor)
    if group_.rank == src:
        parts = _stacked("scatter", scatter_list or [], tensor, group_.size)
    else:
        parts = np.empty((group_.size,) + values.shape, values.dtype)
    if group_.transport is not None:
        group_.transport.broadcast(parts, src)
    write_back(tensor, parts[group_.rank])
    return _done(async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Rank i's ``output`` becomes the reduction over the ranks of their ``input_list[i]``."""
    group_ = default_group()
    parts = _reduced_in_place(group_, _stacked("reduce_scatter", input_list, output, group_.size), op)
    write_back(output, parts[group_.rank])
    return _done(async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Rank i's ``output_tensor_list[j]`` takes rank j's ``input_tensor_list[i]`` (tensors of one shape)."""
    group_ = default_group()
    like = input_tensor_list[0] if input_tensor_list else None
    mine = _stacked("all_to_all", input_tensor_list, like, group_.size)
    _check_list("all_to_all", output_tensor_list, like, group_.size)
    everyone = np.empty((group_.size,) + mine.shape, mine.dtype)
    if group_.transport is not None:
        group_.transport.all_gather(mine, everyone)
    else:
        everyone[0] = mine
    for sender, out in enumerate(output_tensor_list):
        write_back(out, everyone[sender, group_.rank])
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """``output_tensor`` (size x n, ... or size, n, ...) takes every rank's ``input_tensor`` in rank order."""
    group_ = default_group()
    values = host_values(input_tensor)
    if output_tensor.numel() != values.size * group_.size:
        raise ValueError(f"all_gather_into_tensor: the output must hold {group_.size} x {values.size} elements, "
                         f"got {output_tensor.numel()}")
    gathered = np.empty((group_.size,) + values.shape, values.dtype)
    if group_.transport is not None:
        group_.transport.all_gather(values, gathered)
    else:
        gathered[0] = values
    write_back(output_tensor, gathered.reshape(tuple(output_tensor.shape)))
    return _done(async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002
    """Rank i's ``output`` becomes the reduction of every rank's i-th slice of ``input`` (size x n, ...)."""
    group_ = default_group()
    values = np.array(host_values(input))
    if values.size != output.numel() * group_.size:
        raise ValueError(f"reduce_scatter_tensor: the input must hold {group_.size} x {output.numel()} elements, "
                         f"got {values.size}")
    parts = _reduced_in_place(group_, values.reshape((group_.size, -1)), op)
    write_back(output, parts[group_.rank].reshape(tuple(output.shape)))
    return _done(async_op)

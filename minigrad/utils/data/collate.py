"""Turning samples into batches: ``default_collate`` and ``default_convert``, as ``torch.utils.data``'s."""
import collections.abc

import numpy as np

from ...creation import from_numpy, tensor
from ...ops.shape import stack
from ...tensor import Tensor

__all__ = ["default_collate", "default_convert"]


def _numpy_batch(samples):
    arrays = [np.asarray(s) for s in samples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise RuntimeError(f"default_collate: stack expects each sample to be of equal size (equal shapes), "
                           f"got {sorted(shapes)}")
    return from_numpy(np.ascontiguousarray(np.stack(arrays)))


def default_collate(batch):
    """Stack a list of samples into a batch, as ``torch.utils.data.default_collate``: Tensors and numpy
    arrays are stacked along a new first dimension keeping their dtype, Python floats become float64,
    ints int64, strings are left as they are; dicts, namedtuples, tuples and lists are collated field by field
    (tuples and lists give lists, as PyTorch's)."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack([s.detach() for s in batch])
    if isinstance(first, np.ndarray) or isinstance(first, np.generic):
        if first.dtype.kind in "USO":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                            f"found {first.dtype}")
        return _numpy_batch(batch)
    if isinstance(first, bool):
        return tensor(list(batch))
    if isinstance(first, int):
        return tensor(list(batch), dtype=np.int64)
    if isinstance(first, float):
        return tensor(list(batch), dtype=np.float64)
    if isinstance(first, (str, bytes)):
        return batch
    if isinstance(first, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in first}
        try:
            return type(first)(collated)
        except TypeError:
            return collated
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its type
        return type(first)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(first, collections.abc.Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(field) for field in zip(*batch)]
        if isinstance(first, tuple):
            return fields
        try:
            return type(first)(fields)
        except TypeError:
            return fields
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(first)}")


def default_convert(data):
    """Numpy arrays (at any depth of dicts, tuples and lists) to Tensors, as ``torch.utils.data.default_convert``:
    what a DataLoader with ``batch_size=None`` hands out."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "USO":
        return from_numpy(np.asarray(data, order="C"))  # (0-d stays 0-d)
    if isinstance(data, np.generic) and data.dtype.kind not in "USO":
        return tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return type(data)({key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data

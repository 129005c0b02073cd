"""Size checks made before a compiled kernel trusts its arrays' sizes (shared by the CPU and CUDA backends).

A Numba kernel indexes without bounds checks: an array shorter than another
that gives the loop its length would be read or written past its end. Every
backend entry point whose kernel takes sizes from more than one array checks
them here first, and raises a ValueError naming the op and the array.
"""


def _shape(array):
    return tuple(array.shape)


def same_shape(op, reference_name, reference, **arrays):
    """Each array has ``reference``'s shape."""
    for name, array in arrays.items():
        if array is not None and _shape(array) != _shape(reference):
            raise ValueError(f"{op}: {name} has shape {_shape(array)}, expected {reference_name}'s shape "
                             f"{_shape(reference)}")


def shape_is(op, name, array, shape):
    """``array`` has exactly ``shape``."""
    if array is not None and _shape(array) != tuple(shape):
        raise ValueError(f"{op}: {name} has shape {_shape(array)}, expected {tuple(shape)}")


def size_is(op, name, array, size):
    """``array`` holds exactly ``size`` elements."""
    if array is not None and array.size != size:
        raise ValueError(f"{op}: {name} has {array.size} elements, expected {size}")


def same_dtype(op, reference_name, reference, **arrays):
    for name, array in arrays.items():
        if array is not None and array.dtype != reference.dtype:
            raise ValueError(f"{op}: {name} has dtype {array.dtype}, expected {reference_name}'s dtype "
                             f"{reference.dtype}")


def ndim_is(op, name, array, ndim):
    if len(_shape(array)) != ndim:
        raise ValueError(f"{op}: {name} must have {ndim} dimensions, got shape {_shape(array)}")

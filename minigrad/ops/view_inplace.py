"""An in-place change of a view, recorded as PyTorch records it: the view's base takes a new history (its old
values with the view's region rewritten) and the view becomes a view of that new base. ``y = x * 2;
y[:, 0] *= 3`` then gives ``x`` PyTorch's gradient. The region is found from memory addresses: the flat position
in the base of every element the view looks at. A view whose base changed in place after the view was taken is,
at its next use, made a view of the base's new history (PyTorch regenerates its grad_fn the same way)."""
import numpy as np

from ..autograd import Function, enable_grad, is_grad_enabled, next_sequence, take_history
from ..tensor import Tensor


def places_in_base(view, base):
    """For each element of the numpy array ``view``, its flat (C-order) position in ``base``, whose memory it
    looks into; None when the two do not line up element for element (another dtype, an unaligned offset)."""
    itemsize = base.itemsize
    if view.itemsize != itemsize or any(s % itemsize for s in view.strides + base.strides):
        return None

    def extent(array):
        start = array.__array_interface__["data"][0]
        low = start + sum(min(0, (n - 1) * s) for n, s in zip(array.shape, array.strides))
        high = start + sum(max(0, (n - 1) * s) for n, s in zip(array.shape, array.strides)) + itemsize
        return start, low, high

    base_start, low, high = extent(base)
    view_start, view_low, view_high = extent(view)
    if view.size == 0:
        return np.zeros(view.shape, np.int64)
    if view_low < low or view_high > high or (view_start - low) % itemsize:
        return None
    numbers = np.full((high - low) // itemsize, -1, np.int64)

    def laid_out(array, start):  # ``numbers`` seen with array's shape and (element) strides from its first element
        return np.lib.stride_tricks.as_strided(numbers[(start - low) // itemsize:], array.shape,
                                               [s // itemsize * numbers.itemsize for s in array.strides])

    laid_out(base, base_start)[...] = np.arange(base.size, dtype=np.int64).reshape(base.shape)
    places = laid_out(view, view_start).copy()
    return None if (places < 0).any() else places


class WriteFlat(Function):
    """``a`` with ``values`` written at its flat positions ``places`` (values of places' shape): the base's new
    history. Gradient: the output's, zero at the written places, for ``a``; read back there for ``values``."""

    supports_complex = True

    def forward(self, a, values, places):
        B = self.B
        self.places = places
        flat = B.reshape(B.copy(a), (-1,))
        flat = B.setitem_(flat, places.reshape(-1), B.reshape(values, (-1,)))
        return B.reshape(flat, a.shape)

    def backward(self, g):
        B = self.B
        flat = B.reshape(g, (-1,))
        ga = gv = None
        if self.needs_input_grad[0]:
            ga = B.reshape(B.setitem_(B.copy(flat), self.places.reshape(-1), B.scalar(0, g.dtype)), g.shape)
        if self.needs_input_grad[1]:
            gv = B.getitem(flat, self.places)
        return ga, gv


def _looks_at_parts(view, base):
    """Whether ``view`` sees the real or imaginary parts of a complex base (``real``, ``imag``, ``view_as_real``)."""
    return base.dtype.kind == "c" and view.dtype.kind != "c"


def _addressed(view, base):
    """The array whose elements the view's places number: the base's, or its real pairs for a view of parts."""
    from .complex_numbers import real_pairs
    return real_pairs(base.array) if _looks_at_parts(view, base) else base.array


def write_into_view(view, out, old_view, op):
    """Write ``out`` (the in-place op's result, recorded from ``old_view``, a copy of the view's old values)
    into ``view``'s memory, and rewrite the histories of its base and of the view."""
    base = view._base
    places = places_in_base(view.array, _addressed(view, base)) if view.device.type == "cpu" else None
    if places is None:
        raise RuntimeError(f"{op}: minigrad records an in-place change to a view of another tensor only on the CPU "
                           f"(it finds the view's region in the base's memory); write x = x.clone() first, or "
                           f"use an out-of-place op")
    old_base = Tensor._wrap(base.backend.copy(base.array), base.device, base.requires_grad)
    old_base._ctx = base._ctx
    start = next_sequence()
    if _looks_at_parts(view, base):  # (real, imag, view_as_real of a complex base: written as its real pairs)
        from .complex_numbers import view_as_complex, view_as_real
        new_base = view_as_complex(WriteFlat.apply(view_as_real(old_base), out, places=places))
    else:
        new_base = WriteFlat.apply(old_base, out, places=places)
    view.array = view.backend.copy_(view.array, out.array)
    view._bump_version()
    take_history(base, new_base._ctx, old_base, start)
    _view_of_new_base(view, base, places, old_view, changed=True)
    return view


def _view_of_new_base(view, base, places, old_view, changed):
    """``view`` takes the history of a view of ``base``'s current history; nodes recorded before see
    ``old_view`` (and so do its hooks, when the view itself was ``changed``)."""
    start = next_sequence()
    with enable_grad():
        if _looks_at_parts(view, base):
            from .complex_numbers import view_as_real
            base = view_as_real(base)
        new_view = base.reshape(-1)[Tensor._wrap(places, "cpu")]
    take_history(view, new_view._ctx, old_view, start, changed)
    view._view_version = int(view._version_box[0])


def refresh_view(view):
    """A view used after its base (or another view of it) changed in place: as a view of the base's new history
    when that may carry a gradient (grad mode on, the base requiring grad, on the CPU); else left as it is."""
    base = view._base
    if not (is_grad_enabled() and base.requires_grad and view.device.type == "cpu"):
        return
    places = places_in_base(view.array, _addressed(view, base))
    if places is None:
        return
    stand_in = Tensor._wrap(view.array, view.device, view.requires_grad)
    stand_in._ctx = view._ctx  # (the old history, for nodes recorded before)
    _view_of_new_base(view, base, places, stand_in, changed=False)

"""In-place writers used by initialisers and optimizers: zero_, fill_, copy_, uniform_, normal_, ``x[i] = v``.

They write into the tensor's storage (views of it see the change, as in
PyTorch) and record nothing in the graph. As in PyTorch, a leaf that requires
grad may only be written inside ``minigrad.no_grad()``; writing a tensor that
is part of a recorded graph is refused, since its saved values would go stale.
"""
import numpy as np

from ..autograd import is_grad_enabled
from ..random import default_generator
from ..tensor import Tensor, _is_floating


def _check_writable(x, op):
    if not (is_grad_enabled() and x.requires_grad):
        return
    if x.is_leaf:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an in-place operation; "
                           f"wrap it in `with minigrad.no_grad():`")
    raise RuntimeError(f"{op}: in-place operations on a tensor that is part of the autograd graph are not "
                       f"supported; use minigrad.no_grad() or .detach()")


def zero_(x):
    """``torch.Tensor.zero_``: fill with zeros in place."""
    _check_writable(x, "zero_")
    x.array = x.backend.fill_(x.array, 0)
    return x


def fill_(x, value):
    """``torch.Tensor.fill_``: fill with one value in place."""
    _check_writable(x, "fill_")
    if isinstance(value, Tensor):
        value = value.item()
    x.array = x.backend.fill_(x.array, value)
    return x


def copy_(x, src):
    """``torch.Tensor.copy_``: copy ``src`` (broadcast, cast to this dtype, from any device) in place."""
    _check_writable(x, "copy_")
    if not isinstance(src, Tensor):
        src = Tensor(src, device=x.device)
    try:
        fits = np.broadcast_shapes(tuple(src.shape), tuple(x.shape)) == tuple(x.shape)
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"copy_: source of shape {tuple(src.shape)} cannot be broadcast to the destination "
                           f"shape {tuple(x.shape)}")
    src = src.detach().to(x.device)
    x.array = x.backend.copy_(x.array, x.backend.astype(src.array, x.dtype))
    return x


def _check_floating(x, op):
    if not _is_floating(x.dtype):
        raise RuntimeError(f"{op}: expected a floating point tensor, got {x.dtype}")


def uniform_(x, a=0.0, b=1.0, generator=None):
    """``torch.Tensor.uniform_(from, to)``: uniform samples in [a, b) from ``minigrad.random``'s generator."""
    _check_writable(x, "uniform_")
    _check_floating(x, "uniform_")
    x.array = x.backend.uniform_(x.array, float(a), float(b), generator or default_generator())
    return x


def normal_(x, mean=0.0, std=1.0, generator=None):
    """``torch.Tensor.normal_``: normal samples from ``minigrad.random``'s generator."""
    _check_writable(x, "normal_")
    _check_floating(x, "normal_")
    if std < 0:
        raise RuntimeError(f"normal_ expects std >= 0.0, but found std {std}")
    x.array = x.backend.normal_(x.array, float(mean), float(std), generator or default_generator())
    return x


def setitem(x, index, value):
    """``Tensor.__setitem__``: write a number or a broadcastable tensor into ``x[index]``, not recorded in the graph."""
    from .indexing import index_parts
    _check_writable(x, "__setitem__")
    if isinstance(value, Tensor):
        value = x.backend.astype(value.detach().to(x.device).array, x.dtype)
    x.array = x.backend.setitem_(x.array, index_parts(x, index), value)

"""Numerical calculus on sampled values, as PyTorch's: ``trapz`` (``trapezoid``'s older name),
``cumulative_trapezoid`` and ``gradient`` (central differences inside, one-sided at the edges). Each is written
with differentiable ops, so gradients flow through them."""
from .combine import trapezoid
from .rearrange import narrow
from .shape import cat
from ..tensor import Tensor

__all__ = ["trapz", "cumulative_trapezoid", "gradient"]


def trapz(y, x=None, *, dx=None, dim=-1):
    """``torch.trapz``: ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """``torch.cumulative_trapezoid``: the running trapezoid-rule integral along ``dim`` (one element fewer)."""
    dim = dim % y.ndim
    length = y.shape[dim]
    pairs = narrow(y, dim, 1, length - 1) + narrow(y, dim, 0, length - 1) if length > 1 else narrow(y, dim, 0, 0)
    if x is None:
        return (pairs * ((1.0 if dx is None else dx) / 2)).cumsum(dim)
    steps = x.diff(dim=-1 if x.ndim == 1 else dim)
    if x.ndim == 1:
        steps = steps.reshape(tuple(length - 1 if d == dim else 1 for d in range(y.ndim)))
    return (pairs * steps / 2).cumsum(dim)


def gradient(input, *, spacing=1, dim=None, edge_order=1):  # noqa: A002
    """``torch.gradient``: d input / d coordinate along each of ``dim`` (all dims by default), one tensor per dim,
    for uniform spacings (a number, or one per dim): (f[i+1] - f[i-1]) / 2h inside, and at the edges
    differences of first (``edge_order=1``) or second order (2)."""
    dims = list(range(input.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = [d % input.ndim for d in dims]
    spacings = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(spacings) != len(dims) or any(isinstance(h, Tensor) for h in spacings):
        raise NotImplementedError("gradient: minigrad takes uniform spacings, a number or one number per dim")
    if edge_order not in (1, 2):
        raise ValueError("torch.gradient only supports edge_order=1 and edge_order=2.")
    results = []
    for d, h in zip(dims, spacings):
        n = input.shape[d]
        if n < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
        part = lambda start, length: narrow(input, d, start, length)  # noqa: E731
        inner = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (part(0, 1) * -3 + part(1, 1) * 4 - part(2, 1)) / (2 * h)
            last = (part(n - 1, 1) * 3 - part(n - 2, 1) * 4 + part(n - 3, 1)) / (2 * h)
        results.append(cat([first, inner, last], d))
    return tuple(results)

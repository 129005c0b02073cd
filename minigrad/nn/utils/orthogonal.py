"""``torch.nn.utils.parametrizations.orthogonal``: a weight kept orthogonal (or with orthonormal columns, or rows
when it is wide) by computing it from an unconstrained matrix X on each access, with PyTorch's three maps:

- ``matrix_exp``: Q = exp(A), A = X_lower - X_lower^T skew-symmetric (the default for square weights);
- ``cayley``: Q = (I - A/2)^-1 (I + A/2);
- ``householder``: Q = the product of the Householder reflectors stored below X's diagonal (the default for
  non-square weights), each column's sign from X's diagonal.

With ``use_trivialization`` (the default) the map is applied around a ``base`` orthogonal matrix, so that
assigning an orthogonal Q to ``module.weight`` stores Q as the base and X as the matrix mapping to the identity.
Registering keeps the weight's values: the original weight is projected to the nearest orthogonal matrix by QR
(made orthogonal only if it is not already)."""
import numpy as np

from ... import creation
from ...autograd import no_grad
from ...linalg import householder_product, matrix_exp, solve
from ...ops.compare import where
from ...ops.householder import geqrf
from ...ops.shape import cat
from ...tensor import Tensor
from ..module import Module
from . import parametrize

__all__ = ["orthogonal"]

_MAPS = ("matrix_exp", "cayley", "householder")


def _is_orthogonal(q):
    n, k = q.shape[-2], q.shape[-1]
    eps = 10.0 * n * float(np.finfo(np.dtype(q.dtype)).eps)
    return bool((q.mH @ q).allclose(creation.eye(k, dtype=q.dtype), atol=eps))


def _make_orthogonal(a):
    """The Q of a's QR factorization, each column's sign chosen so that R's diagonal is positive."""
    reflectors, tau = geqrf(a)
    return householder_product(reflectors, tau) * reflectors.diagonal(0, -2, -1).sgn().unsqueeze(-2)


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x):
        n, k = x.shape[-2], x.shape[-1]
        transposed = n < k
        if transposed:
            x, n, k = x.mT, k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = x.tril()
            if n != k:
                x = cat([x, x.new_zeros(n, n - k).expand(*x.shape[:-2], -1, -1)], -1)
            skew = x - x.mH
            if self.orthogonal_map == "matrix_exp":
                q = matrix_exp(skew)
            else:
                identity = creation.eye(n, dtype=skew.dtype)
                q = solve(identity - 0.5 * skew, identity + 0.5 * skew)
            if n != k:
                q = q[..., :k]
        else:
            below = x.tril(-1)
            tau = 2.0 / (1.0 + (below * below).sum(-2))
            q = householder_product(below, tau) * x.diagonal(0, -2, -1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            q = self.base @ q
        return q.mT if transposed else q

    def right_inverse(self, q):
        """The X that maps to ``q`` (``q`` kept as the base with a trivialization: X then maps to the identity)."""
        with no_grad():
            if q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of "
                                 f"shape {q.shape}.")
            original = q
            n, k = q.shape[-2], q.shape[-1]
            transposed = n < k
            if transposed:
                q, n, k = q.mT, k, n
            if not hasattr(self, "base"):
                if self.orthogonal_map in ("matrix_exp", "cayley"):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                reflectors, tau = geqrf(q)
                diagonal = reflectors.diagonal(0, -2, -1).sign()
                diagonal = where(tau == 0.0, -diagonal, diagonal)
                on_diagonal = creation.eye(n, k).bool()
                reflectors = where(on_diagonal, diagonal.unsqueeze(-2), reflectors)
                return reflectors.mT if transposed else reflectors
            if n == k:
                q = q.clone() if _is_orthogonal(q) else _make_orthogonal(q)
            else:
                extra = creation.randn(*(tuple(q.shape[:-2]) + (n, n - k)), dtype=q.dtype)
                q = _make_orthogonal(cat([q, extra], -1))
            self.base = q
            return -creation.eye(*original.shape[-2:], dtype=original.dtype).expand(*original.shape).clone()


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """``torch.nn.utils.parametrizations.orthogonal``: ``module.<name>`` (a matrix or a batch of them) kept
    orthogonal, with PyTorch's maps, defaults, state_dict keys and errors."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    if orthogonal_map not in _MAPS:
        raise ValueError(f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: '
                         f'{orthogonal_map}')
    parametrization = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    return parametrize.register_parametrization(module, name, parametrization, unsafe=True)

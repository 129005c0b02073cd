"""Transforms applied piece by piece along one dim, as ``torch.distributions.transforms``': CatTransform (a
transform per block of ``lengths``, as ``torch.cat`` joins them) and StackTransform (one per index, as
``torch.stack``); and the matrix transforms onto Cholesky factors (of covariance and of correlation matrices)
and positive-definite matrices."""
import math

import numpy as np

from .. import creation, linalg
from ..nn import functional as F
from ..ops.shape import cat, stack
from . import constraints
from .transform import ParameterFree, Transform, sum_rightmost
from .utils import tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["CatTransform", "StackTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "CorrCholeskyTransform"]


class _Pieces(Transform):
    """A transform per piece of ``dim``; ``_pieces(z)`` cuts z, ``_join`` puts the results back."""

    def __init__(self, tseq, dim=0, cache_size=0):
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms, self.dim = list(tseq), dim

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    def _checked_pieces(self, z, name):
        if not -z.ndim <= self.dim < z.ndim:
            raise AssertionError(f"dim {self.dim} out of range for tensor with {z.ndim} dimensions")
        pieces = self._pieces(z, name)
        return pieces

    def _call(self, x):
        return self._join([t(piece) for t, piece in zip(self.transforms, self._checked_pieces(x, "x"))])

    def _inverse_of(self, y):
        return self._join([t.inv(piece) for t, piece in zip(self.transforms, self._checked_pieces(y, "y"))])


class CatTransform(_Pieces):
    """``CatTransform(tseq, dim=0, lengths=None)``: transform i on the i-th block of ``lengths[i]`` entries."""

    def __init__(self, tseq, dim=0, lengths=None, cache_size=0):
        super().__init__(tseq, dim, cache_size)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.transforms)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError(f"lengths ({len(self.lengths)}) must match transforms ({len(self.transforms)})")

    @property
    def event_dim(self):
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self):
        return sum(self.lengths)

    def with_cache(self, cache_size=1):
        return self if self._cache_size == cache_size else \
            CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    @property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)

    def _pieces(self, z, name):
        if z.shape[self.dim] != self.length:
            raise AssertionError(f"{name}.size({self.dim}) = {z.shape[self.dim]} must equal length {self.length}")
        pieces, start = [], 0
        for length in self.lengths:
            pieces.append(z.narrow(self.dim, start, length))
            start += length
        return pieces

    def _join(self, pieces):
        return cat(pieces, self.dim)

    def log_abs_det_jacobian(self, x, y):
        terms = []
        for t, xs, ys in zip(self.transforms, self._checked_pieces(x, "x"), self._checked_pieces(y, "y")):
            term = t.log_abs_det_jacobian(xs, ys)
            terms.append(sum_rightmost(term, self.event_dim - t.event_dim) if t.event_dim < self.event_dim
                         else term)
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        if dim < 0:
            return cat(terms, dim)
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total


class StackTransform(_Pieces):
    """``StackTransform(tseq, dim=0)``: transform i on index i of ``dim``."""

    def with_cache(self, cache_size=1):
        return self if self._cache_size == cache_size else StackTransform(self.transforms, self.dim, cache_size)

    @property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)

    def _pieces(self, z, name):
        if z.shape[self.dim] != len(self.transforms):
            raise AssertionError(f"{name}.size({self.dim}) = {z.shape[self.dim]} must equal len(transforms) "
                                 f"{len(self.transforms)}")
        return [z.select(self.dim, i) for i in range(z.shape[self.dim])]

    def _join(self, pieces):
        return stack(pieces, self.dim)

    def log_abs_det_jacobian(self, x, y):
        return stack([t.log_abs_det_jacobian(xs, ys) for t, xs, ys in
                      zip(self.transforms, self._checked_pieces(x, "x"), self._checked_pieces(y, "y"))], self.dim)


class LowerCholeskyTransform(ParameterFree):
    """Square matrices onto lower Cholesky factors: the strict lower triangle kept, exp of the diagonal."""
    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def _call(self, x):
        return x.tril(-1) + x.diagonal(0, -2, -1).exp().diag_embed()

    def _inverse_of(self, y):
        return y.tril(-1) + y.diagonal(0, -2, -1).log().diag_embed()


class PositiveDefiniteTransform(ParameterFree):
    """Square matrices onto positive-definite ones: L L^T of their LowerCholeskyTransform."""
    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def _call(self, x):
        factor = LowerCholeskyTransform()(x)
        return factor @ factor.transpose(-2, -1)

    def _inverse_of(self, y):
        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class CorrCholeskyTransform(ParameterFree):
    """Unconstrained vectors of length D(D-1)/2 onto Cholesky factors of D x D correlation matrices (lower
    triangular, positive diagonal, rows of unit norm): tanh into (-1, 1), the entries laid out row by row below
    the diagonal, each row then a signed stick breaking onto the unit sphere."""
    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def _call(self, x):
        eps = float(np.finfo(np.dtype(x.dtype)).eps)
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        remaining = (1 - r ** 2).sqrt().cumprod(-1)
        r = r + creation.eye(r.shape[-1], dtype=r.dtype, device=r.device)
        return r * F.pad(remaining[..., :-1], [1, 0], value=1)

    def _inverse_of(self, y):
        remaining = F.pad((1 - (y * y).cumsum(-1))[..., :-1], [1, 0], value=1)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(remaining, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x, y, intermediates=None):
        below = tril_matrix_to_vec(1 - (y * y).cumsum(-1), diag=-2)
        return 0.5 * below.log().sum(-1) - 2 * (x + F.softplus(-2 * x) - math.log(2.0)).sum(-1)

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        count = shape[-1]
        size = round((0.25 + 2 * count) ** 0.5 + 0.5)
        if size * (size - 1) // 2 != count:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return tuple(shape[:-1]) + (size, size)

    def inverse_shape(self, shape):
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        size = shape[-1]
        return tuple(shape[:-2]) + (size * (size - 1) // 2,)

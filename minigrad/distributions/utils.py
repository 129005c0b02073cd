"""``torch.distributions.utils``: broadcasting a law's parameters, and converting probabilities and logits as
PyTorch does (clamped to the dtype's eps, so that a probability of 0 or 1 keeps finite logits)."""
import numpy as np

from .. import creation
from ..nn import functional as F
from ..tensor import Tensor, default_float

__all__ = ["broadcast_all", "clamp_probs", "clipped_sigmoid", "logits_to_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix"]


def broadcast_all(*values):
    """``torch.distributions.utils.broadcast_all``: numbers as tensors (of the tensors' dtype, else the default dtype), all
    expanded to their common shape."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else default_float()
    tensors = [v if isinstance(v, Tensor) else creation.tensor(float(v), dtype=dtype,
                                                               device=like.device if like is not None else "cpu")
               for v in values]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(t.expand(*shape) for t in tensors)


def _info(x):
    return np.finfo(np.dtype(x.dtype))


def clamp_probs(probs):
    """probs clamped to [eps, 1 - eps] of their dtype."""
    eps = float(_info(probs).eps)
    return probs.clamp(min=eps, max=1 - eps)


def clipped_sigmoid(x):
    """sigmoid(x) clamped to [tiny, 1 - eps] of its dtype (PyTorch's ``_clipped_sigmoid``)."""
    info = _info(x)
    return x.sigmoid().clamp(min=float(info.tiny), max=1.0 - float(info.eps))


def logits_to_probs(logits, is_binary=False):
    """``logits_to_probs``: sigmoid of log-odds, or softmax over the last dim."""
    return logits.sigmoid() if is_binary else F.softmax(logits, -1)


def probs_to_logits(probs, is_binary=False):
    """``probs_to_logits``: log-odds (binary) or log-probabilities, of the clamped probabilities."""
    clamped = clamp_probs(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


class lazy_property:  # noqa: N801 (PyTorch's name)
    """A property computed at its first read and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def _triangle_index(n, diag):
    """Row-major flat indices of the entries of an n x n matrix below diagonal ``diag`` (0: with the diagonal)."""
    rows, columns = np.tril_indices(n, diag)
    return rows * n + columns


def tril_matrix_to_vec(mat, diag=0):
    """``torch.distributions.utils.tril_matrix_to_vec``: the lower-triangular entries (below ``diag``), row by
    row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    index = creation.tensor(_triangle_index(n, diag), device=mat.device)
    return mat.reshape(*mat.shape[:-2], n * n)[..., index]


def vec_to_tril_matrix(vec, diag=0):
    """``torch.distributions.utils.vec_to_tril_matrix``: the inverse of tril_matrix_to_vec (zeros elsewhere)."""
    length = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * length + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > float(np.finfo(np.dtype(vec.dtype)).eps):
        raise ValueError(f"The size of last dimension is {length} which cannot be expressed as the lower "
                         "triangular part of a square D x D matrix.")
    n = round(n)
    # each entry of the matrix reads one place of [0, vec...]: 0 above the triangle
    places = np.zeros(n * n, np.int64)
    places[_triangle_index(n, diag)] = np.arange(1, length + 1)
    from ..ops.shape import cat
    padded = cat([vec.new_zeros(*vec.shape[:-1], 1), vec], -1)
    return padded[..., creation.tensor(places, device=vec.device)].reshape(*vec.shape[:-1], n, n)

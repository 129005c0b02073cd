"""Householder reflections, as LAPACK stores them and PyTorch exposes them: ``torch.geqrf`` (the QR factorization
as reflectors: R on and above the diagonal, the reflectors' vectors below it, their scalars ``tau``),
``torch.linalg.householder_product`` (``torch.orgqr``: Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^T with v_i = e_i
below the diagonal's entry, then A's column i) and ``torch.ormqr`` (Q or Q^T times a matrix). The product is
written with differentiable ops (the gradient reaches A and tau); geqrf computes LAPACK's reflectors
(beta = -sign(alpha) ||x||, tau = (beta - alpha) / beta) on a float64 copy, without a gradient, as PyTorch's."""

import numpy as np

from .. import return_types
from .. import creation

__all__ = ["householder_product", "orgqr", "geqrf", "ormqr"]

_Geqrf = return_types.geqrf


def _reflector_vectors(A, k):
    """v_1..v_k of A's columns: 1 on the diagonal, A's entries below it, zeros above."""
    m = A.shape[-2]
    strictly_lower = A[..., :, :k].tril(-1)
    return strictly_lower + creation.eye(m, k, dtype=A.dtype, device=A.device)


def householder_product(A, tau):  # noqa: N803
    """``torch.linalg.householder_product(A, tau)``: the first n columns of H_1 ... H_k (A is m x n, k = tau's
    length)."""
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if not (m >= n >= k):
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]" if m < n else "torch.linalg.householder_product: input.shape[-1] must "
                           "be greater than or equal to tau.shape[-1]")
    vectors = _reflector_vectors(A, k)
    Q = creation.eye(m, n, dtype=A.dtype, device=A.device).expand(*A.shape[:-2], m, n)
    for i in reversed(range(k)):  # H_i applied on the left of the product of the later ones
        v = vectors[..., :, i:i + 1]
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.transpose(-2, -1) @ Q))
    return Q


orgqr = householder_product


def geqrf(input):  # noqa: A002
    """``torch.geqrf``: (a, tau) of LAPACK's QR factorization (no gradient, as PyTorch's)."""
    values = input.detach().cpu().numpy().astype(np.float64).reshape(-1, *input.shape[-2:]).copy()
    m, n = values.shape[-2:]
    k = min(m, n)
    taus = np.zeros((len(values), k))
    for b, a in enumerate(values):
        for j in range(k):
            alpha, x = a[j, j], a[j + 1:, j]
            norm = np.hypot(alpha, np.linalg.norm(x)) if len(x) else abs(alpha)
            if not x.any():  # (nothing below the diagonal: H = I)
                continue
            beta = -np.copysign(norm, alpha)
            taus[b, j] = (beta - alpha) / beta
            a[j + 1:, j] = x / (alpha - beta)
            a[j, j] = beta
            v = np.concatenate([[1.0], a[j + 1:, j]])
            a[j:, j + 1:] -= taus[b, j] * np.outer(v, v @ a[j:, j + 1:])
    dtype = np.dtype(input.dtype)
    return _Geqrf(creation.tensor(values.reshape(input.shape).astype(dtype), device=input.device),
                  creation.tensor(taus.reshape(*input.shape[:-2], k).astype(dtype), device=input.device))


def ormqr(input, input2, input3, left=True, transpose=False):  # noqa: A002
    """``torch.ormqr(a, tau, other, left, transpose)``: Q other, Q^T other, other Q or other Q^T, with Q the full
    (m x m) product of geqrf's reflectors."""
    m = input.shape[-2]
    k = input2.shape[-1]
    square = input if input.shape[-1] >= m else creation.zeros(*input.shape[:-1], m, dtype=input.dtype,
                                                                 device=input.device)
    if input.shape[-1] < m:
        square = square.clone()
        square[..., :, :input.shape[-1]] = input
    Q = householder_product(square[..., :, :m], input2[..., :k])
    Q = Q.transpose(-2, -1) if transpose else Q
    return Q @ input3 if left else input3 @ Q


METHODS = {"orgqr": orgqr, "ormqr": ormqr, "geqrf": geqrf}

"""Matrix functions of ``torch.linalg`` that need a factorization: inv, det, slogdet, solve, cholesky, eigh
(with their gradients, PyTorch's formulas), and svd, svdvals, qr, pinv. Square matrices in the last two dims,
batched over the leading ones. The factorizations are numpy's LAPACK on the host; a GPU tensor makes the round
trip (these are small matrices in a training script: normalizations, initializations, metrics)."""

import numpy as np

from .. import return_types
from ..autograd import Function
from ..tensor import torch_type_name
from .linalg_errors import LinAlgError, failure_message, positive_definite_info, singular_info

__all__ = ["LinAlgError", "inv", "det", "slogdet", "logdet", "solve", "cholesky", "eigh", "eigvalsh", "svd", "svdvals",
           "qr", "pinv", "matrix_power"]

SlogdetResult = return_types.linalg_slogdet
EighResult = return_types.linalg_eigh
SvdResult = return_types.linalg_svd
QrResult = return_types.linalg_qr


def _t(a):
    return np.swapaxes(a, -1, -2)


class _HostFunction(Function):
    """A Function computed on host arrays: ``compute(*numpy arrays)`` forward, ``gradients(*numpy)`` backward.
    Several results (slogdet's, eigh's, svd's) travel as one array, each flattened along a last dim after the
    batch dims, and are taken apart by ``_parts`` (the gradient arrives the same way)."""

    def forward(self, *arrays, **options):
        self.options = options
        host = [self.B.to_numpy(a) for a in arrays]
        outputs = self.compute(*host, **options)
        if isinstance(outputs, tuple):
            self.batch = outputs[0].shape[:host[0].ndim - 2]
            self.shapes = [o.shape[len(self.batch):] for o in outputs]
            outputs = np.concatenate([o.reshape(self.batch + (-1,)) for o in outputs], -1)
        return self.B.from_numpy(np.array(outputs, order="C"))

    def backward(self, g):
        g = self.B.to_numpy(g)
        parts = _split(g, self.batch, self.shapes) if hasattr(self, "shapes") else [g]
        result = self.gradients(*parts)
        if isinstance(result, tuple):
            return tuple(None if r is None else self.B.from_numpy(np.array(r, order="C")) for r in result)
        return self.B.from_numpy(np.array(result, order="C"))


def _split(packed, batch, shapes):
    """The arrays of ``shapes`` (after the batch dims) one after another in the last dim of ``packed``."""
    parts, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        parts.append(packed[..., start:start + size].reshape(tuple(batch) + tuple(shape)))
        start += size
    return parts


def _parts(packed, shapes):
    """A multi-result Function's output tensor taken apart into its results of ``shapes`` (each differentiable:
    slices and reshapes of the packed tensor)."""
    return _split(packed, tuple(packed.shape[:-1]), shapes)


def _check_square(name, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2] if a.ndim >= 2 else 1} by {a.shape[-1] if a.ndim else 1} matrices")
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
                           f"{torch_type_name(a.dtype)}")


def _with_errors(compute, name, matrices):
    """``compute()``, numpy's LinAlgError raised as PyTorch's LinAlgError with its message."""
    try:
        return compute()
    except np.linalg.LinAlgError:
        info = positive_definite_info(matrices) if name == "cholesky" else singular_info(matrices)
        if not np.any(info):  # (numpy refused what LU finds regular: name the failure without an index)
            raise LinAlgError(f"linalg.{name}: The input matrix is singular.") from None
        raise LinAlgError(failure_message(name, matrices, info,
                                          "torch.linalg.solve" if name == "solve" else None)) from None


class Inv(_HostFunction):
    supports_complex = holomorphic = True

    def compute(self, a):
        self.out = _with_errors(lambda: np.linalg.inv(a), "inv", a).astype(a.dtype)
        return self.out

    def gradients(self, g):
        """-A^-T g A^-T."""
        inverse_t = _t(self.out)
        return -(inverse_t @ g @ inverse_t)


class Slogdet(_HostFunction):
    def compute(self, a):
        sign, logabsdet = np.linalg.slogdet(a)
        self.a = a
        return sign.astype(a.dtype), logabsdet.astype(a.dtype)

    def gradients(self, g_sign, g_log):
        """g A^-T (the sign is piecewise constant)."""
        return np.asarray(g_log)[..., None, None] * _t(np.linalg.inv(self.a))


class Det(_HostFunction):
    supports_complex = holomorphic = True

    def compute(self, a):
        self.a, self.out = a, np.linalg.det(a).astype(a.dtype)
        return self.out

    def gradients(self, g):
        """g det(A) A^-T, from the SVD where A is singular (the adjugate, without an inverse)."""
        u, s, vh = np.linalg.svd(self.a)
        # adj(A)^T = det(U) det(Vh) conj(U) diag(prod of the other singular values) conj(Vh)
        others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], -1)
        signs = np.linalg.det(u) * np.linalg.det(vh)
        cofactor = signs[..., None, None] * (np.conjugate(u) * others[..., None, :]) @ np.conjugate(vh)
        return np.asarray(g)[..., None, None] * cofactor


class Solve(_HostFunction):
    supports_complex = holomorphic = True

    def compute(self, a, b, vector):
        rhs = b[..., None] if vector else b
        self.a, self.x = a, _with_errors(lambda: np.linalg.solve(a, rhs), "solve", a).astype(a.dtype)
        return self.x[..., 0] if vector else self.x

    def gradients(self, g):
        """gB = A^-T g, gA = -gB X^T."""
        vector = self.options["vector"]
        g = g[..., None] if vector else g
        g_b = np.linalg.solve(_t(self.a), g)
        g_a = -(g_b @ _t(self.x))
        return g_a.astype(self.a.dtype), (g_b[..., 0] if vector else g_b).astype(self.a.dtype)


class Cholesky(_HostFunction):
    def compute(self, a, upper):
        lower = _with_errors(lambda: np.linalg.cholesky(a), "cholesky", a).astype(a.dtype)
        self.lower = lower
        return _t(lower) if upper else lower

    def gradients(self, g):
        """L^-T Phi(L^T gL) L^-1, symmetrized; Phi keeps the lower triangle with its diagonal halved."""
        lower = self.lower
        g = _t(g) if self.options["upper"] else g
        phi = np.tril(_t(lower) @ g)
        phi[..., np.arange(phi.shape[-1]), np.arange(phi.shape[-1])] *= 0.5
        inverse = np.linalg.inv(lower)
        g_a = _t(inverse) @ phi @ inverse
        return (0.5 * (g_a + _t(g_a))).astype(lower.dtype)


class Eigh(_HostFunction):
    def compute(self, a, uplo):
        values, vectors = np.linalg.eigh(a, UPLO=uplo)
        self.values, self.vectors = values.astype(a.dtype), vectors.astype(a.dtype)
        return self.values, self.vectors

    def gradients(self, g_values, g_vectors):
        """V (diag(g_values) + skew(V^T g_vectors) / E) V^T, with E[i, j] = lambda_j - lambda_i and skew(X) =
        (X - X^T) / 2: the eigenvectors' gradient projected on the rotations that keep them orthonormal."""
        v, values = self.vectors, self.values
        inner = np.zeros(v.shape, v.dtype)
        if np.any(g_vectors):
            gaps = values[..., None, :] - values[..., :, None]
            rotation = _t(v) @ g_vectors
            with np.errstate(divide="ignore", invalid="ignore"):
                inner = 0.5 * (rotation - _t(rotation)) / gaps
            inner[..., np.arange(v.shape[-1]), np.arange(v.shape[-1])] = 0
        if np.any(g_values):
            inner[..., np.arange(v.shape[-1]), np.arange(v.shape[-1])] += g_values
        return v @ inner @ _t(v)


class Qr(_HostFunction):
    def compute(self, a, mode):
        self.q, self.r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        self.q, self.r = self.q.astype(a.dtype), self.r.astype(a.dtype)
        return self.q, self.r

    def gradients(self, g_q, g_r):
        """PyTorch's QR gradient (real case). Tall or square: with M = R gR^T - gQ^T Q and copyltu(M) the
        symmetric matrix of M's lower triangle, (gQ + Q copyltu(M)) R^-T. Wide, A = [X | Y] and R = [U | V]: X's
        gradient is the square case's with gQ + Y gV^T and gU, Y's is Q gV."""
        q, r = self.q, self.r
        m, n = q.shape[-2], r.shape[-1]
        if self.options["mode"] == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if self.options["mode"] == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_square_gradient(q, r, g_q, g_r)
        g_x = _qr_square_gradient(q, r[..., :m], g_q + (q @ r[..., m:]) @ _t(g_r[..., m:]), g_r[..., :m])
        return np.concatenate([g_x, q @ g_r[..., m:]], -1)


def _qr_square_gradient(q, r, g_q, g_r):
    inner = r @ _t(g_r) - _t(g_q) @ q
    lower = np.tril(inner, -1)
    symmetric = lower + _t(lower) + np.eye(inner.shape[-1], dtype=inner.dtype) * np.diagonal(
        inner, axis1=-2, axis2=-1)[..., None, :]
    return _t(np.linalg.solve(r, _t(g_q + q @ symmetric)))


class Svd(_HostFunction):
    def compute(self, a, full_matrices):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        self.u, self.vh, self.s = u.astype(a.dtype), vh.astype(a.dtype), s.astype(a.dtype)
        return self.u, s.astype(a.dtype), self.vh

    def gradients(self, g_u, g_s, g_vh):
        """PyTorch's SVD gradient (real case): with skew(X) = X - X^T and E[i, j] = s_j^2 - s_i^2,
        U [(skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)] V^T, plus the parts of gU and gV outside the spans of
        U and V for a tall or wide matrix. Singular vectors of repeated singular values have no gradient."""
        u, vh, s = self.u, self.vh, self.s
        k = s.shape[-1]
        if self.options["full_matrices"] and (np.any(g_u[..., k:]) or np.any(g_vh[..., k:, :])):
            raise NotImplementedError("linalg.svd: the gradient of the extra singular vectors of full_matrices=True "
                                      "is not defined; use full_matrices=False")
        u, vh, g_u, g_vh = u[..., :k], vh[..., :k, :], g_u[..., :k], g_vh[..., :k, :]
        has_u, has_v = bool(np.any(g_u)), bool(np.any(g_vh))
        m, n = u.shape[-2], vh.shape[-1]
        if not has_u and not has_v:
            return (u * g_s[..., None, :]) @ vh
        v, g_v = _t(vh), _t(g_vh)
        squares = s * s
        gaps = squares[..., None, :] - squares[..., :, None]
        gaps[..., np.arange(k), np.arange(k)] = 1
        inner = np.zeros(s.shape[:-1] + (k, k), s.dtype)
        if has_u:
            rotation = _t(u) @ g_u
            inner = inner + (rotation - _t(rotation)) * s[..., None, :]
        if has_v:
            rotation = _t(v) @ g_v
            inner = inner + s[..., :, None] * (rotation - _t(rotation))
        inner = inner / gaps
        inner[..., np.arange(k), np.arange(k)] = g_s
        if m > n and has_u:
            scaled = g_u / s[..., None, :]
            return (u @ inner + scaled - u @ (_t(u) @ scaled)) @ vh
        if m < n and has_v:
            scaled = g_vh / s[..., :, None]
            return u @ (inner @ vh + scaled - (scaled @ v) @ vh)
        return u @ inner @ vh


def inv(A):
    """``torch.linalg.inv`` (and ``torch.inverse``): the inverse; a RuntimeError for a singular matrix."""
    _check_square("inv", A)
    return Inv.apply(A)


def det(A):
    """``torch.linalg.det`` (and ``torch.det``): the determinant; its gradient holds for singular matrices."""
    _check_square("det", A)
    return Det.apply(A)


def slogdet(A):
    """``torch.linalg.slogdet``: (sign, log |det|)."""
    _check_square("slogdet", A)
    return SlogdetResult(*_parts(Slogdet.apply(A), [(), ()]))


def logdet(A):
    """``torch.logdet``: log det(A), NaN for a negative determinant, -inf for a zero one."""
    sign, logabsdet = slogdet(A)
    from .compare import where
    return where(sign < 0, float("nan"), where(sign == 0, float("-inf"), logabsdet))


def solve(A, B, *, left=True):
    """``torch.linalg.solve``: X with A X = B (B a vector or a batch of matrices); ``left=False`` solves X A = B."""
    _check_square("solve", A)
    if not left:
        return solve(A.transpose(-1, -2), B.transpose(-1, -2)).transpose(-1, -2)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if B.shape[-1 if vector else -2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {tuple(B.shape)})")
    return Solve.apply(A, B.to(A.dtype), vector=vector)


def cholesky(A, *, upper=False):
    """``torch.linalg.cholesky``: the lower (or upper) triangular L with A = L L^T."""
    _check_square("cholesky", A)
    return Cholesky.apply(A, upper=upper)


def eigh(A, UPLO="L"):  # noqa: N803
    """``torch.linalg.eigh``: eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, read
    from its lower (or upper) triangle."""
    _check_square("eigh", A)
    n = A.shape[-1]
    return EighResult(*_parts(Eigh.apply(A, uplo=UPLO), [(n,), (n, n)]))


def eigvalsh(A, UPLO="L"):  # noqa: N803
    """``torch.linalg.eigvalsh``: the eigenvalues of ``eigh``."""
    return eigh(A, UPLO).eigenvalues


def svd(A, full_matrices=True):
    """``torch.linalg.svd``: (U, S, Vh) with A = U diag(S) Vh (differentiable with full_matrices=False)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    shapes = [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]
    return SvdResult(*_parts(Svd.apply(A, full_matrices=full_matrices), shapes))


def svdvals(A):
    """``torch.linalg.svdvals``: the singular values, descending (differentiable)."""
    return svd(A, full_matrices=False).S


def qr(A, mode="reduced"):
    """``torch.linalg.qr``: (Q, R) with A = Q R (numpy's Householder signs, as LAPACK's); mode 'r' gives an empty
    Q. Differentiable as PyTorch's: not for mode 'r', nor for 'complete' on a tall matrix."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    m, n = A.shape[-2:]
    q_columns = m if mode == "complete" else min(m, n)
    q, r = _parts(Qr.apply(A, mode=mode), [(m, q_columns), (min(m, n) if mode != "complete" else m, n)])
    if mode == "r":
        from ..creation import empty
        q = empty(0, dtype=A.dtype, device=A.device)
    return QrResult(q, r)


def pinv(A, *, rtol=None, hermitian=False):
    """``torch.linalg.pinv``: the Moore-Penrose pseudo-inverse, built from the SVD (singular values below
    rtol * the largest count as zero; rtol defaults to max(m, n) * eps)."""
    u, s, vh = svd(A, full_matrices=False)
    rtol = max(A.shape[-2:]) * float(np.finfo(A.dtype).eps) if rtol is None else rtol
    cutoff = s.amax(-1, keepdim=True) * rtol
    from .compare import where
    inverse = where(s > cutoff, 1 / s, 0.0)
    return (vh.transpose(-1, -2) * inverse.unsqueeze(-2)) @ u.transpose(-1, -2)


def matrix_power(A, n):
    """``torch.linalg.matrix_power``: A multiplied by itself n times (the inverse's power for n < 0), by
    repeated squaring."""
    _check_square("matrix_power", A)
    if n < 0:
        return matrix_power(inv(A), -n)
    from ..creation import eye
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    if result is None:  # n = 0: the identity, connected to A with a zero gradient, as PyTorch's
        from .compare import where
        identity = eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(*A.shape)
        return where(identity != identity, A, identity)
    return result


LegacySvdResult = return_types.svd


def legacy_svd(input, some=True, compute_uv=True):  # noqa: A002
    """``torch.svd``: (U, S, V) with input = U diag(S) V^T (V, not Vh; reduced when ``some``); without
    ``compute_uv``, U and V are zeros, as PyTorch's."""
    U, S, Vh = svd(input, full_matrices=not some)
    V = Vh.transpose(-2, -1)
    if not compute_uv:
        U, V = U.detach() * 0, V.detach() * 0
    return LegacySvdResult(U, S, V)


def legacy_cholesky(input, upper=False):  # noqa: A002
    """``torch.cholesky`` (deprecated in PyTorch, with its warning): ``linalg.cholesky``, or its transpose with
    ``upper``."""
    import warnings
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return cholesky(input, upper=upper)


def legacy_qr(input, some=True):  # noqa: A002
    """``torch.qr``: ``linalg.qr`` with mode 'reduced' (``some``) or 'complete'."""
    return return_types.qr(*qr(input, mode="reduced" if some else "complete"))


def legacy_slogdet(input):  # noqa: A002
    """``torch.slogdet``: ``linalg.slogdet``, its result named as PyTorch's older function names it."""
    return return_types.slogdet(*slogdet(input))


METHODS = {"svd": legacy_svd, "qr": legacy_qr, "inverse": inv, "det": det, "slogdet": legacy_slogdet, "logdet": logdet, "cholesky": cholesky,
           "pinverse": lambda self, rcond=1e-15: pinv(self, rtol=rcond), "matrix_power": matrix_power}

"""A GEMM that adds to its result, c = a @ b + beta * c, from the OpenBLAS that numpy's wheels bundle.

numpy's matmul always overwrites its output. The shifted-view convolution (``conv_shifted``) sums kh*kw
products into one result; with beta = 1 BLAS adds each product inside its own kernel, instead of a temporary
and one more pass over the result per product. Operands are 2-D float32 or float64 views whose rows may lie
any distance apart (a window of a larger buffer), as BLAS's leading dimensions allow.

Where numpy uses another BLAS (MKL, Accelerate, a distribution's OpenBLAS), ``has_gemm`` is False and the
callers take another path.
"""
import ctypes

import numpy as np

from ..._numpy_openblas import numpy_openblas

_ROW_MAJOR, _NO_TRANS = 101, 111
# (symbol prefix, suffix, integer type): numpy 2's ILP64 wheels, an ILP64 build without prefix, scipy's LP64 one
_NAMINGS = (("scipy_cblas_", "64_", ctypes.c_int64), ("cblas_", "64_", ctypes.c_int64),
            ("scipy_cblas_", "", ctypes.c_int))


def _bind(library):
    """{dtype: cblas_?gemm function} of the library, or {} when it has none we know how to call."""
    if library is None:
        return {}
    for prefix, suffix, integer in _NAMINGS:
        try:
            functions = {np.dtype(np.float32): (getattr(library, f"{prefix}sgemm{suffix}"), ctypes.c_float),
                         np.dtype(np.float64): (getattr(library, f"{prefix}dgemm{suffix}"), ctypes.c_double)}
        except AttributeError:
            continue
        for function, scalar in functions.values():
            function.restype = None
            function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, scalar,
                                 ctypes.c_void_p, integer, ctypes.c_void_p, integer, scalar, ctypes.c_void_p, integer]
        return {dtype: function for dtype, (function, _) in functions.items()}
    return {}


_GEMMS = _bind(numpy_openblas())


def has_gemm(dtype):
    """Whether ``gemm`` can multiply arrays of this dtype."""
    return np.dtype(dtype) in _GEMMS


def _leading_dimension(name, array, columns):
    """BLAS's row pitch of a 2-D view with unit column stride, checked so that BLAS stays inside the view."""
    itemsize = array.itemsize
    if array.ndim != 2 or array.shape[1] != columns or (array.shape[1] > 1 and array.strides[1] != itemsize):
        raise ValueError(f"gemm: {name} must be a 2-D view with contiguous rows of {columns} columns")
    if array.shape[0] <= 1:
        return max(columns, 1)
    if array.strides[0] % itemsize or array.strides[0] // itemsize < columns:
        raise ValueError(f"gemm: the rows of {name} overlap or are not a whole number of elements apart")
    return max(array.strides[0] // itemsize, 1)


def gemm(a, b, c, beta):
    """c = a @ b + beta * c in place, for (M, K) a, (K, N) b and (M, N) c of one float dtype (BLAS's GEMM with
    alpha = 1); returns c. With beta = 0, c's previous values (even NaN) do not matter, as in BLAS."""
    function = _GEMMS.get(np.dtype(c.dtype))
    if function is None or a.dtype != c.dtype or b.dtype != c.dtype:
        raise TypeError(f"gemm: no BLAS GEMM for {a.dtype} @ {b.dtype} -> {c.dtype}")
    M, K = a.shape if a.ndim == 2 else (-1, -1)
    N = b.shape[1] if b.ndim == 2 else -1
    if b.shape[0] != K or c.shape != (M, N):
        raise ValueError(f"gemm: shapes {a.shape} @ {b.shape} -> {c.shape} do not fit")
    if not c.flags.writeable:
        raise ValueError("gemm: c is read-only")
    lda, ldb, ldc = _leading_dimension("a", a, K), _leading_dimension("b", b, N), _leading_dimension("c", c, N)
    if M and N:
        function(_ROW_MAJOR, _NO_TRANS, _NO_TRANS, M, N, K, 1.0, a.ctypes.data, lda, b.ctypes.data, ldb, beta,
                 c.ctypes.data, ldc)
    return c

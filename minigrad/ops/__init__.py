"""Differentiable ops, one module per family. Each op is a ``Function`` with forward and backward side by side.

Every family module lists in ``METHODS`` the ops it attaches to ``Tensor``
(``x.sum()``, ``x + y``...), so a new op is added in one file only.
"""
from . import (elementwise, ternary, unary, trigonometric, special, elementwise_more, compare,  # noqa: F401
               integer, reduce, scan, vector_norm, shape, rearrange, combine, products, sort, statistics, selection,
               scatter, linalg, matrix, activation, composite_activation, conv, unfold, pool, norm, resize, loss,
               aliases, inplace, random_fill, tensor_extras, real_numbers, incomplete_gamma, cholesky_forms, lu,
               householder, short_time_fourier)

_FAMILIES = (elementwise, ternary, unary, trigonometric, special, elementwise_more, compare, integer, reduce, scan,
             vector_norm, shape, rearrange, combine, products, sort, statistics, selection, scatter, linalg, matrix,
             activation, composite_activation, conv, unfold, pool, norm, resize, loss, aliases, random_fill,
             tensor_extras, real_numbers, incomplete_gamma, cholesky_forms, lu, householder, short_time_fourier)


def tensor_methods():
    """Every op that is also a Tensor method, by method name."""
    from .. import creation, interop, legacy, sparse, storage, tensor_info  # (new_zeros; type(), new(); to_sparse...)
    methods = {**creation.METHODS, **interop.METHODS, **legacy.METHODS, **sparse.METHODS, **storage.METHODS,
               **tensor_info.METHODS}
    for family in _FAMILIES:
        methods.update(getattr(family, "METHODS", {}))
    methods.update(inplace.inplace_methods())
    return methods

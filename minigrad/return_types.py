"""The named tuples that ops such as ``max(dim)``, ``sort`` and ``linalg.svd`` return, as ``torch.return_types``:
the same names and fields, and printed as PyTorch prints them, one field per line. Each is reached as an
attribute of this module (``minigrad.return_types.max``), so a result pickles, though no Python name here
shadows a built-in such as ``max``."""
from collections import namedtuple

_FIELDS = {
    "max": "values indices", "min": "values indices", "sort": "values indices", "topk": "values indices",
    "median": "values indices", "kthvalue": "values indices", "mode": "values indices",
    "nanmedian": "values indices", "cummax": "values indices", "cummin": "values indices",
    "aminmax": "min max", "frexp": "mantissa exponent", "histogram": "hist bin_edges",
    "geqrf": "a tau", "triangular_solve": "solution cloned_coefficient",
    "linalg_lu_factor": "LU pivots", "linalg_lu_factor_ex": "LU pivots info", "linalg_lu": "P L U",
    "lu_unpack": "P L U", "slogdet": "sign logabsdet", "linalg_slogdet": "sign logabsdet",
    "linalg_eigh": "eigenvalues eigenvectors", "linalg_svd": "U S Vh", "svd": "U S V", "linalg_qr": "Q R",
    "qr": "Q R", "linalg_inv_ex": "inverse info", "linalg_cholesky_ex": "L info", "linalg_solve_ex": "result info",
    "linalg_lstsq": "solution residuals rank singular_values",
}


def _print_as_torch(result):
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(result._fields, result))
    return f"minigrad.return_types.{type(result).__name__}(\n{fields})"


_TYPES = {name: type(name, (namedtuple(name, fields),),
                     {"__slots__": (), "__repr__": _print_as_torch, "__module__": __name__})
          for name, fields in _FIELDS.items()}


def __getattr__(name):
    """``minigrad.return_types.<name>``: the result type PyTorch names so."""
    try:
        return _TYPES[name]
    except KeyError:
        raise AttributeError(f"module 'minigrad.return_types' has no attribute '{name}'") from None


def __dir__():
    return sorted(_TYPES)

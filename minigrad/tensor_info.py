"""Tensor properties and queries that PyTorch scripts read: ``is_cpu``, ``get_device()``, ``retains_grad``,
``is_complex()``, ``is_signed()``, ``mT``/``mH``/``H``/``adjoint()``; and ``set_printoptions`` for how tensors
print. Attached to Tensor with the ops (``METHODS``)."""
import numpy as np

__all__ = ["set_printoptions", "PRINT_OPTIONS"]

# numpy's array2string options that Tensor.__repr__ uses (PyTorch's defaults: 4 digits, summarize past 1000)
PRINT_OPTIONS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_PROFILES = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=np.inf, edgeitems=3, linewidth=80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """``torch.set_printoptions``: digits after the point, the element count past which a tensor is summarized,
    the items shown at each edge when it is, the line width, a profile ('default', 'short', 'full'), and
    scientific notation forced on or off (None: numpy's choice)."""
    if profile is not None:
        PRINT_OPTIONS.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            PRINT_OPTIONS[name] = value
    PRINT_OPTIONS["sci_mode"] = sci_mode


def _matrix_transpose(x):
    if x.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return x.transpose(-2, -1)


def _full_transpose(x):
    if x.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {x.ndim}-D tensor.")
    return x.transpose(0, 1)


def is_complex(x):
    """``Tensor.is_complex``: False (minigrad has no complex dtypes)."""
    return False


def is_signed(x):
    """``Tensor.is_signed``: whether the dtype holds negative values."""
    return np.dtype(x.dtype).kind in "fi"


def get_device(x):
    """``Tensor.get_device``: -1 on the CPU, else the GPU's index."""
    return -1 if x.device.type == "cpu" else (x.device.index or 0)


def adjoint(x):
    """``Tensor.adjoint``: the last two dims swapped (the conjugate of a real tensor is itself)."""
    return _matrix_transpose(x)


METHODS = {
    "is_cpu": property(lambda x: x.device.type == "cpu", doc="``Tensor.is_cpu``."),
    "mT": property(_matrix_transpose, doc="``Tensor.mT``: the last two dims swapped."),
    "mH": property(_matrix_transpose, doc="``Tensor.mH``: ``mT`` (real tensors)."),
    "H": property(_full_transpose, doc="``Tensor.H``: a matrix transposed (real tensors)."),
    "retains_grad": property(lambda x: bool(x._retains_grad) and x._ctx is not None,
                             doc="``Tensor.retains_grad``: whether retain_grad() was called on this non-leaf."),
    "is_complex": is_complex, "is_signed": is_signed, "get_device": get_device, "adjoint": adjoint,
}

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


def element_formatter(values):
    """A function writing each element as PyTorch prints it, padded to one width: integers and bools as they are;
    floats with ``precision`` decimals, in scientific notation when the nonzero magnitudes span more than 1000x
    or pass 1e8 (or fall below 1e-4, unless all are integral), and as "3." when every finite value is integral.
    The width is that of the finite nonzero values (zeros, inf and NaN are padded to it, never cut)."""
    precision, forced = PRINT_OPTIONS["precision"], PRINT_OPTIONS["sci_mode"]
    flat = np.asarray(values).reshape(-1)
    if flat.dtype.kind != "f":
        text = (lambda v: str(bool(v))) if flat.dtype.kind == "b" else (lambda v: str(int(v)))
        width = max((len(text(v)) for v in flat), default=1)
        return lambda v: text(v).rjust(width)
    finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
    integral = bool(np.all(finite == np.ceil(finite)))
    scientific = False
    if finite.size:
        low, high = np.abs(finite).min(), np.abs(finite).max()
        scientific = high / low > 1000.0 or high > 1e8 or (not integral and low < 1e-4)
    if forced is not None:
        scientific = forced
    if scientific:
        text = lambda v: f"{v:.{precision}e}"  # noqa: E731
    elif integral:
        text = lambda v: f"{v:.0f}" + ("." if np.isfinite(v) else "")  # noqa: E731
    else:
        text = lambda v: f"{v:.{precision}f}"  # noqa: E731
    width = max((len(text(v)) for v in finite), default=1)
    return lambda v: text(v).rjust(width)


def _complex_formatter(values):
    """PyTorch's complex elements: the real parts formatted together, the imaginary parts together, joined as
    "1.0000+2.j" (the imaginary part unpadded, its sign as the joint); and the width PyTorch lays lines out by."""
    real_fmt, imag_fmt = element_formatter(values.real), element_formatter(values.imag)

    def fmt(v):
        imag = imag_fmt(v.imag).lstrip() + "j"
        return real_fmt(v.real) + ("" if imag[0] in "+-" else "+") + imag
    first = values.reshape(-1)[0] if values.size else 0j
    return fmt, len(real_fmt(first.real)) + len(imag_fmt(first.imag)) + 1


def _summarized(values, edge):
    """The values PyTorch's printing looks at: each dim cut to its first and last ``edge`` entries."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * edge:
        values = np.concatenate([values[:edge], values[-edge:]])
    return np.stack([_summarized(v, edge) for v in values]) if values.ndim > 1 else values


def tensor_body(values, indent=7):
    """The bracketed elements of ``tensor(...)``, laid out as PyTorch lays them out: ``linewidth`` per line,
    summarized past ``threshold`` elements with ``edgeitems`` at each edge."""
    options = PRINT_OPTIONS
    edge = options["edgeitems"]
    summarize = values.size > options["threshold"]
    shown = _summarized(values, edge) if summarize else values
    if values.dtype.kind == "c":
        fmt, width = _complex_formatter(shown)
    else:
        fmt = element_formatter(shown)
        width = len(fmt(values.reshape(-1)[0])) if values.size else 1

    def rows(array, indent):
        if array.ndim == 0:
            return fmt(array.item())
        if array.ndim == 1:
            items = [fmt(v) for v in array.tolist()]
            if summarize and array.shape[0] > 2 * edge:
                items = items[:edge] + [" ..."] + items[-edge:]
            per_line = max(1, int((options["linewidth"] - indent) // (width + 2)))
            lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
            return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
        if summarize and array.shape[0] > 2 * edge:
            parts = [rows(a, indent + 1) for a in array[:edge]] + ["..."] + [rows(a, indent + 1)
                                                                             for a in array[-edge:]]
        else:
            parts = [rows(a, indent + 1) for a in array]
        return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(parts) + "]"
    if values.size == 0:
        return "[]" if values.ndim <= 1 else f"[], size={tuple(values.shape)}"
    return rows(values, indent)


def with_suffixes(body, suffixes, indent=7):
    """``tensor(`` + body + the suffixes (dtype=..., grad_fn=...) + ``)``, each suffix on a new line, indented,
    where it would pass ``linewidth`` on the current one, as PyTorch's ``_add_suffixes``."""
    text = "tensor(" + body
    line_length = len(text) - text.rfind("\n") + 1  # (PyTorch's count, one more than the line's length)
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > PRINT_OPTIONS["linewidth"]:
            text += ",\n" + " " * indent + suffix
            line_length = indent + len(suffix)
        else:
            text += ", " + suffix
            line_length += len(suffix) + 2
    return text + ")"


def _matrix_transpose(x):
    if x.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return x.transpose(-2, -1)


def _full_transpose(x):
    if x.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {x.ndim}-D tensor.")
    return x.transpose(0, 1)


def is_complex(x):
    """``Tensor.is_complex``: whether the dtype is complex64 or complex128."""
    return np.dtype(x.dtype).kind == "c"


def is_signed(x):
    """``Tensor.is_signed``: whether the dtype holds negative values."""
    return np.dtype(x.dtype).kind in "fi"


def get_device(x):
    """``Tensor.get_device``: -1 on the CPU, else the GPU's index."""
    return -1 if x.device.type == "cpu" else (x.device.index or 0)


def adjoint(x):
    """``Tensor.adjoint``/``mH``: the last two dims swapped and conjugated."""
    return _matrix_transpose(x).conj()


def _full_adjoint(x):
    """``Tensor.H``: a matrix transposed and conjugated."""
    return _full_transpose(x).conj()


METHODS = {
    "is_cpu": property(lambda x: x.device.type == "cpu", doc="``Tensor.is_cpu``."),
    "mT": property(_matrix_transpose, doc="``Tensor.mT``: the last two dims swapped."),
    "mH": property(adjoint, doc="``Tensor.mH``: the last two dims swapped and conjugated."),
    "H": property(_full_adjoint, doc="``Tensor.H``: a matrix transposed and conjugated."),
    "retains_grad": property(lambda x: bool(x._retains_grad) and x._ctx is not None,
                             doc="``Tensor.retains_grad``: whether retain_grad() was called on this non-leaf."),
    "is_complex": is_complex, "is_signed": is_signed, "get_device": get_device, "adjoint": adjoint,
}

"""``minigrad.testing.assert_close``: PyTorch's comparison of tensors (and numbers, and nested sequences and
mappings of them) for tests: shapes, dtypes and devices must agree, values within atol + rtol * |expected|
(by default the tolerances of the dtype, as PyTorch's), NaNs unequal unless ``equal_nan``."""
import numpy as np

from .tensor import Tensor

__all__ = ["assert_close"]

# PyTorch's default (rtol, atol) by dtype
_DEFAULT_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _as_array(value):
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` are close, as ``torch.testing.assert_close``."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            raise AssertionError(msg or f"The mappings' keys differ: {sorted(actual)} and {sorted(expected)}")
        for key in expected:
            assert_close(actual[key], expected[key], rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_device=check_device, check_dtype=check_dtype, msg=msg)
        return
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            raise AssertionError(msg or "The sequences' lengths differ")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                         check_dtype=check_dtype, msg=msg)
        return
    a, e = _as_array(actual), _as_array(expected)
    if isinstance(actual, Tensor) != isinstance(expected, Tensor) and not (
            isinstance(actual, (int, float)) and isinstance(expected, (int, float))):
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}.")
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}.")
    if check_device and isinstance(actual, Tensor) and actual.device != expected.device:
        raise AssertionError(msg or f"The values for attribute 'device' do not match: {actual.device} != "
                                    f"{expected.device}.")
    if rtol is None:
        rtol, atol = _DEFAULT_TOLERANCES.get(np.result_type(a, e).name, (0.0, 0.0))
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan) | (a == e)
    if equal_nan:
        close |= np.isnan(a) & np.isnan(e) if a.dtype.kind == "f" else False
    if not np.all(close):
        _fail(a, e, close, rtol, atol, msg)


def _fail(a, e, close, rtol, atol, msg):
    bad = int(np.size(close) - np.count_nonzero(close))
    with np.errstate(all="ignore"):
        difference = np.abs(a.astype(np.float64) - e.astype(np.float64))
        relative = np.nanmax(np.where(close, 0, difference / np.abs(e)))
        absolute = np.nanmax(np.where(close, 0, difference))
    raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: {bad} / {np.size(close)} "
                                f"({100 * bad / max(np.size(close), 1):.1f}%)\nGreatest absolute difference: "
                                f"{absolute} (up to {atol} allowed)\nGreatest relative difference: {relative} (up to "
                                f"{rtol} allowed)")

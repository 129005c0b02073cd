"""A Python number as a host 0-d array of a tensor's dtype, as PyTorch converts a scalar operand: shared by both
backends' ``scalar``."""
import numpy as np


def host_scalar(value, dtype):
    """``value`` as a 0-d numpy array of ``dtype``. A Python int outside an integer dtype's range wraps around as
    C's cast does (PyTorch: ``uint8 tensor + 300`` adds 44, ``== 300`` compares with 44), where numpy would raise;
    one outside 64 bits raises PyTorch's OverflowError."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" and isinstance(value, int) and not isinstance(value, bool):
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            if not -2 ** 63 <= value < 2 ** 64:
                raise OverflowError("int too big to convert")
            bits = dtype.itemsize * 8
            value &= (1 << bits) - 1
            if dtype.kind == "i" and value >= 1 << (bits - 1):
                value -= 1 << bits
    return np.asarray(value, dtype=dtype)

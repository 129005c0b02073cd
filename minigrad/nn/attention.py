"""``torch.nn.attention``: ``SDPBackend`` and the ``sdpa_kernel`` context manager that picks
``scaled_dot_product_attention``'s backends. minigrad has one backend (the math one, on either device), so the
context only checks its argument as PyTorch does and changes nothing: results are the math backend's."""
import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel"]


class SDPBackend(enum.IntEnum):
    """The attention backends PyTorch names (minigrad computes every one as MATH)."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """``torch.nn.attention.sdpa_kernel(backends)``: a context in which attention may use these backends."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances")
    yield

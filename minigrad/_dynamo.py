"""``torch._dynamo``: what scripts touch of it around ``torch.compile`` (``config`` flags, ``reset``), accepted;
minigrad compiles nothing (see ``minigrad.compiler``)."""
from .compiler import disable, reset  # noqa: F401

__all__ = ["config", "reset", "disable", "is_compiling"]


class _Config:
    """Any flag can be set and read back (``torch._dynamo.config.suppress_errors = True``)."""

    cache_size_limit = 8
    suppress_errors = False
    verbose = False


config = _Config()


def is_compiling():
    return False

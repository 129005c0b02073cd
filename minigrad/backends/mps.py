"""``torch.backends.mps``: scripts test it to pick a device; minigrad has no Apple GPU backend."""


def is_available():
    """False: minigrad runs on the CPU and on NVIDIA GPUs only."""
    return False


def is_built():
    return False

"""``torch.backends.cudnn``'s flags, so that scripts setting them run: minigrad does not use cuDNN (its CUDA
kernels are its own), and its convolutions are deterministic, so the flags change nothing."""
benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available():
    """False: minigrad has no cuDNN."""
    return False


def version():
    """None: no cuDNN, as ``torch.backends.cudnn.version()`` without it."""
    return None

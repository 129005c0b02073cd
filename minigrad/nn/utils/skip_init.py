"""``torch.nn.utils.skip_init``: a module built without its default initialization mattering."""
__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """The module ``module_cls(*args, **kwargs)``; its parameters hold the default init (PyTorch leaves them
    uninitialized: either way the caller initializes them)."""
    if "device" not in module_cls.__init__.__code__.co_varnames:
        raise RuntimeError(f"Module must support a 'device' arg to skip initialization, got {module_cls.__name__}")
    return module_cls(*args, **kwargs)

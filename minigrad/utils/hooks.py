"""``torch.utils.hooks``: ``RemovableHandle``, what every ``register_*_hook`` returns."""
__all__ = ["RemovableHandle"]


class RemovableHandle:
    """``remove()`` unregisters the hook (it works as a context manager too); ``id`` is its key."""

    def __init__(self, hooks, key):
        self.hooks, self.id = hooks, key

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

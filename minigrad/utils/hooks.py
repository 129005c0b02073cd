"""``torch.utils.hooks``: ``RemovableHandle``, what every ``register_*_hook`` returns."""
__all__ = ["RemovableHandle"]


class RemovableHandle:
    """``remove()`` unregisters the hook (it works as a context manager too); ``id`` is its key."""

    _next_id = 0  # one count for every registry, so that keys tell the order of registration

    def __init__(self, hooks, key):
        self.hooks, self.id = hooks, key

    @classmethod
    def add(cls, hooks, hook, prepend=False):
        """``hook`` registered in the ordered dict ``hooks`` (first when ``prepend``); its handle."""
        cls._next_id += 1
        hooks[cls._next_id] = hook
        if prepend:
            hooks.move_to_end(cls._next_id, last=False)
        return cls(hooks, cls._next_id)

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

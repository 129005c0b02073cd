"""``torch.func.functional_call`` (and ``torch.nn.utils.stateless.functional_call``): call a module with some of
its parameters and buffers replaced by given tensors, for that call only; gradients flow to the given tensors."""
__all__ = ["functional_call"]


def _owner(module, path):
    parent, _, name = path.rpartition(".")
    return module.get_submodule(parent), name


def functional_call(module, parameter_and_buffer_dicts, args=(), kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a dict, or a sequence of
    dicts, by state_dict name) in place of the module's own; the module is restored afterwards."""
    tensors = {}
    for mapping in (parameter_and_buffer_dicts if isinstance(parameter_and_buffer_dicts, (list, tuple))
                    else [parameter_and_buffer_dicts]):
        tensors.update(mapping)
    if strict:
        known = {name for name, _ in module.named_parameters()} | {name for name, _ in module.named_buffers()}
        missing, unexpected = sorted(known - set(tensors)), sorted(set(tensors) - known)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: missing {missing}, "
                               f"unexpected {unexpected}")
    saved = []
    try:
        for path, value in tensors.items():
            owner, name = _owner(module, path)
            store = owner._parameters if name in owner._parameters else (
                owner._buffers if name in owner._buffers else None)
            if store is None:
                raise AttributeError(f"{type(owner).__name__} has no parameter or buffer `{name}`")
            saved.append((store, name, store[name]))
            store[name] = value  # (a plain tensor: the store accepts it for the call)
        if not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for store, name, original in reversed(saved):
            store[name] = original

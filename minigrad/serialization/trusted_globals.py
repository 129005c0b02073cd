"""The classes and functions a user trusts ``minigrad.load`` to rebuild, as ``torch.serialization``'s safe globals.

A weights file names only tensors and containers. A whole pickled model (``minigrad.save(model, f)``) also names
its classes (``minigrad.nn.linear.Linear``, the script's own ``Net``); ``load`` rebuilds one only when the user
has listed it here, by ``add_safe_globals([...])`` or ``with safe_globals([...]):``, as ``torch.load`` with
``weights_only=True`` does. A listed class is created without calling ``__init__`` and given its pickled
attributes; nothing that is not listed is imported or called.
"""
import contextlib
import pickletools

_user_globals = {}  # "module.qualname" -> the object


def _name_of(entry):
    """(the name a pickle uses for ``entry``, the object): an object, or PyTorch's ``(object, "module.name")``."""
    if isinstance(entry, tuple):
        if len(entry) != 2 or not isinstance(entry[1], str):
            raise ValueError(f"a safe global is an object or (object, 'module.name'), got {entry!r}")
        return entry[1], entry[0]
    module, name = getattr(entry, "__module__", None), getattr(entry, "__qualname__", None)
    if module is None or name is None:
        raise ValueError(f"{entry!r} has no module and qualified name; pass (object, 'module.name')")
    return f"{module}.{name}", entry


def add_safe_globals(safe_globals):
    """Trust these classes and functions in every later ``load``, as ``torch.serialization.add_safe_globals``."""
    for entry in safe_globals:
        name, found = _name_of(entry)
        _user_globals[name] = found


def get_safe_globals():
    """The objects ``add_safe_globals`` trusts, as ``torch.serialization.get_safe_globals``."""
    return list(_user_globals.values())


def clear_safe_globals():
    """Forget every trusted global, as ``torch.serialization.clear_safe_globals``."""
    _user_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Trust these globals inside the ``with`` block only, as ``torch.serialization.safe_globals``."""
    saved = dict(_user_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_globals.clear()
        _user_globals.update(saved)


def trusted(module, name):
    """The object the user listed as ``module.name``, or None."""
    return _user_globals.get(f"{module}.{name}")


def is_trusted_class(cls):
    """Whether the user listed this very class."""
    return isinstance(cls, type) and any(found is cls for found in _user_globals.values())


def globals_named(pickle_bytes):
    """Every "module.name" the pickle names (GLOBAL and STACK_GLOBAL), read without running it."""
    names, strings = [], []
    for opcode, argument, _ in pickletools.genops(pickle_bytes):
        if opcode.name == "GLOBAL":
            names.append(argument.replace(" ", "."))
        elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
            names.append(f"{strings[-2]}.{strings[-1]}")
        if isinstance(argument, str):
            strings.append(argument)
    return names

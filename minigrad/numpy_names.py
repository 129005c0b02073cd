"""PyTorch's numpy-style keyword names: its argument parser lets every built-in op that takes ``dim`` take
``axis`` instead, and ``keepdims`` for ``keepdim`` (``x.sum(axis=0, keepdims=True)``, ``torch.mean(x, axis=1)``).
minigrad's ops are Python functions, so each one with a ``dim`` parameter is wrapped once, at import."""
import functools
import inspect
import types


def _parameters(fn):
    code = inspect.unwrap(fn).__code__  # (a decorated op's own parameters, not its wrapper's)
    return code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]


def _renamed(fn):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
                if numpy_name in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got both {numpy_name}= and {name}=")
                    kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)
    op.takes_numpy_names = True
    return op


def with_numpy_names(fn):
    """``fn`` taking ``axis=``/``keepdims=`` too, when it has a ``dim`` parameter and no ``axis`` of its own."""
    if not isinstance(fn, types.FunctionType) or getattr(fn, "takes_numpy_names", False):
        return fn
    parameters = _parameters(fn)
    return _renamed(fn) if "dim" in parameters and "axis" not in parameters else fn


def install(owner, names):
    """Replace each of ``names`` on ``owner`` (a class or a module's globals dict) by ``with_numpy_names`` of it."""
    for name in names:
        if isinstance(owner, dict):
            owner[name] = with_numpy_names(owner[name])
        else:
            setattr(owner, name, with_numpy_names(owner.__dict__[name]))

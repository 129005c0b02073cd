"""``torch.jit``'s names that model code and scripts call in eager mode: ``script`` and ``trace`` return what they
are given (minigrad runs eagerly), ``is_scripting``/``is_tracing`` are False, and the decorators and annotations
(``ignore``, ``unused``, ``export``, ``annotate``, ``Final``) pass through. TorchScript files cannot be written or
read: ``save``/``load`` raise (save a state_dict instead)."""
from typing import Final  # noqa: F401 (torch.jit.Final)

__all__ = ["script", "trace", "trace_module", "is_scripting", "is_tracing", "ignore", "unused", "export",
           "annotate", "Final", "save", "load", "ScriptModule", "fork", "wait", "interface"]


class ScriptModule:
    """Named so that ``isinstance(m, torch.jit.ScriptModule)`` checks are False, as for any eager module."""


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """The module or function itself, as if scripted."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """The module or function itself, as if traced (a trace of an eager program computes the same values)."""
    return func


def trace_module(mod, inputs, *args, **kwargs):
    return mod


def is_scripting():
    return False


def is_tracing():
    return False


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore`` and ``@torch.jit.ignore(drop=True)``: the function unchanged."""
    return drop if callable(drop) else (lambda fn: fn)


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def annotate(the_type, the_value):
    """``torch.jit.annotate``: the value."""
    return the_value


def fork(func, *args, **kwargs):
    """``torch.jit.fork``: the call, made now; ``wait`` returns its result."""
    return func(*args, **kwargs)


def wait(future):
    return future


def save(m, f, _extra_files=None):
    raise NotImplementedError("minigrad has no TorchScript: save the model's state_dict (minigrad.save) instead")


def load(f, map_location=None, _extra_files=None):
    raise NotImplementedError("minigrad cannot read TorchScript archives: load a state_dict saved with "
                              "torch.save(model.state_dict(), path) instead")

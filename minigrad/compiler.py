"""``torch.compile`` and ``torch.compiler``, as a no-op that keeps PyTorch's shape: minigrad runs eagerly (its
kernels are compiled by Numba already), so compiling changes no result, and a script that compiles its model
runs unchanged.

``compile(module)`` returns an ``OptimizedModule`` wrapping it as PyTorch's does: calls go to the module,
attributes are the module's, ``._orig_mod`` is the module, and the wrapper's state_dict keys carry PyTorch's
``_orig_mod.`` prefix (so checkpoints have PyTorch's keys, and scripts that strip the prefix find it).
``compile(function)`` returns the function; ``compile()`` with no model is a decorator.
"""
from .nn.module import Module

__all__ = ["compile_model", "OptimizedModule", "disable", "is_compiling", "is_dynamo_compiling", "reset",
           "allow_in_graph", "assume_constant_result"]


class OptimizedModule(Module):
    """What ``torch.compile`` returns for a module (``torch._dynamo.eval_frame.OptimizedModule``)."""

    def __init__(self, module):
        super().__init__()
        self._orig_mod = module

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)


def compile_model(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
                  disable=False):
    """``torch.compile``: a module is wrapped (see the module's docstring), a function returned as it is; with
    no model, a decorator. Every option is accepted; none changes what runs."""
    if model is None:
        return lambda fn: compile_model(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                        options=options, disable=disable)
    if isinstance(model, Module) and not disable:
        return OptimizedModule(model)
    if not callable(model):
        raise RuntimeError(f"torch.compile: expected a module or a callable, got {type(model).__name__}")
    return model


def disable(fn=None, recursive=True, *, reason=None):
    """``torch.compiler.disable``: the function as it is (nothing is compiled)."""
    return fn if fn is not None else (lambda f: f)


def is_compiling():
    """False: minigrad never traces a graph."""
    return False


def is_dynamo_compiling():
    return False


def reset():
    """``torch.compiler.reset`` / ``torch._dynamo.reset``: nothing is cached."""


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn

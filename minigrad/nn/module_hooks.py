"""Module hooks, as ``torch.nn.Module``'s: ``register_forward_pre_hook``, ``register_forward_hook`` and
``register_full_backward_hook`` / ``register_full_backward_pre_hook``, and the call that runs them.

A full backward hook sees the gradients with respect to the module's outputs and to its own inputs: each input
that requires grad passes through an identity op before ``forward``, so the gradient arriving there is this
module's contribution alone (the input may be used elsewhere too), as PyTorch's backward-hook nodes do."""
import warnings
from collections import OrderedDict

from ..tensor import Tensor
from ..utils.hooks import RemovableHandle

__all__ = ["ModuleHooks"]


def _tensors(value):
    return [value] if isinstance(value, Tensor) else [v for v in value if isinstance(v, Tensor)] \
        if isinstance(value, (tuple, list)) else []


class ModuleHooks:
    """The hook registries of a Module and ``__call__`` running them around ``forward``."""

    def _hook_store(self, name):
        store = self.__dict__.get(name)
        if store is None:
            store = OrderedDict()
            object.__setattr__(self, name, store)
        return store

    def _add_module_hook(self, name, entry, prepend):
        return RemovableHandle.add(self._hook_store(name), entry, prepend)

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``(module, args, kwargs)``) before ``forward``; what it returns replaces
        the arguments."""
        return self._add_module_hook("_forward_pre_hooks", (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` (or ``(module, args, kwargs, output)``) after ``forward``; what it
        returns replaces the output."""
        return self._add_module_hook("_forward_hooks", (hook, with_kwargs), prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` once the gradients with respect to the module's inputs are
        known; a tuple it returns replaces grad_input (for a module with one input that requires grad)."""
        return self._add_module_hook("_backward_hooks", hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` when the gradients with respect to the outputs arrive; a tuple it
        returns replaces them."""
        return self._add_module_hook("_backward_pre_hooks", hook, prepend)

    def register_backward_hook(self, hook):
        """The deprecated form: registered as a full backward hook."""
        return self.register_full_backward_hook(hook)

    def __call__(self, *args, **kwargs):
        pre, post = self.__dict__.get("_forward_pre_hooks"), self.__dict__.get("_forward_hooks")
        backward = self.__dict__.get("_backward_hooks") or self.__dict__.get("_backward_pre_hooks")
        if not (pre or post or backward):
            return self.forward(*args, **kwargs)
        for hook, with_kwargs in list((pre or {}).values()):
            result = hook(self, args, kwargs) if with_kwargs else hook(self, args)
            if result is not None:
                if with_kwargs:
                    args, kwargs = result
                else:
                    args = result if isinstance(result, tuple) else (result,)
        state = _BackwardState(self) if backward else None
        if state is not None:
            args = state.watch_inputs(args)
        out = self.forward(*args, **kwargs)
        for hook, with_kwargs in list((post or {}).values()):
            result = hook(self, args, kwargs, out) if with_kwargs else hook(self, args, out)
            if result is not None:
                out = result
        if state is not None:
            state.watch_outputs(out)
        return out


class _BackwardState:
    """One call's full backward hooks: output gradients gathered by tensor hooks on the outputs, input
    gradients by tensor hooks on identity copies of the inputs; the module's hooks run once all have come."""

    def __init__(self, module):
        self.module = module
        self.grad_outputs, self.grad_inputs = {}, {}
        self.output_count, self.input_slots = 0, []

    def watch_inputs(self, args):
        watched = list(args)
        for i, value in enumerate(args):
            if isinstance(value, Tensor) and value.requires_grad:
                copy = value.view_as(value) if hasattr(value, "view_as") else value * 1
                self.input_slots.append(i)
                copy.register_hook(lambda g, slot=len(self.input_slots) - 1: self._input_grad(slot, g))
                watched[i] = copy
        self.arg_count = len(args)
        return tuple(watched)

    def watch_outputs(self, out):
        outputs = [t for t in _tensors(out) if t.requires_grad]
        self.output_count = len(outputs)
        for k, t in enumerate(outputs):
            t.register_hook(lambda g, k=k: self._output_grad(k, g))

    def _output_grad(self, k, g):
        self.grad_outputs[k] = g
        if len(self.grad_outputs) < self.output_count:
            return None
        grads = tuple(self.grad_outputs[i] for i in range(self.output_count))
        for hook in list(self.module.__dict__.get("_backward_pre_hooks", {}).values()):
            result = hook(self.module, grads)
            if result is not None:
                grads = tuple(result)
        self.grad_outputs = dict(enumerate(grads))
        if not self.input_slots:
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=5)
            self._run_hooks()
        return grads[k]

    def _input_grad(self, slot, g):
        self.grad_inputs[slot] = g
        if len(self.grad_inputs) < len(self.input_slots):
            return None
        replaced = self._run_hooks()
        if replaced is not None:
            if len(self.input_slots) != 1:
                raise RuntimeError("minigrad's full backward hooks replace grad_input only for a module with one "
                                   "input that requires grad")
            return replaced[self.input_slots[0]]
        return None

    def _run_hooks(self):
        grad_input = [None] * self.arg_count if hasattr(self, "arg_count") else []
        for slot, position in enumerate(self.input_slots):
            grad_input[position] = self.grad_inputs.get(slot)
        grad_input = tuple(grad_input)
        grad_output = tuple(self.grad_outputs[i] for i in range(self.output_count))
        replaced = None
        for hook in list(self.module.__dict__.get("_backward_hooks", {}).values()):
            result = hook(self.module, grad_input, grad_output)
            if result is not None:
                grad_input = replaced = tuple(result)
        return replaced

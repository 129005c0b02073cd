"""``nn.Module``: the base of every layer and model, with PyTorch's registration and modes (state_dict and its
loading are in module_state.py, hooks in module_hooks.py)."""
import warnings
from collections import OrderedDict

import numpy as np

from ..legacy import typename
from ..tensor import Tensor
from .module_hooks import ModuleHooks
from .module_state import ModuleState, _IncompatibleKeys
from .parameter import Parameter, buffer_persistence

IncompatibleKeys = _IncompatibleKeys


_COMPLEX_MODULES = ("Complex modules are a new feature under active development whose design may change, and some "
                    "modules might not work as expected when using complex tensors as parameters or buffers. Please "
                    "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a "
                    "complex module does not work as expected.")


def _is_device(value):
    from ..device import device
    return isinstance(value, (str, device))


def _target_device(args, kwargs):
    """The device a ``to(...)`` call names (a device, a string, a tensor's), or None."""
    found = kwargs.get("device")
    for value in args:
        if _is_device(value):
            found = value
        elif isinstance(value, Tensor):
            found = value.device
    return found


def _check_module_dtype(args, kwargs):
    """PyTorch's checks of ``Module.to``'s dtype: a floating point or complex one (a warning for complex)."""
    dtype = kwargs.get("dtype")
    for value in args:
        if isinstance(value, Tensor):
            dtype = value.dtype
        elif not _is_device(value):
            dtype = value
    if dtype is None:
        return
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":
        raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype=minigrad.{dtype}")
    if dtype.kind == "c":
        warnings.warn(_COMPLEX_MODULES, UserWarning, stacklevel=3)


class Module(ModuleHooks, ModuleState):
    """Base class of layers, as ``torch.nn.Module``: attributes that are Parameters, Modules or
    registered buffers are tracked in order, so ``state_dict`` keys match PyTorch's for the same tree; forward
    and backward hooks (module_hooks.py) run around each call."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign '{name}' before Module.__init__() call")
        params, buffers, modules = self._parameters, self._buffers, self._modules
        if isinstance(value, (Parameter, Module)):
            own = params if isinstance(value, Parameter) else modules
            for store in (self.__dict__, params, buffers, modules):
                if store is not own:  # a replaced parameter or child keeps its place in the order, as PyTorch's
                    store.pop(name, None)
            own[name] = value
        elif name in params or name in modules:
            if value is not None:
                kind, expected = ("parameter", "torch.nn.Parameter") if name in params else ("child module",
                                                                                          "torch.nn.Module")
                raise TypeError(f"cannot assign '{typename(value)}' as {kind} '{name}' ({expected} or None "
                                f"expected)")
            (params if name in params else modules)[name] = None
        elif name in buffers or buffer_persistence(value) is not None:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' (torch.Tensor or None "
                                "expected)")
            persistent = buffer_persistence(value)
            self.register_buffer(name, value, name not in self._non_persistent if persistent is None else persistent)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        for store in ("_parameters", "_buffers", "_modules"):
            d = self.__dict__.get(store)
            if d is not None and name in d:
                return d[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def _check_new_name(self, kind, name, store):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in store:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name, param):
        """Add a Parameter (or None) under ``name``, as ``torch.nn.Module.register_parameter``."""
        self._check_new_name("parameter", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' (torch.nn.Parameter or "
                            "None required)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a state tensor that is not learned (e.g. running_mean), as ``torch.nn.Module.register_buffer``."""
        self._check_new_name("buffer", name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Register a child module (or None) under ``name``, as ``torch.nn.Module.add_module``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name("module", name, self._modules)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------------ traversal
    def get_submodule(self, target):
        """The submodule at a dotted path ("" is the module itself), as ``torch.nn.Module.get_submodule``."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no attribute `{part}`")
            module = module._modules[part]
        return module

    def _get_member(self, target, kind):
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        store = module._parameters if kind == "parameter" else module._buffers
        if name not in store:
            raise AttributeError(f"{type(module).__name__} has no {kind} `{name}`")
        return store[name]

    def get_parameter(self, target):
        """The parameter at a dotted path, as ``torch.nn.Module.get_parameter``."""
        return self._get_member(target, "parameter")

    def get_buffer(self, target):
        """The buffer at a dotted path, as ``torch.nn.Module.get_buffer``."""
        return self._get_member(target, "buffer")

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Every module of the tree, depth first, self included (a module met twice once, unless
        ``remove_duplicate=False``), as ``torch.nn.Module.named_modules``."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """The direct children, each module once (under its first name), as ``torch.nn.Module.named_children``."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, store, recurse=True, remove_duplicate=True):
        seen = set()
        modules = self.named_modules(remove_duplicate=remove_duplicate) if recurse else [("", self)]
        for prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield prefix + ("." if prefix else "") + name, value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) pairs, a shared parameter once unless ``remove_duplicate=False``, as PyTorch's."""
        for name, p in self._named_members("_parameters", recurse, remove_duplicate):
            yield prefix + ("." if prefix else "") + name, p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, buffer) pairs, a shared buffer once unless ``remove_duplicate=False``, as PyTorch's."""
        for name, b in self._named_members("_buffers", recurse, remove_duplicate):
            yield prefix + ("." if prefix else "") + name, b

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------ modes and devices
    def train(self, mode=True):
        """Set training mode on every submodule (BatchNorm uses batch statistics), as ``torch.nn.Module.train``."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient, as ``torch.nn.Module.zero_grad``."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad._zero_as_gradient()

    def to(self, *args, **kwargs):
        """Move parameters and buffers in place to a device (and/or float dtype), as ``torch.nn.Module.to``
        (``memory_format`` applies to 4-D and 5-D tensors only, as PyTorch's; see ``minigrad.memory_format``)."""
        fmt = kwargs.pop("memory_format", None)
        _check_module_dtype(args, kwargs)
        for t in list(self.parameters()) + list(self.buffers()):
            if fmt is not None and t.ndim in (4, 5):
                Tensor.to(t, memory_format=fmt)
            if t.dtype.kind in "fc":  # floating point and complex tensors take the dtype, the others keep theirs
                moved = Tensor.to(t.detach(), *args, **kwargs)
            else:
                moved = Tensor.to(t.detach(), device=_target_device(args, kwargs))
            t.array, t.device = moved.array, moved.device
            if t.grad is not None:
                t.grad = Tensor.to(t.grad, t.device, t.dtype)
        return self

    def cpu(self):
        return self.to("cpu")

    def to_empty(self, *, device, recurse=True):
        """``torch.nn.Module.to_empty``: parameters and buffers moved to ``device`` as uninitialized memory of their
        shapes and dtypes (values to be loaded or initialized next)."""
        from ..creation import empty
        for t in list(self.parameters(recurse)) + list(self.buffers(recurse)):
            fresh = empty(*t.shape, dtype=t.dtype, device=device)
            t.array, t.device = fresh.array, fresh.device
        return self

    def compile(self, *args, **kwargs):
        """``torch.nn.Module.compile``: accepted (minigrad's kernels are compiled by Numba; the module runs as it
        is), as ``torch.compile``."""

    def share_memory(self):
        """Move every parameter and buffer into shared memory, as ``torch.nn.Module.share_memory`` (Hogwild
        training; see ``minigrad.shared_memory``). Gradients made later are each process's own."""
        for t in list(self.parameters()) + list(self.buffers()):
            t.share_memory_()
        return self

    def cuda(self):
        return self.to("cuda")

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    def half(self):
        return self.to(np.float16)

    def apply(self, fn):
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ calling and printing
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def extra_repr(self):
        return ""

    def _get_name(self):
        """The class name ``__repr__`` starts with, as PyTorch's (subclasses override it to print another)."""
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        if len(extra_lines) == 1 and not child_lines:
            return f"{self._get_name()}({extra_lines[0]})"
        lines = extra_lines + child_lines
        if not lines:
            return f"{self._get_name()}()"
        return f"{self._get_name()}(\n  " + "\n  ".join(lines) + "\n)"

"""``torch.nn.utils.parametrize``: a module's tensor computed from others on each access.

``register_parametrization(module, "weight", p)`` moves the weight to ``module.parametrizations.weight.original``
(or ``original0``, ``original1``... when ``p.right_inverse`` returns several tensors) and makes ``module.weight``
a property returning ``p(original)``, as PyTorch does: the state_dict keys are PyTorch's, gradients flow to the
originals, and a single original is the module's own Parameter object, its value replaced by
``right_inverse(weight)`` (an optimizer built before the registration still holds it). Registering evaluates
the parametrization once and refuses a change of dtype or shape unless ``unsafe=True``."""
from collections.abc import Sequence
from types import SimpleNamespace

from ...autograd import no_grad
from ...tensor import Tensor
from ..containers import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized", "ParametrizationList",
           "cached", "type_before_parametrizations", "transfer_parametrizations_and_params"]


def _set_value(destination, value):
    """Give ``destination`` the value (and shape) of ``value`` in place, keeping the object (PyTorch's set_)."""
    destination.data = value.detach()


def _register_original(owner, name, tensor):
    if isinstance(tensor, Parameter):
        owner.register_parameter(name, tensor)
    else:
        owner.register_buffer(name, tensor)


def _inverted(modules, value, skip_missing):
    """``value`` through the ``right_inverse`` of each module, last first. A module without one is skipped at
    registration (or raising NotImplementedError); on assignment it is an error, as in PyTorch."""
    for module in reversed(modules):
        if not hasattr(module, "right_inverse"):
            if skip_missing:
                continue
            raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
        try:
            value = module.right_inverse(value)
        except NotImplementedError:
            if not skip_missing:
                raise
    return value


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the original tensor(s) they read."""

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        before = SimpleNamespace(shape=original.shape, dtype=original.dtype)  # (right_inverse may replace it)
        with no_grad():
            new = _inverted(list(self), original, skip_missing=True)
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != before.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {before.dtype}\nright_inverse(original).dtype: {new.dtype}")
            if new is not original:
                with no_grad():
                    _set_value(original, new)
            _register_original(self, "original", original)
        else:
            for i, tensor in enumerate(new):
                if not isinstance(tensor, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(tensor).__name__}.")
                tensor = tensor.detach()
                tensor = Parameter(tensor, original.requires_grad) if isinstance(original, Parameter) else \
                    tensor.requires_grad_(original.requires_grad)
                _register_original(self, f"original{i}", tensor)
        if not unsafe:
            value = self()
            if not isinstance(value, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
            _unchanged(before, value, lambda what, before, after: (
                f"Registering a parametrization may not change the {what} of the tensor, unless `unsafe` flag is "
                f"enabled.\nunparametrized {what}: {before}\nparametrized {what}: {after}"))

    @property
    def count(self):
        return self.ntensors

    def originals(self):
        if self.is_tensor:
            return (self.original,)
        return tuple(getattr(self, f"original{i}") for i in range(self.ntensors))

    def forward(self):
        x = self[0](*self.originals())
        for module in list(self)[1:]:
            x = module(x)
        return x

    def right_inverse(self, value):
        """Set the originals so that the parametrized tensor is ``value`` (assigning to ``module.weight``)."""
        with no_grad():
            value = _inverted(list(self), value, skip_missing=False)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} while "
                                     f"`original` has dtype {self.original.dtype}")
                _set_value(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. Got "
                                 f"a sequence of length {len(value)}.")
            for i, (original, tensor) in enumerate(zip(self.originals(), value)):
                if original.dtype != tensor.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} while "
                                     f"`original{i}` has dtype {original.dtype}")
                _set_value(original, tensor)


def _property(name):
    def get(module):
        return module.parametrizations[name]()

    def set_value(module, value):
        module.parametrizations[name].right_inverse(value)
    return property(get, set_value)


def _refuse_pickling(module):
    raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(). See:\n"
                       "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
                       "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")


def is_parametrized(module, tensor_name=None):
    """``torch.nn.utils.parametrize.is_parametrized``: whether ``module`` (or its ``tensor_name``) has
    parametrizations."""
    lists = module.__dict__.get("_modules", {}).get("parametrizations")
    if lists is None:
        return False
    return tensor_name is None or tensor_name in lists._modules


def type_before_parametrizations(module):
    """``torch.nn.utils.parametrize.type_before_parametrizations``: the module's class before its
    parametrizations replaced it with ``Parametrized<Class>``."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def _unchanged(reference, value, message):
    """ValueError(message(what, before, after)) where ``value``'s dtype or shape differs from ``reference``'s."""
    for what in ("dtype", "shape"):
        before, after = getattr(reference, what), getattr(value, what)
        if before != after:
            raise ValueError(message(what, before, after))


def _check_stacked(module, tensor_name, parametrization):
    """A parametrization added on top of another may not change the tensor's dtype or shape (PyTorch's checks)."""
    current = getattr(module, tensor_name)
    value = parametrization(current)
    if not isinstance(value, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
    _unchanged(current, value, lambda what, before, after: (
        f"Registering a parametrization may not change the {what} of the tensor, unless the `unsafe` flag is "
        f"enabled.\nmodule.{tensor_name}.{what}: {before}\nparametrization(module.{tensor_name}).{what}: {after}"))
    if hasattr(parametrization, "right_inverse"):
        try:
            inverse = parametrization.right_inverse(value)
        except NotImplementedError:
            return
        if not isinstance(inverse, Tensor):
            raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(inverse).__name__}")
        _unchanged(current, inverse, lambda what, before, after: (
            f"The tensor returned by parametrization.right_inverse must have the same {what} as module.{tensor_name}, "
            f"unless the `unsafe` flag is enabled.\nmodule.{tensor_name}.{what}: {before}\nreturned {what}: {after}"))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """``torch.nn.utils.parametrize.register_parametrization``: ``module.<tensor_name>`` becomes
    ``parametrization(original)``; a second registration on the same name is applied after the first."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_stacked(module, tensor_name, parametrization)
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    original = getattr(module, tensor_name)
    parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"__getstate__": _refuse_pickling})
        module.parametrizations = ModuleDict()
    setattr(type(module), tensor_name, _property(tensor_name))
    module.parametrizations[tensor_name] = parametrizations
    return module


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """``torch.nn.utils.parametrize.remove_parametrizations``: back to a plain parameter, holding the
    parametrized value (or the original with ``leave_parametrized=False``); a single original keeps its object."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                _set_value(original, getattr(module, tensor_name))
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                             "parametrized in terms of a sequence of tensors.")
        value = getattr(module, tensor_name)
        original = Parameter(value.detach()) if value.requires_grad else value.detach()
    delattr(type(module), tensor_name)
    del module.parametrizations._modules[tensor_name]
    _register_original(module, tensor_name, original)
    if not module.parametrizations._modules:
        del module._modules["parametrizations"]
        module.__class__ = type(module).__bases__[0]
    return module


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """``torch.nn.utils.parametrize.transfer_parametrizations_and_params``: register ``from_module``'s
    parametrizations (of ``tensor_name``, or all) on ``to_module``, sharing its original tensors."""
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations._modules) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in from_module.parametrizations[name]:
            register_parametrization(to_module, name, parametrization)
        source, target = from_module.parametrizations[name], to_module.parametrizations[name]
        for i, original in enumerate(source.originals()):
            setattr(target, "original" if source.is_tensor else f"original{i}", original)
    return to_module


class cached:  # noqa: N801 (PyTorch's name)
    """``with parametrize.cached():`` accepted; minigrad recomputes a parametrized tensor on each access (the same
    values, more work)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

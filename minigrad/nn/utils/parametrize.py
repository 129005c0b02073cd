"""``torch.nn.utils.parametrize``: a module's tensor computed from others on each access.

``register_parametrization(module, "weight", p)`` moves the weight to ``module.parametrizations.weight.original``
(or ``original0``, ``original1``... when ``p.right_inverse`` returns several tensors) and makes ``module.weight``
a property returning ``p(original)``, as PyTorch does: the state_dict keys are PyTorch's, and gradients flow
to the originals."""
from ..containers import ModuleDict, ModuleList
from ..parameter import Parameter
from ...tensor import Tensor

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized", "ParametrizationList",
           "cached"]


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the original tensor(s) they read."""

    def __init__(self, modules, original):
        super().__init__(modules)
        first = modules[0]
        value = first.right_inverse(original) if hasattr(first, "right_inverse") else original
        self.is_tensor = isinstance(value, Tensor)
        values = [value] if self.is_tensor else list(value)
        for i, v in enumerate(values):
            name = "original" if self.is_tensor else f"original{i}"
            tensor = v.detach().clone()
            if isinstance(original, Parameter) or original.requires_grad:
                self.register_parameter(name, Parameter(tensor))
            else:
                self.register_buffer(name, tensor)
        self.count = len(values)

    def originals(self):
        if self.is_tensor:
            return (getattr(self, "original"),)
        return tuple(getattr(self, f"original{i}") for i in range(self.count))

    def forward(self):
        x = self[0](*self.originals())
        for module in list(self)[1:]:
            x = module(x)
        return x

    def right_inverse(self, value):
        """Set the originals so that the parametrized tensor is ``value`` (PyTorch's assignment)."""
        for module in reversed(list(self)[1:]):
            value = module.right_inverse(value) if hasattr(module, "right_inverse") else value
        value = self[0].right_inverse(value) if hasattr(self[0], "right_inverse") else value
        values = [value] if self.is_tensor else list(value)
        from ...autograd import no_grad
        with no_grad():
            for original, v in zip(self.originals(), values):
                original.copy_(v)


def _property(name):
    def get(module):
        return module.parametrizations[name]()

    def set_value(module, value):
        module.parametrizations[name].right_inverse(value)
    return property(get, set_value)


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` (or its ``tensor_name``) has parametrizations."""
    lists = module.__dict__.get("_modules", {}).get("parametrizations")
    if lists is None:
        return False
    return tensor_name is None or tensor_name in lists._modules


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """``torch.nn.utils.parametrize.register_parametrization``: ``module.<tensor_name>`` becomes
    ``parametrization(original)``; a second registration on the same name is applied after the first."""
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    original = getattr(module, tensor_name)
    if tensor_name in module._parameters:
        del module._parameters[tensor_name]
    elif tensor_name in module._buffers:
        del module._buffers[tensor_name]
    else:
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{tensor_name}'")
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"_base_class": cls})
    module.parametrizations[tensor_name] = ParametrizationList([parametrization], original)
    setattr(type(module), tensor_name, _property(tensor_name))
    return module


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """``torch.nn.utils.parametrize.remove_parametrizations``: back to a plain parameter, holding the
    parametrized value (or the original with ``leave_parametrized=False``)."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if leave_parametrized:
        from ...autograd import no_grad
        with no_grad():
            value = getattr(module, tensor_name).detach().clone()
    else:
        if not parametrizations.is_tensor:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                             "parametrized in terms of a sequence of tensors.")
        value = parametrizations.original.detach().clone()
    delattr(type(module), tensor_name)
    del module.parametrizations._modules[tensor_name]
    module.register_parameter(tensor_name, Parameter(value))
    if not module.parametrizations._modules:
        del module._modules["parametrizations"]
        module.__class__ = module._base_class
    return module


class cached:  # noqa: N801 (PyTorch's name)
    """``with parametrize.cached():`` accepted; minigrad recomputes a parametrized tensor on each access."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

"""``torch.nn.ParameterList`` and ``torch.nn.ParameterDict``: parameters held in a list or by name, registered
under "0", "1"... or their names, so that ``parameters()``, ``state_dict`` and optimizers see them."""
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(value):
    return value if isinstance(value, Parameter) or not isinstance(value, Tensor) else Parameter(value)


class ParameterList(Module):
    """``torch.nn.ParameterList``: a tensor appended becomes a Parameter, as PyTorch's."""

    def __init__(self, values=None):
        super().__init__()
        for value in values or []:
            self.append(value)

    def append(self, value):
        self.register_parameter(str(len(self)), _as_parameter(value))
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def __getitem__(self, index):
        items = list(self._parameters.values())
        return ParameterList(items[index]) if isinstance(index, slice) else items[index]

    def __setitem__(self, index, value):
        self.register_parameter(str(index % len(self)), _as_parameter(value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def extra_repr(self):
        # PyTorch's lines, indented by two more spaces than Module's repr adds
        return "\n".join(f"  ({i}): Parameter containing: [minigrad.{p.dtype} of size {_size_text(p)}]"
                         for i, p in enumerate(self))


def _size_text(p):
    return "x".join(map(str, p.shape))


class ParameterDict(Module):
    """``torch.nn.ParameterDict``: parameters by name."""

    def __init__(self, parameters=None):
        super().__init__()
        self.update(parameters or {})

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self.register_parameter(key, _as_parameter(value))

    def __delitem__(self, key):
        del self._parameters[key]

    def __contains__(self, key):
        return key in self._parameters

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def update(self, parameters):
        """Add or replace parameters from a mapping or (key, value) pairs; a plain dict's keys in sorted order,
        as PyTorch's (an OrderedDict or ParameterDict keeps its order)."""
        from collections import OrderedDict
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif hasattr(parameters, "items"):
            pairs = sorted(parameters.items())
        else:
            pairs = parameters
        for key, value in pairs:
            self[key] = value

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def extra_repr(self):
        return "\n".join(f"  ({k}): Parameter containing: [{p.type()} of size {_size_text(p)}]"
                         for k, p in self.items())

"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, as their ``torch.nn`` namesakes: indexing, slicing,
``del``, ``insert``, ``pop``, ``+``, ``+=`` and (for Sequential) ``*`` renumber the children "0", "1"... as
PyTorch's do."""
import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _absolute_index(index, length):
    """``index`` (negative counts from the end) as a position in range, or PyTorch's IndexError."""
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range")
    return index % length


def _delete_and_renumber(container, index):
    """Remove the child (or slice of children) at ``index``; the rest are renamed "0", "1"... in order."""
    names = list(container._modules)
    doomed = names[index] if isinstance(index, slice) else [names[_absolute_index(index, len(names))]]
    for name in doomed:
        del container._modules[name]
    kept = list(container._modules.values())
    container._modules.clear()
    container._modules.update((str(i), m) for i, m in enumerate(kept))


def _insert(container, index, module):
    """``module`` placed at position ``index``, the children from there on moved one up."""
    count = len(container._modules)
    for i in range(count, index, -1):
        container._modules[str(i)] = container._modules[str(i - 1)]
    container._modules[str(index)] = module


class Sequential(Module):
    """Modules applied in order; children named "0", "1"... (or by an OrderedDict), as ``torch.nn.Sequential``."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def __getitem__(self, index):
        if isinstance(index, slice):  # the children keep their names, as in PyTorch
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[_absolute_index(index, len(self))]

    def __setitem__(self, index, module):
        """Replace the child at position ``index`` (negative counts from the end); it keeps its name."""
        setattr(self, list(self._modules)[_absolute_index(index, len(self))], module)

    def __delitem__(self, index):
        _delete_and_renumber(self, index)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential(*self, *other)

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return self.extend(other)

    def __mul__(self, times):
        """The children repeated ``times`` times (the same modules, not copies), as PyTorch's."""
        self._check_factor(times)
        return Sequential(*(list(self) * times))

    __rmul__ = __mul__

    def __imul__(self, times):
        self._check_factor(times)
        return self.extend(list(self) * (times - 1))

    def _check_factor(self, times):
        if not isinstance(times, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(times)}")
        if times <= 0:
            raise ValueError(f"Non-positive multiplication factor {times} for {type(self)}")

    def append(self, module):
        """``module`` added last, as ``torch.nn.Sequential.append``."""
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        """``module`` placed at ``index`` (negative counts from the end), as ``torch.nn.Sequential.insert``."""
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        count = len(self)
        if not -count <= index <= count:
            raise IndexError(f"Index out of range: {index}")
        _insert(self, index % count if index < 0 else index, module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def pop(self, index):
        """The child (or Sequential of children) at ``index``, removed, the rest renumbered."""
        module = self[index]
        del self[index]
        return module

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x


class ModuleList(Module):
    """A list of modules, registered as children "0", "1"..., as ``torch.nn.ModuleList``."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got {type(modules).__name__}")
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """``module`` placed before position ``index``, as ``torch.nn.ModuleList.insert``."""
        _insert(self, index, module)

    def pop(self, index):
        """The module (or ModuleList) at ``index``, removed, the rest renumbered."""
        module = self[index]
        del self[index]
        return module

    def __getitem__(self, index):
        items = list(self._modules.values())
        return type(self)(items[index]) if isinstance(index, slice) else items[_absolute_index(index, len(items))]

    def __setitem__(self, index, module):
        setattr(self, str(_absolute_index(index, len(self))), module)

    def __delitem__(self, index):
        _delete_and_renumber(self, index)

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList([*self, *other])

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __repr__(self):
        """PyTorch's form: runs of identical children print once, as ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return "ModuleList()"
        runs = []  # [first index, last index, repr]
        for i, r in enumerate(reprs):
            if runs and runs[-1][2] == r:
                runs[-1][1] = i
            else:
                runs.append([i, i, r])
        lines = [(f"({a}): {r}" if a == b else f"({a}-{b}): {b - a + 1} x {r}").replace("\n", "\n  ")
                 for a, b, r in runs]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """Modules by name, as ``torch.nn.ModuleDict``."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, name):
        return self._modules[name]

    def __setitem__(self, name, module):
        self.add_module(name, module)

    def __delitem__(self, name):
        del self._modules[name]

    def pop(self, name):
        """The module under ``name``, removed, as ``torch.nn.ModuleDict.pop``."""
        module = self[name]
        del self[name]
        return module

    def clear(self):
        self._modules.clear()

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, name):
        return name in self._modules

    def update(self, modules):
        """Add or replace modules from a mapping or from (name, module) pairs, as ``torch.nn.ModuleDict.update``."""
        if not isinstance(modules, Iterable):
            raise TypeError("ModuleDict.update should be called with an iterable of key/value pairs, but got "
                            + type(modules).__name__)
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs = list(modules.items())
        else:
            pairs = []
            for j, pair in enumerate(modules):
                if not isinstance(pair, Iterable):
                    raise TypeError(f"ModuleDict update sequence element #{j} should be Iterable; is"
                                    + type(pair).__name__)
                if len(pair) != 2:
                    raise ValueError(f"ModuleDict update sequence element #{j} has length {len(pair)}; 2 is required")
                pairs.append(pair)
        for name, m in pairs:
            self[name] = m

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

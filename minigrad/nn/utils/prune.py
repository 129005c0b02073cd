"""``torch.nn.utils.prune``: masking a module's parameter, as PyTorch's. Pruning ``name`` moves the parameter to
``name + "_orig"``, keeps a 0/1 buffer ``name + "_mask"``, and sets ``name`` to their product before every
forward pass (a forward pre-hook), so the optimizer trains ``_orig`` and pruned entries stay 0 in the output and
get no gradient. Pruning a parameter again prunes among the entries (or channels) still kept; ``remove`` makes
it permanent. Masks: the smallest |w| (``l1_unstructured``), the channels of smallest L_n norm
(``ln_structured``), random ones, a given mask, or the smallest over several parameters together
(``global_unstructured``). Random masks draw from minigrad's generator."""
import numbers

import numpy as np

from ... import creation
from ...autograd import no_grad

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
           "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
           "l1_unstructured", "random_structured", "ln_structured", "global_unstructured", "custom_from_mask",
           "remove", "is_pruned"]


def _check_amount(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or \
            (not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _count(amount, size):
    """How many of ``size`` units to prune (an int as given, a fraction rounded as Python's round)."""
    if isinstance(amount, numbers.Integral):
        if amount > size:
            raise ValueError(f"amount={amount} should be smaller than the number of parameters to prune={size}")
        return amount
    return round(amount * size)


def _check_structured(t):
    if t.ndim <= 1:
        raise ValueError(f"Structured pruning can only be applied to multidimensional tensors. Found tensor of "
                         f"shape {t.shape} with {t.ndim} dims")


def _pre_hooks(module):
    """The module's forward pre-hooks (an empty dict when it never had one)."""
    return module.__dict__.get("_forward_pre_hooks", {})


def _zero_where(mask, flat_indices):
    values = mask.detach().cpu().numpy().copy().reshape(-1)
    values[np.asarray(flat_indices, dtype=np.int64)] = 0
    return creation.tensor(values.reshape(mask.shape), dtype=mask.dtype, device=mask.device)


class BasePruningMethod:
    """``prune.BasePruningMethod``: ``compute_mask(t, default_mask)`` makes a mask; ``apply`` installs it."""
    PRUNING_TYPE = None

    def __call__(self, module, inputs):
        setattr(module, self._tensor_name, self.apply_mask(module))

    def compute_mask(self, t, default_mask):
        raise NotImplementedError

    def apply_mask(self, module):
        """The pruned tensor: ``name_orig * name_mask``."""
        original = getattr(module, self._tensor_name + "_orig")
        return original * getattr(module, self._tensor_name + "_mask").to(dtype=original.dtype)

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.name`` with this method (added to the methods already applied to it)."""
        from ..parameter import Parameter
        previous = None
        for key, hook in list(_pre_hooks(module).items()):
            method = hook[0] if isinstance(hook, tuple) else hook
            if isinstance(method, BasePruningMethod) and method._tensor_name == name:
                previous = method
                del _pre_hooks(module)[key]
        method = cls(*args, **kwargs)
        method._tensor_name = name
        if previous is not None:
            container = previous if isinstance(previous, PruningContainer) else PruningContainer(previous)
            container.add_pruning_method(method)
            method = container
        original = getattr(module, name)
        scores = importance_scores if importance_scores is not None else original
        if tuple(scores.shape) != tuple(original.shape):
            raise ValueError("importance_scores should have the same shape as parameter "
                             f"{name} of {module}")
        if previous is None:  # the parameter moves to name_orig once, and name becomes a plain attribute
            module.register_parameter(name + "_orig", original if isinstance(original, Parameter)
                                      else Parameter(original))
            default_mask = creation.ones_like(original)
            del module._parameters[name]
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            with no_grad():
                mask = method.compute_mask(scores.detach(), default_mask=default_mask)
        except Exception:
            if previous is None:  # put the parameter back where it was, as PyTorch does
                module.register_parameter(name, module._parameters.pop(name + "_orig"))
            raise
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """The pruned copy of ``t``."""
        scores = importance_scores if importance_scores is not None else t
        default_mask = default_mask if default_mask is not None else creation.ones_like(t)
        return t * self.compute_mask(scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: ``name`` becomes a parameter holding the pruned values."""
        from ..parameter import Parameter
        name = self._tensor_name
        weight = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        original = module._parameters[name + "_orig"]
        original.data = weight.data
        del module._parameters[name + "_orig"]
        del module._buffers[name + "_mask"]
        setattr(module, name, original if isinstance(original, Parameter) else Parameter(original))


class PruningContainer(BasePruningMethod):
    """The methods applied one after the other to one parameter; each new one prunes what the others kept."""

    def __init__(self, *args):
        self._pruning_methods = ()
        methods = args[0] if len(args) == 1 and not isinstance(args[0], BasePruningMethod) else args
        for method in methods:
            self.add_pruning_method(method)

    def add_pruning_method(self, method):
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._pruning_methods and \
                self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' "
                             f"to PruningContainer. Found '{method._tensor_name}'")
        if method is not None:
            self._tensor_name = method._tensor_name
            self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, index):
        return self._pruning_methods[index]

    def compute_mask(self, t, default_mask):
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        if method.PRUNING_TYPE == "unstructured":
            kept = (mask == 1).detach().cpu().numpy()
            partial = method.compute_mask(t[mask == 1], default_mask=mask[mask == 1])
            values = mask.detach().cpu().numpy().copy()
            values[kept] = partial.detach().cpu().numpy()
            return creation.tensor(values, dtype=mask.dtype, device=mask.device)
        if method.PRUNING_TYPE == "structured":
            dim = method.dim % t.ndim
            others = [d for d in range(t.ndim) if d != dim]
            channels = np.nonzero((mask.sum(dim=others) != 0).detach().cpu().numpy())[0]
            index = [slice(None)] * t.ndim
            index[dim] = creation.tensor(channels)
            partial = method.compute_mask(t[tuple(index)], default_mask=mask[tuple(index)])
            values = mask.detach().cpu().numpy().copy()
            numpy_index = [slice(None)] * t.ndim
            numpy_index[dim] = channels
            values[tuple(numpy_index)] = partial.detach().cpu().numpy()
            return creation.tensor(values, dtype=mask.dtype, device=mask.device)
        if method.PRUNING_TYPE == "global":
            return method.compute_mask(t, default_mask=mask)
        raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")


class Identity(BasePruningMethod):
    """Prunes nothing (a mask of ones)."""
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class _Unstructured(BasePruningMethod):
    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def _pruned(self, t, count):
        raise NotImplementedError

    def compute_mask(self, t, default_mask):
        count = _count(self.amount, t.numel())
        mask = default_mask.clone()
        if count == 0:
            return mask
        return _zero_where(mask, self._pruned(t, count))


class RandomUnstructured(_Unstructured):
    """``count`` entries chosen at random."""

    def _pruned(self, t, count):
        return creation.rand(t.numel()).topk(count).indices.numpy()

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(_Unstructured):
    """The ``count`` entries of smallest magnitude."""

    def _pruned(self, t, count):
        return t.abs().reshape(-1).topk(count, largest=False).indices.cpu().numpy()

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class _Structured(BasePruningMethod):
    PRUNING_TYPE = "structured"

    def _kept_channels(self, t, count):
        raise NotImplementedError

    def compute_mask(self, t, default_mask):
        _check_structured(t)
        size = t.shape[self.dim]
        count = _count(self.amount, size)
        if count == 0:
            return default_mask
        keep = np.asarray(self._kept_channels(t, size - count))
        values = np.zeros(tuple(t.shape), np.dtype(default_mask.dtype))
        index = [slice(None)] * t.ndim
        index[self.dim] = keep
        values[tuple(index)] = 1
        return creation.tensor(values, device=default_mask.device) * default_mask


class RandomStructured(_Structured):
    """``count`` channels of ``dim`` chosen at random."""

    def __init__(self, amount, dim=-1):
        _check_amount(amount)
        self.amount, self.dim = amount, dim

    def _kept_channels(self, t, keep):
        return creation.rand(t.shape[self.dim]).topk(keep).indices.numpy() if keep else []

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_Structured):
    """The channels of ``dim`` with the smallest L_n norm (over all other dims)."""

    def __init__(self, amount, n, dim=-1):
        _check_amount(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def _kept_channels(self, t, keep):
        if keep == 0:
            return []
        dim = self.dim % t.ndim
        norms = t.norm(p=self.n, dim=[d for d in range(t.ndim) if d != dim])
        return norms.topk(keep, largest=True).indices.cpu().numpy()

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """A given mask."""
    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if tuple(default_mask.shape) != tuple(self.mask.shape):
            raise AssertionError("mask shape must match default_mask shape")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """``prune.identity``: a mask of ones on ``module.name``."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """``prune.random_unstructured``."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """``prune.l1_unstructured``: the ``amount`` (count or fraction) entries of smallest |w| (or score)."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """``prune.random_structured``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """``prune.ln_structured``: the channels of ``dim`` with the smallest L_n norms."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module, name, mask):
    """``prune.custom_from_mask``."""
    CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """``prune.global_unstructured``: ``pruning_method``'s mask over all ``(module, name)`` parameters taken as
    one vector (the smallest magnitudes anywhere, say), each then masked by its share."""
    from ...ops.shape import cat
    parameters = list(parameters)
    importance_scores = importance_scores or {}
    scores = cat([importance_scores.get((m, n), getattr(m, n)).detach().reshape(-1) for m, n in parameters])
    masks = cat([getattr(m, n + "_mask", creation.ones_like(getattr(m, n))).reshape(-1) for m, n in parameters])
    container = PruningContainer()
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    container._tensor_name = "temp"
    container.add_pruning_method(method)
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(f'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    final = container.compute_mask(scores, masks)
    start = 0
    for module, name in parameters:
        size = getattr(module, name).numel()
        custom_from_mask(module, name, final[start:start + size].reshape(*getattr(module, name).shape))
        start += size


def remove(module, name):
    """``prune.remove``: make the pruning of ``module.name`` permanent (no more _orig, _mask or hook)."""
    for key, hook in list(_pre_hooks(module).items()):
        method = hook[0] if isinstance(hook, tuple) else hook
        if isinstance(method, BasePruningMethod) and method._tensor_name == name:
            method.remove(module)
            del _pre_hooks(module)[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module):
    """``prune.is_pruned``: whether any submodule has a pruning hook."""
    for submodule in module.modules():
        for hook in _pre_hooks(submodule).values():
            if isinstance(hook[0] if isinstance(hook, tuple) else hook, BasePruningMethod):
                return True
    return False

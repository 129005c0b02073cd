"""A Module's ``state_dict`` and ``load_state_dict``, by PyTorch's protocol: each module saves its own parameters,
persistent buffers and extra state in ``_save_to_state_dict`` and reads them back in ``_load_from_state_dict``
(methods a module may override, as PyTorch code does to rename old keys), around hooks registered with
``register_state_dict_pre_hook``/``register_state_dict_post_hook`` and
``register_load_state_dict_pre_hook``/``register_load_state_dict_post_hook``.

One difference, kept on purpose: ``load_state_dict`` writes nothing until every module has checked its keys and
shapes, so a failed load leaves the model as it was (PyTorch's copies the entries read before the error)."""
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from ..tensor import Size, Tensor

__all__ = ["ModuleState"]

_EXTRA_STATE = "_extra_state"
_STAGED = []  # while a load_state_dict runs: the (tensor, values) copies its modules have checked


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns, printed as PyTorch's (``<All keys matched successfully>`` when both lists
    are empty)."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__


def _host_values(value):
    """A checkpoint entry as a numpy array: a Tensor's values, or anything numpy reads as numbers (arrays, PyTorch
    tensors, numbers); None for anything else."""
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception:  # (whatever an object's __array__ raises, it is not a tensor)
        return None
    return array if array.dtype.kind in "biuf" else None


class ModuleState:
    """state_dict, load_state_dict and their hooks, for Module."""

    # ------------------------------------------------------------------ saving
    def get_extra_state(self):
        """``torch.nn.Module.get_extra_state``: override it (with ``set_extra_state``) to save a value beside the
        tensors, under the key ``<prefix>_extra_state``."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called.")

    def set_extra_state(self, state):
        """``torch.nn.Module.set_extra_state``: receives what ``get_extra_state`` saved."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called.")

    def _has_extra_state(self):
        return type(self).get_extra_state is not ModuleState.get_extra_state

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """This module's own parameters, persistent buffers and extra state into ``destination``."""
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        if self._has_extra_state():
            destination[prefix + _EXTRA_STATE] = self.get_extra_state()

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """Parameters and persistent buffers by dotted name, in PyTorch's key order, as ``torch.nn.Module.state_dict``:
        detached tensors sharing the module's memory (the parameters themselves with ``keep_vars=True``), so a
        snapshot that must not follow training needs a copy (``copy.deepcopy`` or ``{k: v.clone()}``)."""
        destination = OrderedDict() if destination is None else destination
        for hook in self._hook_store("_state_dict_pre_hooks").values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._hook_store("_state_dict_hooks").values():
            hook(self, destination, prefix, {})
        return destination

    # ------------------------------------------------------------------ loading
    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Check this module's own entries of ``state_dict`` (those under ``prefix``): each missing, unexpected or
        mis-shaped key is recorded in the lists, each good one staged to be copied once the whole load has
        passed; extra state goes to ``set_extra_state``."""
        for hook in self._hook_store("_load_state_dict_pre_hooks").values():
            hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        own = {name: t for store in (self._parameters, self._buffers) for name, t in store.items()
               if t is not None and not (store is self._buffers and name in self._non_persistent)}
        for name, target in own.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = _host_values(state_dict[key])
            if value is None:
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                                  f"object from checkpoint but received {type(state_dict[key])}")
                continue
            if tuple(value.shape) != tuple(target.shape):
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {Size(value.shape)} from "
                                  f"checkpoint, the shape in current model is {Size(target.shape)}.")
                continue
            _STAGED.append((target, value))
        extra = prefix + _EXTRA_STATE
        if self._has_extra_state():
            if extra in state_dict:
                _STAGED.append((self, state_dict[extra]))
            elif strict:
                missing_keys.append(extra)
        elif strict and extra in state_dict:
            unexpected_keys.append(extra)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra:
                    head, _, rest = key[len(prefix):].partition(".")
                    if (rest and head not in self._modules) or (not rest and head not in own):
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values (Tensors or numpy arrays) into parameters and buffers, as ``torch.nn.Module.load_state_dict``:
        every module reads its entries with ``_load_from_state_dict``; missing, unexpected and mis-shaped keys are
        collected, and with ``strict`` (or any shape error) a RuntimeError lists them and nothing is written.
        Returns ``(missing_keys, unexpected_keys)``, a named tuple printed as PyTorch's."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        outer = list(_STAGED)
        _STAGED.clear()
        try:
            self._load_tree(OrderedDict(state_dict), "", missing_keys, unexpected_keys, error_msgs)
            if strict:
                if unexpected_keys:
                    error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in unexpected_keys)))
                if missing_keys:
                    error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in missing_keys)))
            if error_msgs:
                raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__,
                                                                                         "\n\t".join(error_msgs)))
            for target, value in _STAGED:
                if isinstance(target, Tensor):
                    target.array = target.backend.from_numpy(np.array(value, dtype=target.dtype, copy=True))
                else:
                    target.set_extra_state(value)
        finally:
            _STAGED[:] = outer
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    def _load_tree(self, state_dict, prefix, missing_keys, unexpected_keys, error_msgs):
        self._load_from_state_dict(state_dict, prefix, {}, True, missing_keys, unexpected_keys, error_msgs)
        for name, child in self._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                child._load_tree({k: v for k, v in state_dict.items() if k.startswith(child_prefix)}, child_prefix,
                                 missing_keys, unexpected_keys, error_msgs)
        keys = _IncompatibleKeys(missing_keys, unexpected_keys)
        for hook in self._hook_store("_load_state_dict_post_hooks").values():
            hook(self, keys)

    # ------------------------------------------------------------------ hooks
    def register_state_dict_pre_hook(self, hook):
        """``hook(module, prefix, keep_vars)`` before the module saves its state."""
        return self._add_module_hook("_state_dict_pre_hooks", hook, False)

    def register_state_dict_post_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata)`` after the module and its children saved theirs;
        it may change ``state_dict`` in place."""
        return self._add_module_hook("_state_dict_hooks", hook, False)

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)``
        before the module reads its entries (it may rename them in ``state_dict``)."""
        return self._add_module_hook("_load_state_dict_pre_hooks", hook, False)

    def register_load_state_dict_post_hook(self, hook):
        """``hook(module, incompatible_keys)`` after the module and its children read theirs; it may clear keys
        from ``incompatible_keys.missing_keys``/``unexpected_keys`` so that a strict load accepts them."""
        return self._add_module_hook("_load_state_dict_post_hooks", hook, False)

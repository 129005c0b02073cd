"""``Optimizer``: parameter groups, per-parameter state and its state_dict, as ``torch.optim.Optimizer``."""
import collections
import functools
import json
import warnings

import numpy as np

from ..autograd import enable_grad, no_grad
from ..ops.complex_numbers import complex_of_pairs, real_pairs
from ..legacy import typename
from ..tensor import Tensor, default_float
from ..utils.hooks import RemovableHandle


_IMPLEMENTATION_OPTIONS = {"foreach", "capturable", "differentiable", "fused", "decoupled_weight_decay"}
_GLOBAL_STEP_HOOKS = {"pre": collections.OrderedDict(), "post": collections.OrderedDict()}


def register_optimizer_step_pre_hook(hook):
    """``torch.optim.optimizer.register_optimizer_step_pre_hook``: ``hook(optimizer, args, kwargs)`` before every
    optimizer's step; it may return (new_args, new_kwargs)."""
    return RemovableHandle.add(_GLOBAL_STEP_HOOKS["pre"], hook)


def register_optimizer_step_post_hook(hook):
    """``torch.optim.optimizer.register_optimizer_step_post_hook``: ``hook(optimizer, args, kwargs)`` after every
    optimizer's step."""
    return RemovableHandle.add(_GLOBAL_STEP_HOOKS["post"], hook)


def _with_step_hooks(step):
    """``step`` running the step hooks around it, as PyTorch's: the global pre-hooks then the optimizer's (each
    may replace the arguments, ``self`` first among them), the step, then the optimizer's post-hooks and the
    global ones. A step calling its parent class's runs them once."""
    @functools.wraps(step)
    def stepped(self, *args, **kwargs):
        if self.__dict__.get("_stepping"):
            return step(self, *args, **kwargs)
        args = (self,) + args
        own = self.__dict__.get("_step_hooks", {"pre": {}, "post": {}})
        for hook in [*_GLOBAL_STEP_HOOKS["pre"].values(), *own["pre"].values()]:
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        self._stepping = True
        try:
            out = step(*args, **kwargs)
        finally:
            self._stepping = False
            self._restore_complex()
        for hook in [*own["post"].values(), *_GLOBAL_STEP_HOOKS["post"].values()]:
            hook(self, args, kwargs)
        return out
    return stepped



def check_nonnegative(*named_values):
    """PyTorch's ValueError for the first negative hyper-parameter, in the order given: ("learning rate", lr) ->
    "Invalid learning rate: -1"."""
    for name, value in named_values:
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name}: {value}")


def check_adam_family(lr, betas, eps, weight_decay):
    """PyTorch's checks of an Adam-like optimizer's hyper-parameters (each a ValueError)."""
    check_nonnegative(("learning rate", lr), ("epsilon value", eps))
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    check_nonnegative(("weight_decay value", weight_decay))

class Optimizer:
    """Base class: ``param_groups`` (dicts of hyper-parameters and 'params') and ``state`` (per parameter)."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = collections.defaultdict(dict)  # per parameter, as PyTorch: optimizer.state[p]
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {typename(params)}")
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def _own_step_hooks(self):
        if "_step_hooks" not in self.__dict__:
            self._step_hooks = {"pre": collections.OrderedDict(), "post": collections.OrderedDict()}
        return self._step_hooks

    def register_step_pre_hook(self, hook):
        """``torch.optim.Optimizer.register_step_pre_hook``: ``hook(optimizer, args, kwargs)`` before each step;
        it may return (new_args, new_kwargs). Returns a handle whose ``remove()`` unregisters it."""
        return RemovableHandle.add(self._own_step_hooks()["pre"], hook)

    def register_step_post_hook(self, hook):
        """``torch.optim.Optimizer.register_step_post_hook``: ``hook(optimizer, args, kwargs)`` after each step."""
        return RemovableHandle.add(self._own_step_hooks()["post"], hook)

    def __repr__(self):
        """PyTorch's listing: the class, then each group's options (all but 'params'), sorted."""
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines += [""] * (i > 0) + [f"Parameter Group {i}"]
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines) + "\n)"

    def __getstate__(self):
        """What pickles: everything but the step hooks (functions, often lambdas) and a scheduler's wrapper of
        ``step``, as PyTorch's leaves them out."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_step_hooks", "_stepping", "step")}

    def __setstate__(self, state):
        """Restore a pickled optimizer (``minigrad.load`` of a whole one), its state per parameter again a
        defaultdict as PyTorch's."""
        self.__dict__.update(state)
        self.state = collections.defaultdict(dict, self.state)

    def add_param_group(self, group):
        """``torch.optim.Optimizer.add_param_group``: a dict of ``params`` (tensors, or (name, tensor) pairs as
        ``named_parameters()`` gives them) and options, checked in PyTorch's order with its errors; a parameter
        listed twice in the group is warned of, one in another group refused."""
        if not isinstance(group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(group)}")
        params = group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            group["param_names"] = names
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {typename(p)}")
            if not self.defaults.get("differentiable") and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        ids = [id(p) for p in group["params"]]
        if len(set(ids)) != len(ids):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)
        for other in self.param_groups:
            if ("param_names" in group) != ("param_names" in other):
                raise ValueError("all optimizer param groups should be with/without names. cannot add param group "
                                 f"{'with names' if 'param_names' in group else 'without names'} to the optimizer")
        if {id(p) for g in self.param_groups for p in g["params"]} & set(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear every gradient (to None by default), as ``torch.optim.Optimizer.zero_grad``."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._zero_as_gradient()

    @staticmethod
    def _evaluate(closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self, group):
        """The group's parameters that have a gradient, each checked against its gradient and saved state (a
        mismatch, say after ``p.data = other`` of another size, raises here, before any kernel runs)."""
        params = [self._asreal_pairs(p) if p.dtype.kind == "c" else p for p in group["params"] if p.grad is not None]
        for p in params:
            self._check_parameter(p)
            p._bump_version()  # the step writes into p in place: a graph that saved p must not reuse it
        return params

    # PyTorch's message for a complex parameter, where an optimizer refuses them (None: they are updated as pairs)
    complex_refusal = None

    def _asreal_pairs(self, p):
        """A complex parameter as PyTorch's optimizers update it: a real tensor of its (real, imag) pairs sharing
        its memory, with its gradient and state seen the same way, for this step (``_restore_complex`` after)."""
        if self.complex_refusal is not None:
            raise RuntimeError(self.complex_refusal)
        pairs = Tensor._wrap(real_pairs(p.array), p.device, requires_grad=p.requires_grad)
        pairs.grad = Tensor._wrap(real_pairs(p.grad.array), p.device)
        state = self.state.pop(p, None)
        if state is not None:
            self.state[pairs] = {k: Tensor._wrap(real_pairs(v.array), v.device)
                                 if isinstance(v, Tensor) and v.dtype.kind == "c" else v for k, v in state.items()}
        self.__dict__.setdefault("_complex_pairs", []).append((p, pairs))
        return pairs

    def _restore_complex(self):
        """Each complex parameter back in its place after a step, its state as complex tensors again."""
        for p, pairs in self.__dict__.pop("_complex_pairs", ()):
            state = self.state.pop(pairs, None)
            if state is not None:
                self.state[p] = {k: Tensor._wrap(complex_of_pairs(v.array), v.device)
                                 if isinstance(v, Tensor) and v.array.shape == pairs.array.shape else v
                                 for k, v in state.items()}
            p._bump_version()

    def _zero_state(self, p, *buffers):
        """p's state, made at its first step as PyTorch makes it: a step count of 0 and a zero tensor like p for each
        named buffer, in that order."""
        state = self.state.get(p)
        if not state:  # (an empty dict: a script looked at optimizer.state[p] before the first step)
            # the backend's zeros, not full(0): calloc maps zero pages lazily, the first update writes them once
            state = self.state[p] = {"step": 0.0, **{name: Tensor._wrap(p.backend.zeros(p.shape, p.dtype),
                                                                            p.device) for name in buffers}}
        return state

    # state entries whose shape is not the parameter's (Adafactor's row and column statistics)
    own_shaped_state = ()

    def _check_parameter(self, p):
        grad = p.grad
        if grad.array.shape != p.array.shape or grad.dtype != p.dtype or grad.device != p.device:
            raise RuntimeError(f"{self._named(p)} has a gradient of shape {tuple(grad.shape)}, dtype {grad.dtype} on "
                               f"{grad.device}; expected the parameter's shape, dtype {p.dtype} and device {p.device}")
        if not p.backend.is_contiguous(p.array):
            raise RuntimeError(f"{self._named(p)} is not contiguous; the optimizer updates parameters in place")
        for key, value in self.state.get(p, {}).items():
            if key in self.own_shaped_state:
                continue
            if isinstance(value, Tensor) and (value.array.shape != p.array.shape or value.dtype != p.dtype
                                              or value.device != p.device):
                raise RuntimeError(f"{self._named(p)}: its optimizer state '{key}' has shape {tuple(value.shape)}, "
                                   f"dtype {value.dtype} on {value.device}, which does not match the parameter (was "
                                   f"the parameter's .data replaced after a step?)")

    def _named(self, p):
        return f"{type(self).__name__}: parameter of shape {tuple(p.shape)}"

    def state_dict(self):
        """``{'state': {index: {name: tensor or number}}, 'param_groups': [{..., 'params': [indices]}]}``,
        numbered as PyTorch numbers parameters. As in PyTorch, the buffers are tensors and the step counts (and
        ASGD's eta and mu, NAdam's mu_product) 0-d float tensors; unlike PyTorch's, the tensors are copies, so a
        state dict kept in memory does not change with later steps."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: _exported(k, v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()``; raises without changing anything when the groups do not match."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(own["params"]) for g, own in zip(groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's "
                             "group")
        for saved in groups:
            # (the implementation choices PyTorch added over its versions may be absent from an older state)
            missing = sorted(set(self.defaults) - set(saved) - _IMPLEMENTATION_OPTIONS)
            if missing:  # e.g. an SGD state restored into Adam: refused before anything changes
                raise ValueError(f"loaded state dict is not a {type(self).__name__} state: its parameter groups "
                                 f"lack {missing}")
        by_index = {}
        for saved, own in zip(groups, self.param_groups):
            for i, p in zip(saved["params"], own["params"]):
                by_index[i] = p
        new_state = {}
        for i, entry in state_dict["state"].items():
            p = by_index[int(i)]
            restored = {}
            for k, v in entry.items():
                if isinstance(v, Tensor):  # a state from minigrad.load / torch.load holds tensors
                    v = v.detach().cpu().numpy()
                # "step" and the other 0-d entries (NAdam's "mu_product") are numbers (0-d arrays after an .npz
                # round trip); every other entry is a tensor like the parameter (0-d too for a 0-d parameter).
                if isinstance(v, np.ndarray) and k != "step" and (v.ndim > 0 or p.ndim == 0):
                    if tuple(v.shape) != tuple(p.shape) and k not in self.own_shaped_state:
                        raise ValueError(f"optimizer state '{k}' of parameter {i} has shape {v.shape}, "
                                         f"the parameter has {tuple(p.shape)}")
                    restored[k] = Tensor._wrap(p.backend.from_numpy(np.array(v, dtype=p.dtype)), p.device)
                else:
                    restored[k] = v.item() if isinstance(v, np.ndarray) else v
            new_state[p] = restored
        for saved, own in zip(groups, self.param_groups):
            own.update({k: (tuple(v) if isinstance(v, list) and k != "params" else v)
                        for k, v in saved.items() if k != "params"})
        self.state = collections.defaultdict(dict, new_state)

    def step(self):
        raise NotImplementedError


class ElementwiseOptimizer(Optimizer):
    """An optimizer whose update is written with tensor ops, parameter by parameter (so it runs on every backend):
    ``step`` makes each parameter's state at its first step (a step count and the zero ``buffers(group)``),
    counts the step and calls ``update(p, group, state)``."""

    def buffers(self, group):
        raise NotImplementedError

    def update(self, p, group, state):
        raise NotImplementedError

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                state = self._zero_state(p, *self.buffers(group))
                state["step"] += 1
                self.update(p, group, state)
        return loss


def decayed_gradient(p, group):
    """The gradient a tensor-op optimizer step uses: negated with ``maximize``, plus ``weight_decay`` · p (PyTorch's
    L2 term, added as grad.add(param, alpha=weight_decay))."""
    g = -p.grad if group["maximize"] else p.grad
    return g + p * group["weight_decay"] if group["weight_decay"] != 0 else g


# the numbers in an optimizer's state that PyTorch keeps as 0-d tensors of the default float dtype
_SCALAR_STATE = ("step", "eta", "mu", "mu_product")


def _exported(key, value):
    """One state entry as ``state_dict()`` gives it: a copy of a tensor, a 0-d tensor for a count or a factor."""
    if isinstance(value, Tensor):
        return Tensor._wrap(value.backend.copy(value.array), value.device)
    if key in _SCALAR_STATE and isinstance(value, (int, float, np.floating)):
        return Tensor._wrap(np.array(value, dtype=default_float()), "cpu")
    return value


def state_dict_to_arrays(state_dict, prefix="optimizer."):
    """Flatten an optimizer ``state_dict()`` into ``{name: numpy array}`` for an ``.npz`` file (no pickling)."""
    out = {prefix + "param_groups": np.frombuffer(json.dumps(state_dict["param_groups"]).encode(), np.uint8)}
    for i, entry in state_dict["state"].items():
        for k, v in entry.items():
            out[f"{prefix}state.{i}.{k}"] = v.detach().cpu().numpy() if isinstance(v, Tensor) else np.asarray(v)
    return out


def state_dict_from_arrays(arrays, prefix="optimizer."):
    """Inverse of ``state_dict_to_arrays``."""
    groups = json.loads(bytes(np.asarray(arrays[prefix + "param_groups"], np.uint8)).decode())
    state = {}
    for key, value in arrays.items():
        if key.startswith(prefix + "state."):
            i, name = key[len(prefix) + 6:].split(".", 1)
            state.setdefault(int(i), {})[name] = np.asarray(value)
    return {"state": state, "param_groups": groups}

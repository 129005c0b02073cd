"""The hook-based reparametrizations of ``torch.nn.utils``: ``weight_norm`` (weight = g v / ||v||, parameters
``weight_g`` and ``weight_v``) and ``spectral_norm`` (weight = weight_orig / sigma, sigma the largest singular
value estimated by power iteration on the buffers ``weight_u`` and ``weight_v``). The weight is recomputed by a
forward pre-hook before each call, as PyTorch's."""
import warnings

from ... import creation
from ...autograd import no_grad
from ..functional import normalize
from ..parameter import Parameter
from .parametrizations import norm_except_dim

__all__ = ["weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"]


class _WeightNormHook:
    def __init__(self, name, dim):
        self.name, self.dim = name, dim

    def weight(self, module):
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))

    def __call__(self, module, args):
        object.__setattr__(module, self.name, self.weight(module))


def weight_norm(module, name="weight", dim=0):
    """``torch.nn.utils.weight_norm`` (deprecated in PyTorch, with its warning): ``name`` replaced by ``name_g``
    (magnitude) and ``name_v`` (direction)."""
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
    hook = _WeightNormHook(name, -1 if dim is None else dim)
    weight = module._parameters.pop(name)
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, hook.dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    object.__setattr__(module, name, hook.weight(module))
    module.__dict__.setdefault("_reparametrizations", {})[name] = (hook, module.register_forward_pre_hook(hook))
    return module


def remove_weight_norm(module, name="weight"):
    """``torch.nn.utils.remove_weight_norm``: back to one parameter holding g v / ||v||."""
    hook, handle = module.__dict__.get("_reparametrizations", {}).pop(name, (None, None))
    if not isinstance(hook, _WeightNormHook):
        raise ValueError(f"weight_norm of '{name}' not found in {module}")
    handle.remove()
    with no_grad():
        weight = hook.weight(module).detach()
    for suffix in ("_g", "_v"):
        del module._parameters[name + suffix]
    module.__dict__.pop(name, None)
    module.register_parameter(name, Parameter(weight))
    return module


class _SpectralNormHook:
    def __init__(self, name, n_power_iterations, dim, eps):
        self.name, self.iterations, self.dim, self.eps = name, n_power_iterations, dim, eps

    def matrix(self, weight):
        if self.dim != 0:
            weight = weight.movedim(self.dim, 0)
        return weight.reshape(weight.shape[0], -1)

    def weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        matrix = self.matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.iterations):
                    v.copy_(normalize(matrix.detach().transpose(0, 1) @ u, dim=0, eps=self.eps))
                    u.copy_(normalize(matrix.detach() @ v, dim=0, eps=self.eps))
                # (clones, as PyTorch's: the next iteration writes u and v in place)
                u, v = u.clone(), v.clone()
        sigma = u.dot(matrix @ v)
        return weight / sigma

    def __call__(self, module, args):
        object.__setattr__(module, self.name, self.weight(module, module.training))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``torch.nn.utils.spectral_norm``: ``name`` divided by its largest singular value, estimated by
    ``n_power_iterations`` steps of power iteration per training call (``dim`` 1 for transposed convolutions)."""
    if n_power_iterations <= 0:
        raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations="
                         f"{n_power_iterations}")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    hook = _SpectralNormHook(name, n_power_iterations, dim, eps)
    weight = module._parameters.pop(name)
    matrix = hook.matrix(weight.detach())
    height, width = matrix.shape
    u = normalize(creation.randn(height, dtype=weight.dtype, device=weight.device), dim=0, eps=eps)
    v = normalize(creation.randn(width, dtype=weight.dtype, device=weight.device), dim=0, eps=eps)
    module.register_parameter(name + "_orig", Parameter(weight.detach()))
    object.__setattr__(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.__dict__.setdefault("_reparametrizations", {})[name] = (hook, module.register_forward_pre_hook(hook))
    return module


def remove_spectral_norm(module, name="weight"):
    """``torch.nn.utils.remove_spectral_norm``: back to one parameter holding the normalized weight."""
    hook, handle = module.__dict__.get("_reparametrizations", {}).pop(name, (None, None))
    if not isinstance(hook, _SpectralNormHook):
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    handle.remove()
    with no_grad():
        weight = hook.weight(module, False).detach()
    del module._parameters[name + "_orig"]
    del module._buffers[name + "_u"], module._buffers[name + "_v"]
    module.__dict__.pop(name, None)
    module.register_parameter(name, Parameter(weight))
    return module

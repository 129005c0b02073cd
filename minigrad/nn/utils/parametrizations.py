"""``torch.nn.utils.parametrizations.weight_norm``: weight = g * v / ||v|| (norms over every dim but ``dim``),
as a parametrization whose originals are g (``original0``) and v (``original1``)."""
from ..module import Module
from . import parametrize

__all__ = ["weight_norm"]


def norm_except_dim(v, power, dim):
    """The ``power``-norm of v over every dim but ``dim`` (all of them for dim -1), kept broadcastable."""
    if dim == -1:
        return v.norm(power)
    dims = tuple(d for d in range(v.ndim) if d != dim % v.ndim)
    return v.norm(power, dims, keepdim=True) if dims else v.abs()


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self.dim))

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """``torch.nn.utils.parametrizations.weight_norm``: ``module.<name>`` reparametrized by magnitude and
    direction."""
    return parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

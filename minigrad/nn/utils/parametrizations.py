"""``torch.nn.utils.parametrizations``: ``orthogonal`` (orthogonal.py), ``weight_norm`` (weight = g * v / ||v||, norms over every dim but ``dim``,
the originals g as ``original0`` and v as ``original1``) and ``spectral_norm`` (weight / sigma, sigma its largest
singular value estimated by power iteration, the vectors kept as the parametrization's buffers ``_u`` and ``_v``)."""
from ...autograd import no_grad
from ...tensor import Tensor
from ..functional import normalize
from ..module import Module
from . import parametrize

from .orthogonal import orthogonal  # noqa: F401

__all__ = ["weight_norm", "spectral_norm", "orthogonal"]


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


class _SpectralNorm(Module):
    """weight / (u . W v), with W the weight as a matrix (``dim`` first) and u, v unit vectors moved toward W's
    first singular vectors by ``n_power_iterations`` steps per training call (15 when made), as PyTorch's."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got "
                             f"{dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations="
                             f"{n_power_iterations}")
        self.dim, self.eps = dim % ndim, eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = self._as_matrix(weight.detach())
            rows, columns = matrix.shape
            self.register_buffer("_u", normalize(matrix.new_empty(rows).normal_(0, 1), dim=0, eps=eps))
            self.register_buffer("_v", normalize(matrix.new_empty(columns).normal_(0, 1), dim=0, eps=eps))
            self._power_method(matrix, 15)

    def _as_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, matrix, iterations):
        # u first, then v (the reverse of nn.utils.spectral_norm's order), written into the buffers in place
        with no_grad():
            matrix = matrix.detach()
            for _ in range(iterations):
                self._u.copy_(normalize(matrix.mv(self._v), dim=0, eps=self.eps))
                self._v.copy_(normalize(matrix.transpose(0, 1).mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        matrix = self._as_matrix(weight)
        if self.training:
            self._power_method(matrix, self.n_power_iterations)
        sigma = self._u.clone().dot(matrix.mv(self._v.clone()))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``torch.nn.utils.parametrizations.spectral_norm``: ``module.<name>`` divided by its largest singular value
    (``dim`` 1 for transposed convolutions), the power iteration's vectors in
    ``module.parametrizations.<name>[0]._u`` and ``._v``."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from ..conv import ConvTranspose2d
        from ..one_dimensional import ConvTranspose1d
        from ..three_dimensional import ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    return parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))

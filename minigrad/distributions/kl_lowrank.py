"""KL(p || q) when either Gaussian is a LowRankMultivariateNormal (covariance W W^T + D): PyTorch's closed forms,
with log-determinants and Mahalanobis terms from the rank x rank capacitance factor (Woodbury), and the trace
tr(Sigma_q^-1 Sigma_p) expanded so that no n x n inverse is formed."""
import numpy as np

from ..linalg import solve_triangular
from .kl import register_kl
from .lowrank import LowRankMultivariateNormal, _mahalanobis
from .more_families import MultivariateNormal


def _trace_of_square(x):
    """tr(X X^T) over the last two dims: the sum of the squares of X's entries."""
    return (x ** 2).reshape(*x.shape[:-2], -1).sum(-1)


def _check_events(p, q, names):
    if p.event_shape != q.event_shape:
        raise ValueError(f"KL-divergence between two {names} with different event shapes cannot be computed")


def _woodbury_factor(q):
    """A = L_C^-1 W^T D^-1 of a low-rank q, so that Sigma_q^-1 = D^-1 - A^T A."""
    scaled = q._unbroadcasted_cov_factor.transpose(-2, -1) / q._unbroadcasted_cov_diag.unsqueeze(-2)
    return solve_triangular(q._capacitance_tril, scaled, upper=False)


def _log_det_of_tril(tril):
    return 2 * tril.diagonal(0, -2, -1).log().sum(-1)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _lowrank_lowrank(p, q):
    _check_events(p, q, "Low Rank Multivariate Normals")
    factor, diagonal = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    q_diagonal, woodbury = q._unbroadcasted_cov_diag, _woodbury_factor(q)
    trace = ((diagonal / q_diagonal).sum(-1) + _trace_of_square(factor * q_diagonal.rsqrt().unsqueeze(-1))
             - _trace_of_square(woodbury * diagonal.sqrt().unsqueeze(-2)) - _trace_of_square(woodbury @ factor))
    log_ratio = q._log_det() - p._log_det()
    return 0.5 * (log_ratio + trace + q._mahalanobis(q.loc - p.loc) - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _full_lowrank(p, q):
    _check_events(p, q, "(Low Rank) Multivariate Normals")
    tril = p._unbroadcasted_scale_tril
    trace = (_trace_of_square(tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
             - _trace_of_square(_woodbury_factor(q) @ tril))
    log_ratio = q._log_det() - _log_det_of_tril(tril)
    return 0.5 * (log_ratio + trace + q._mahalanobis(q.loc - p.loc) - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _lowrank_full(p, q):
    _check_events(p, q, "(Low Rank) Multivariate Normals")
    tril, factor = q._unbroadcasted_scale_tril, p._unbroadcasted_cov_factor
    n = p.event_shape[0]
    batch = np.broadcast_shapes(tuple(tril.shape[:-2]), tuple(factor.shape[:-2]))
    tril = tril.expand(*batch, n, n)
    root_diagonal = p._unbroadcasted_cov_diag.sqrt().diag_embed().expand(*batch, n, n)
    trace = (_trace_of_square(solve_triangular(tril, factor.expand(*batch, n, factor.shape[-1]), upper=False))
             + _trace_of_square(solve_triangular(tril, root_diagonal, upper=False)))
    log_ratio = _log_det_of_tril(q._unbroadcasted_scale_tril) - p._log_det()
    mahalanobis = _mahalanobis(q._unbroadcasted_scale_tril, q.loc - p.loc)
    return 0.5 * (log_ratio + trace + mahalanobis - n)

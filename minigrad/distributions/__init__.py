"""``minigrad.distributions``: probability laws with sampling, log-probabilities and entropies, as
``torch.distributions`` (Categorical, OneHotCategorical, Bernoulli, Normal, Uniform, Exponential, Laplace,
LogNormal, Poisson, Gamma, Beta, Dirichlet, MultivariateNormal, Independent, kl_divergence)."""
from .distribution import Distribution  # noqa: F401
from .discrete import Categorical, OneHotCategorical, Bernoulli  # noqa: F401
from .continuous import Normal, Uniform  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401
from . import kl  # noqa: F401
from .more_families import (Exponential, Laplace, LogNormal, Poisson, Gamma, Beta, Dirichlet,  # noqa: F401,E402
                            MultivariateNormal, Independent)

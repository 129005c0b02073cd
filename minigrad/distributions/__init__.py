"""``minigrad.distributions``: probability laws with sampling, log-probabilities, entropies, moments, constraints
and transforms, as ``torch.distributions``."""
from . import constraints, transforms, utils  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .exp_family import ExponentialFamily  # noqa: F401
from .continuous_bernoulli import ContinuousBernoulli  # noqa: F401
from .discrete import Categorical, OneHotCategorical, OneHotCategoricalStraightThrough, Bernoulli  # noqa: F401
from .continuous import Normal, Uniform, Cauchy  # noqa: F401
from .more_families import Exponential, Laplace, Poisson, MultivariateNormal  # noqa: F401
from .gamma_family import Gamma, Chi2, Beta, Dirichlet, StudentT, FisherSnedecor  # noqa: F401
from .independent import Independent  # noqa: F401
from .counts import Binomial, Geometric, NegativeBinomial, Multinomial  # noqa: F401
from .transformed_distribution import TransformedDistribution  # noqa: F401
from .transformed_families import (LogNormal, HalfNormal, HalfCauchy, Gumbel, Weibull, Pareto,  # noqa: F401
                                   InverseGamma, LogisticNormal, Kumaraswamy)
from .relaxed import (RelaxedBernoulli, RelaxedOneHotCategorical, LogitRelaxedBernoulli,  # noqa: F401
                      ExpRelaxedCategorical)
from .mixture import MixtureSameFamily  # noqa: F401
from .lowrank import LowRankMultivariateNormal  # noqa: F401
from .von_mises import VonMises  # noqa: F401
from .generalized_pareto import GeneralizedPareto  # noqa: F401
from .matrix_laws import LKJCholesky, Wishart  # noqa: F401
from .transforms import (Transform, ExpTransform, PowerTransform, SigmoidTransform, TanhTransform,  # noqa: F401
                         AbsTransform, AffineTransform, SoftplusTransform, SoftmaxTransform, StickBreakingTransform,
                         ComposeTransform, IndependentTransform, ReshapeTransform, identity_transform,
                         CumulativeDistributionTransform, CatTransform, StackTransform, LowerCholeskyTransform,
                         PositiveDefiniteTransform, CorrCholeskyTransform)
from .constraint_registry import biject_to, transform_to  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401
from . import kl  # noqa: F401
from . import kl_cross, kl_lowrank  # noqa: F401  (registering their rules)
from . import module_paths as _module_paths  # noqa: E402
import sys as _sys  # noqa: E402

_module_paths.install(_sys.modules[__name__])

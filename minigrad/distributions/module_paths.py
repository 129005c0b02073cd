"""``torch.distributions``' one-module-per-law paths (``from torch.distributions.normal import Normal``,
``torch.distributions.categorical.Categorical``), as modules made at import from this table: each holds its
law (and the helpers scripts import from it), defined where minigrad groups the laws by kind."""
import sys
import types

# torch's module name -> the names scripts import from it
PATHS = {
    "bernoulli": ["Bernoulli"], "beta": ["Beta"], "binomial": ["Binomial"], "categorical": ["Categorical"],
    "cauchy": ["Cauchy"], "chi2": ["Chi2"], "continuous_bernoulli": ["ContinuousBernoulli"],
    "dirichlet": ["Dirichlet"], "exponential": ["Exponential"], "fishersnedecor": ["FisherSnedecor"],
    "gamma": ["Gamma"], "generalized_pareto": ["GeneralizedPareto"], "geometric": ["Geometric"],
    "gumbel": ["Gumbel"], "half_cauchy": ["HalfCauchy"], "half_normal": ["HalfNormal"],
    "inverse_gamma": ["InverseGamma"], "kumaraswamy": ["Kumaraswamy"], "laplace": ["Laplace"],
    "lkj_cholesky": ["LKJCholesky"], "log_normal": ["LogNormal"], "logistic_normal": ["LogisticNormal"],
    "lowrank_multivariate_normal": ["LowRankMultivariateNormal"], "mixture_same_family": ["MixtureSameFamily"],
    "multinomial": ["Multinomial"], "multivariate_normal": ["MultivariateNormal"],
    "negative_binomial": ["NegativeBinomial"], "normal": ["Normal"],
    "one_hot_categorical": ["OneHotCategorical", "OneHotCategoricalStraightThrough"], "pareto": ["Pareto"],
    "poisson": ["Poisson"], "relaxed_bernoulli": ["RelaxedBernoulli", "LogitRelaxedBernoulli"],
    "relaxed_categorical": ["RelaxedOneHotCategorical", "ExpRelaxedCategorical"], "studentT": ["StudentT"],
    "uniform": ["Uniform"], "von_mises": ["VonMises"], "weibull": ["Weibull"], "wishart": ["Wishart"],
}


def install(package):
    """Make ``package.<name>`` importable for each name in PATHS (the package's attributes)."""
    for name, members in PATHS.items():
        module = types.ModuleType(f"{package.__name__}.{name}", f"torch.distributions.{name}'s names")
        for member in members:
            setattr(module, member, getattr(package, member))
        module.__all__ = list(members)
        sys.modules[module.__name__] = module
        setattr(package, name, module)

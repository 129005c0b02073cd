"""kl_divergence for every pair of laws PyTorch registers, against torch.distributions: the same registry of
pairs, and for each pair the values (inf where PyTorch gives inf) and the gradients with respect to every
parameter of both laws, in float64, over random parameters that reach each rule's inf and finite branches."""
import numpy as np
import pytest
import torch
import torch.distributions.kl as torch_kl

import minigrad as M
import minigrad.distributions as D
import minigrad.distributions.kl as minigrad_kl

SHAPE = (6,)


def _parameters(name, rng):
    """Float64 arrays for a law named ``name``, with ``SHAPE`` as its batch shape."""
    positive = lambda low=0.3, high=3.0: rng.uniform(low, high, SHAPE)  # noqa: E731
    real = lambda: rng.standard_normal(SHAPE)  # noqa: E731
    unit = lambda: rng.uniform(0.05, 0.95, SHAPE)  # noqa: E731
    if name == "Uniform":  # ends on both sides of 0 and 1, so that the inf branches are reached
        low = rng.choice([-1.0, 0.0, 0.2, 1.0], SHAPE) + rng.uniform(0, 0.3, SHAPE) * rng.integers(0, 2, SHAPE)
        return {"low": low, "high": low + rng.choice([0.3, 0.5, 1.2, 2.5], SHAPE)}
    if name == "Pareto":  # alpha on both sides of 1 and 2
        return {"scale": positive(), "alpha": positive(0.5, 4.0)}
    if name in ("MultivariateNormal", "LowRankMultivariateNormal"):
        loc = rng.standard_normal(SHAPE + (3,))
        if name == "MultivariateNormal":
            a = rng.standard_normal(SHAPE + (3, 3))
            return {"loc": loc, "covariance_matrix": a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)}
        return {"loc": loc, "cov_factor": rng.standard_normal(SHAPE + (3, 2)), "cov_diag": positive()[:, None] +
                rng.uniform(0, 1, SHAPE + (3,))}
    table = {"Normal": {"loc": real(), "scale": positive()}, "Laplace": {"loc": real(), "scale": positive()},
             "Gumbel": {"loc": real(), "scale": positive()}, "Cauchy": {"loc": real(), "scale": positive()},
             "HalfNormal": {"scale": positive()}, "Exponential": {"rate": positive()}, "Poisson": {"rate": positive()},
             "Gamma": {"concentration": positive(), "rate": positive()},
             "Beta": {"concentration1": positive(), "concentration0": positive()},
             "Bernoulli": {"probs": unit()}, "Geometric": {"probs": unit()},
             "Binomial": {"total_count": rng.integers(1, 4, SHAPE).astype(float), "probs": unit()},
             "ContinuousBernoulli": {"probs": unit()}, "Categorical": {"logits": rng.standard_normal(SHAPE + (4,))},
             "OneHotCategorical": {"logits": rng.standard_normal(SHAPE + (4,))},
             "Dirichlet": {"concentration": rng.uniform(0.3, 3, SHAPE + (4,))}}
    return table[name]


ABSTRACT = ("TransformedDistribution", "Independent", "ExponentialFamily")


def _pairs():
    """PyTorch's registered pairs of concrete laws."""
    return sorted((p.__name__, q.__name__) for p, q in torch_kl._KL_REGISTRY if p.__name__ not in ABSTRACT)


def test_the_registry_holds_pytorchs_pairs():
    torch_pairs = {(p.__name__, q.__name__) for p, q in torch_kl._KL_REGISTRY}
    assert {(p.__name__, q.__name__) for p, q in minigrad_kl._RULES} == torch_pairs


def _divergence(library, names, arrays):
    laws, leaves = [], []
    for name, params in zip(names, arrays):
        tensors = {}
        for key, value in params.items():
            tensor = library.tensor(value, dtype=library.float64)
            if key != "total_count":
                tensor.requires_grad_()
                leaves.append(tensor)
            tensors[key] = tensor
        laws.append(getattr(library.distributions, name)(**tensors, validate_args=False))
    result = library.distributions.kl_divergence(*laws)
    if not result.requires_grad:  # inf throughout, a constant
        return result, []
    finite = library.where(result.isfinite(), result, library.zeros_like(result))
    gradients = library.autograd.grad(finite.sum(), leaves, allow_unused=True)
    return result, [g if g is not None else library.zeros_like(leaf) for g, leaf in zip(gradients, leaves)]


@pytest.mark.parametrize("names", _pairs())
def test_kl_divergence_equals_pytorchs(names):
    rng = np.random.default_rng(sum(map(ord, "".join(names))))
    if "Binomial" == names[0] == names[1]:
        arrays = [_parameters("Binomial", rng), _parameters("Binomial", rng)]
        arrays[1]["total_count"] = arrays[0]["total_count"]  # PyTorch refuses q.total_count > p.total_count
    else:
        arrays = [_parameters(name, rng) for name in names]
    expected, expected_gradients = _divergence(torch, names, arrays)
    got, gradients = _divergence(M, names, arrays)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert got.dtype == M.float64
    for have, want in zip(gradients, expected_gradients):
        np.testing.assert_allclose(have.numpy(), want.numpy(), rtol=1e-9, atol=1e-12)


def test_both_branches_are_reached():
    """The random parameters give some inf and some finite divergences where a rule has both."""
    rng = np.random.default_rng(1)
    for names in [("Uniform", "Exponential"), ("Pareto", "Normal"), ("Uniform", "Beta"),
                  ("Uniform", "ContinuousBernoulli"), ("ContinuousBernoulli", "Uniform"), ("Beta", "Uniform")]:
        got = _divergence(M, names, [_parameters(name, rng) for name in names])[0].detach().numpy()
        assert np.isinf(got).any() and np.isfinite(got).any(), names


def test_cross_family_errors_as_pytorchs():
    with pytest.raises(NotImplementedError, match="different exponential families"):
        D.kl_divergence(D.Bernoulli(M.tensor(0.3)), D.Beta(M.tensor(0.3), M.tensor(1.0)))
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Laplace(M.tensor(0.0), M.tensor(1.0)), D.Cauchy(M.tensor(0.0), M.tensor(1.0)))
    with pytest.raises(ValueError, match="different event shapes"):
        D.kl_divergence(D.LowRankMultivariateNormal(M.zeros(2), M.ones(2, 1), M.ones(2)),
                        D.MultivariateNormal(M.zeros(3), M.eye(3)))

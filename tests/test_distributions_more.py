"""minigrad.distributions' full family list, constraints and transforms against torch.distributions, one line per
law: log_prob, cdf, icdf, entropy and the moments (values and their gradients with respect to every parameter, in
float64), shapes, supports and reprs, expand, samples' shapes and moments, and validation errors."""
import math

import numpy as np
import pytest
import torch
import torch.distributions as TD

import minigrad as M
import minigrad.distributions as D

rng = np.random.default_rng(7)
POS = rng.uniform(0.6, 3.0, (2, 3))
POS2 = rng.uniform(0.6, 3.0, (2, 3))
REAL = rng.standard_normal((2, 3))
UNIT = rng.uniform(0.05, 0.95, (2, 3))
SIMPLEX = rng.dirichlet(np.ones(4), 2)
LOGITS4 = rng.standard_normal((2, 4))
QUANTITIES = ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev", "mode")


def _evaluate(law, quantity, value, probability):
    if quantity == "log_prob":
        return law.log_prob(value)
    if quantity == "cdf":
        return law.cdf(value)
    if quantity == "icdf":
        return law.icdf(probability)
    if quantity == "entropy":
        return law.entropy()
    return getattr(law, quantity)


def _tensors(library, params, dtype="float64"):
    if isinstance(params, dict):
        return dict(zip(params, _tensors(library, list(params.values()), dtype)))
    out = []
    for p in params:
        if isinstance(p, np.ndarray):
            t = library.tensor(p, dtype=getattr(library, dtype))
            out.append(t.requires_grad_() if p.dtype.kind == "f" else t)
        else:
            out.append(p)
    return out


def check_law(name, params, value, kwargs=None, probability=None, skip=(), rtol=1e-9, dtype="float64"):
    """Every quantity torch's law gives, and its gradients with respect to the float parameters, equal to
    minigrad's (float64 unless ``dtype`` says otherwise); NaN and inf where torch has them."""
    kwargs = kwargs or {}
    probability = UNIT if probability is None else probability
    compared = []
    for quantity in QUANTITIES:
        if quantity in skip:
            continue
        t_params, t_kwargs = _tensors(torch, params, dtype), _tensors(torch, kwargs, dtype)
        t_law = getattr(TD, name)(*t_params, **t_kwargs)
        try:
            expected = _evaluate(t_law, quantity, torch.tensor(value, dtype=getattr(torch, dtype)),
                                 torch.tensor(probability, dtype=getattr(torch, dtype)))
        except (NotImplementedError, AttributeError):
            continue
        m_params, m_kwargs = _tensors(M, params, dtype), _tensors(M, kwargs, dtype)
        m_law = getattr(D, name)(*m_params, **m_kwargs)
        got = _evaluate(m_law, quantity, M.tensor(value, dtype=getattr(M, dtype)),
                        M.tensor(probability, dtype=getattr(M, dtype)))
        assert tuple(got.shape) == tuple(expected.shape), (quantity, tuple(got.shape), tuple(expected.shape))
        assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1], (name, quantity)
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=1e-12,
                                   err_msg=f"{name}.{quantity}")
        compared.append(quantity)
        if not expected.requires_grad:
            continue
        finite = torch.isfinite(expected.detach())
        try:
            (expected * finite).nan_to_num(0.0).sum().backward()
        except NotImplementedError as error:  # (the incomplete gamma function's derivative in its shape)
            with pytest.raises(NotImplementedError) as ours:
                (got * M.tensor(finite.numpy())).nan_to_num(0.0).sum().backward()
            assert str(ours.value) == str(error)
            continue
        (got * M.tensor(finite.numpy())).nan_to_num(0.0).sum().backward()
        for i, (m, t) in enumerate(zip(m_params + list(m_kwargs.values()), t_params + list(t_kwargs.values()))):
            if not isinstance(t, torch.Tensor) or not t.requires_grad or t.grad is None:
                continue
            assert m.grad is not None, f"{name}.{quantity}: no gradient for parameter {i}"
            np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=max(rtol, 1e-8), atol=1e-10,
                                       err_msg=f"{name}.{quantity}: gradient of parameter {i}")
    t_law = getattr(TD, name)(*_tensors(torch, params), **_tensors(torch, kwargs))
    m_law = getattr(D, name)(*_tensors(M, params), **_tensors(M, kwargs))
    assert tuple(m_law.batch_shape) == tuple(t_law.batch_shape) and \
        tuple(m_law.event_shape) == tuple(t_law.event_shape)
    assert m_law.has_rsample == t_law.has_rsample
    assert repr(m_law) == repr(t_law).replace("torch.Size", "torch.Size")
    assert type(m_law.support).__name__ == type(t_law.support).__name__
    draws = m_law.sample((5,))
    assert tuple(draws.shape) == (5,) + tuple(t_law.batch_shape) + tuple(t_law.event_shape)
    assert "log_prob" in compared or "log_prob" in skip
    return compared


CASES = [
    ("Normal", [REAL, POS], REAL * 2, {}, None),
    ("Cauchy", [REAL, POS], REAL * 2, {}, None),
    ("Laplace", [REAL, POS], REAL * 2, {}, None),
    ("Uniform", [REAL - 2, REAL + POS], REAL - 1, {}, None),
    ("Exponential", [POS], POS2, {}, None),
    ("Gamma", [POS, POS2], POS * 0.7, {}, None),
    ("Chi2", [POS * 2], POS2, {}, None),
    ("Beta", [POS, POS2], UNIT, {}, None),
    ("StudentT", [POS * 2, REAL, POS2], REAL * 3, {}, None),
    ("Dirichlet", [POS + 0.5], SIMPLEX[:, :3] / SIMPLEX[:, :3].sum(-1, keepdims=True), {}, None),
    ("Poisson", [POS], np.round(POS2 * 2), {}, None),
    ("LogNormal", [REAL, POS], POS2, {}, None),
    ("HalfNormal", [POS], POS2, {}, None),
    ("HalfCauchy", [POS], POS2, {}, None),
    ("Gumbel", [REAL, POS], REAL * 2, {}, None),
    ("Weibull", [POS, POS2], POS * 0.9, {}, None),
    ("Pareto", [POS * 0.5, POS2], POS * 0.5 + POS2, {}, None),
    ("InverseGamma", [POS, POS2], POS * 0.7, {}, None),
    ("Bernoulli", [], np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]), {"probs": UNIT}, None),
    ("Binomial", [np.full((2, 3), 7.0)], np.array([[0.0, 3, 7], [2, 5, 6]]), {"probs": UNIT}, None),
    ("Binomial", [np.full((2, 3), 5.0)], np.array([[0.0, 3, 5], [2, 1, 4]]), {"logits": REAL}, None),
    ("Geometric", [], np.array([[0.0, 3, 7], [2, 5, 1]]), {"probs": UNIT}, None),
    ("NegativeBinomial", [POS * 2], np.array([[0.0, 3, 7], [2, 5, 1]]), {"logits": REAL}, None),
    ("Categorical", [], np.array([3.0, 0.0]), {"logits": LOGITS4}, None),
    ("OneHotCategorical", [], np.eye(4)[[1, 3]], {"probs": SIMPLEX}, None),
    ("Multinomial", [6], np.array([[1.0, 2, 0, 3], [0, 0, 6, 0]]), {"probs": SIMPLEX}, None),
    ("RelaxedBernoulli", [np.array(0.7)], UNIT, {"probs": UNIT}, None),
    ("RelaxedOneHotCategorical", [np.array(0.5)], SIMPLEX, {"logits": LOGITS4}, None),
    ("LogisticNormal", [REAL, POS], SIMPLEX, {}, None),
    ("FisherSnedecor", [POS * 3, POS2 * 3], POS, {}, None),
    ("Kumaraswamy", [POS, POS2], UNIT, {}, None),
    ("ContinuousBernoulli", [], UNIT, {"probs": np.array([[0.1, 0.4995, 0.7], [0.5, 0.9, 0.3]])}, None),
    ("ContinuousBernoulli", [], UNIT, {"logits": REAL}, None),
    ("VonMises", [REAL, np.array([[0.3, 2.0, 3.7], [3.8, 10.0, 50.0]])], REAL * 3, {}, None),
]


@pytest.mark.parametrize("name,params,value,kwargs,probability", CASES, ids=[c[0] for c in CASES])
def test_law_against_torch(name, params, value, kwargs, probability):
    check_law(name, params, value, kwargs, probability)


def test_generalized_pareto():
    """PyTorch's GeneralizedPareto compares its concentration with a float32 zero, so its float64 log_prob and cdf
    raise: those two are compared in float32 (the helper's float32 tolerance, tighter than helpers.compare's),
    everything else in float64."""
    params = [REAL, POS, np.array([[0.3, 0.0, -0.2], [0.6, 1e-9, 0.1]])]
    check_law("GeneralizedPareto", params, REAL + POS * 0.5, skip=("log_prob", "cdf"))
    check_law("GeneralizedPareto", params, REAL + POS * 0.5, dtype="float32", rtol=1e-5,
              skip=("icdf", "entropy", "mean", "variance", "stddev", "mode"))


def test_multivariate_normal_each_parameterization():
    a = rng.standard_normal((3, 3))
    covariance = a @ a.T + 3 * np.eye(3)
    loc, value = rng.standard_normal((2, 3)), rng.standard_normal((4, 2, 3))
    for key, matrix in (("covariance_matrix", covariance), ("precision_matrix", np.linalg.inv(covariance)),
                        ("scale_tril", np.linalg.cholesky(covariance))):
        check_law("MultivariateNormal", [loc], value, {key: matrix}, skip=("icdf", "cdf"))


def test_mixture_same_family_against_torch():
    weights, locs, scales = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.uniform(0.5, 2, (2, 3))
    value = rng.standard_normal((5, 2))

    def build(library, dists, w, m, s):
        return dists.MixtureSameFamily(dists.Categorical(logits=w), dists.Normal(m, s))
    results = []
    for library, dists in ((M, D), (torch, TD)):
        w, m, s = (library.tensor(p, dtype=library.float64).requires_grad_() for p in (weights, locs, scales))
        law = build(library, dists, w, m, s)
        out = [law.log_prob(library.tensor(value)), law.mean, law.variance, law.cdf(library.tensor(value))]
        sum(o.sum() for o in out).backward()
        results.append([o.detach().numpy() for o in out] + [p.grad.numpy() for p in (w, m, s)])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-9)
    law = build(M, D, *(M.tensor(p) for p in (weights, locs, scales)))
    assert tuple(law.sample((7,)).shape) == (7, 2) and tuple(law.batch_shape) == (2,)
    # a mixture of 2-D diagonal Gaussians (a mixture density network's head)
    comp = D.Independent(D.Normal(M.tensor(rng.standard_normal((4, 3, 2))), M.tensor(rng.uniform(0.5, 1, (4, 3, 2)))),
                         1)
    mix = D.MixtureSameFamily(D.Categorical(logits=M.tensor(rng.standard_normal((4, 3)))), comp)
    t_comp = TD.Independent(TD.Normal(torch.tensor(comp.base_dist.loc.numpy()),
                                      torch.tensor(comp.base_dist.scale.numpy())), 1)
    t_mix = TD.MixtureSameFamily(TD.Categorical(logits=torch.tensor(mix.mixture_distribution.logits.numpy())), t_comp)
    point = rng.standard_normal((5, 4, 2))
    np.testing.assert_allclose(mix.log_prob(M.tensor(point)).numpy(), t_mix.log_prob(torch.tensor(point)).numpy(),
                               rtol=1e-9)
    assert tuple(mix.sample((5,)).shape) == (5, 4, 2)


KL_PAIRS = [
    ("Normal", [REAL, POS], [REAL[::-1].copy(), POS2]), ("Laplace", [REAL, POS], [REAL * 2, POS2]),
    ("Exponential", [POS], [POS2]), ("Gamma", [POS, POS2], [POS2, POS]), ("Beta", [POS, POS2], [POS2, POS]),
    ("Poisson", [POS], [POS2]), ("Gumbel", [REAL, POS], [REAL * 0.5, POS2]), ("Cauchy", [REAL, POS], [REAL, POS2]),
    ("HalfNormal", [POS], [POS2]), ("LogNormal", [REAL, POS], [REAL * 0.3, POS2]),
    ("Pareto", [POS, POS2], [POS * 0.5, POS]), ("Dirichlet", [POS + 0.1], [POS2]),
]


@pytest.mark.parametrize("name,p,q", KL_PAIRS, ids=[k[0] for k in KL_PAIRS])
def test_kl_divergence_against_torch(name, p, q):
    results = []
    for library, dists in ((M, D), (torch, TD)):
        p_params, q_params = _tensors(library, p), _tensors(library, q)
        kl = dists.kl_divergence(getattr(dists, name)(*p_params), getattr(dists, name)(*q_params))
        finite = np.isfinite(kl.detach().numpy())
        (kl * library.tensor(finite)).nan_to_num(0.0).sum().backward()
        results.append([kl.detach().numpy()] + [t.grad.numpy() for t in p_params + q_params])
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_kl_of_other_pairs():
    mats = []
    for _ in range(2):
        a = rng.standard_normal((3, 3))
        mats.append(a @ a.T + np.eye(3))
    locs = rng.standard_normal((2, 3))
    for library, dists in ((M, D), (torch, TD)):
        p = dists.MultivariateNormal(library.tensor(locs[0]), covariance_matrix=library.tensor(mats[0]))
        q = dists.MultivariateNormal(library.tensor(locs[1]), scale_tril=library.tensor(np.linalg.cholesky(mats[1])))
        value = dists.kl_divergence(p, q)
        normal_laplace = dists.kl_divergence(dists.Normal(library.tensor(REAL), library.tensor(POS)),
                                             dists.Laplace(library.tensor(REAL[::-1].copy()), library.tensor(POS2)))
        independent = dists.kl_divergence(
            dists.Independent(dists.Normal(library.tensor(REAL), library.tensor(POS)), 1),
            dists.Independent(dists.Normal(library.tensor(REAL * 0), library.tensor(POS2)), 1))
        geometric = dists.kl_divergence(dists.Geometric(probs=library.tensor(UNIT)),
                                        dists.Geometric(probs=library.tensor(UNIT[::-1].copy())))
        binomial = dists.kl_divergence(dists.Binomial(5, probs=library.tensor(UNIT)),
                                       dists.Binomial(5, probs=library.tensor(UNIT[::-1].copy())))
        if library is M:
            ours = [v.numpy() for v in (value, normal_laplace, independent, geometric, binomial)]
        else:
            theirs = [v.numpy() for v in (value, normal_laplace, independent, geometric, binomial)]
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got, expected, rtol=1e-9)
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.StudentT(3.0))


def test_validation_errors_match_torch():
    cases = [lambda d, t: d.Normal(t([0.0, 1.0]), t([1.0, -1.0])),
             lambda d, t: d.Normal(t([0.0, 1.0]), t([1.0, 1.0])).log_prob(t([1.0, 2.0, 3.0])),
             lambda d, t: d.MultivariateNormal(t([0.0, 1.0]), t([[1.0, 2.0], [2.0, 1.0]])),
             lambda d, t: d.Normal(t([0.0]), t([1.0])).log_prob([1.0]),
             lambda d, t: d.Exponential(t([1.0])).log_prob(t([-1.0])),
             lambda d, t: d.Categorical(probs=t([0.5, 0.5])).log_prob(t([2])),
             lambda d, t: d.Beta(t([1.0]), t([1.0])).log_prob(t([1.5])),
             lambda d, t: d.Binomial(t([3.0]), probs=t([0.5])).log_prob(t([4.0])),
             lambda d, t: d.Uniform(t([1.0]), t([0.0])),
             lambda d, t: d.Dirichlet(t([1.0, -1.0])),
             lambda d, t: d.Gamma(t([1.0]), t([1.0])).log_prob(t([0.5, 1.0, -2.0]))]
    # (torch.compile, run by other tests, turns PyTorch's default validation off for the process)
    saved = TD.Distribution._validate_args
    TD.Distribution.set_default_validate_args(True)
    try:
        _compare_errors(cases)
    finally:
        TD.Distribution.set_default_validate_args(saved)
    law = D.Normal(M.tensor([0.0]), M.tensor([-1.0]), validate_args=False)  # no check when asked
    assert tuple(law.batch_shape) == (1,)


def _compare_errors(cases):
    for case in cases:
        with pytest.raises(ValueError) as ours:
            case(D, M.tensor)
        with pytest.raises(ValueError) as theirs:
            case(TD, torch.tensor)
        assert str(ours.value) == str(theirs.value)


def test_expand_sample_shapes_and_enumerate_support():
    laws = [(D.Normal(M.tensor(0.0), M.tensor(1.0)), (3, 2)),
            (D.Categorical(logits=M.tensor(LOGITS4[0])), (5,)),
            (D.Dirichlet(M.tensor([1.0, 2.0, 3.0])), (2,)),
            (D.Gumbel(M.tensor(0.0), M.tensor(2.0)), (4,)),
            (D.LogNormal(M.tensor(0.0), M.tensor(1.0)), (2, 2)),
            (D.Binomial(4, probs=M.tensor(0.3)), (3,))]
    for law, shape in laws:
        wider = law.expand(shape)
        assert tuple(wider.batch_shape) == shape
        draws = wider.sample((2,))
        assert tuple(draws.shape) == (2,) + shape + tuple(law.event_shape)
        np.testing.assert_allclose(wider.log_prob(draws).numpy(), law.log_prob(draws).numpy(), rtol=1e-12)
    for ours, theirs in ((D.Bernoulli(probs=M.tensor([0.2, 0.7])), TD.Bernoulli(probs=torch.tensor([0.2, 0.7]))),
                         (D.Binomial(3, probs=M.tensor([0.2, 0.7])), TD.Binomial(3, probs=torch.tensor([0.2, 0.7]))),
                         (D.OneHotCategorical(probs=M.tensor(SIMPLEX)), TD.OneHotCategorical(probs=torch.tensor(SIMPLEX))),
                         (D.Categorical(probs=M.tensor(SIMPLEX)), TD.Categorical(probs=torch.tensor(SIMPLEX)))):
        for expand in (True, False):
            np.testing.assert_array_equal(ours.enumerate_support(expand).numpy(),
                                          theirs.enumerate_support(expand).numpy())
        assert ours.has_enumerate_support == theirs.has_enumerate_support


@pytest.mark.parametrize("law,mean,variance", [
    (lambda: D.Cauchy(M.tensor(1.0), M.tensor(2.0)), None, None),
    (lambda: D.StudentT(M.tensor(5.0), M.tensor(1.0), M.tensor(2.0)), 1.0, 4 * 5 / 3),
    (lambda: D.Chi2(M.tensor(3.0)), 3.0, 6.0),
    (lambda: D.HalfNormal(M.tensor(2.0)), 2 * math.sqrt(2 / math.pi), 4 * (1 - 2 / math.pi)),
    (lambda: D.Gumbel(M.tensor(1.0), M.tensor(2.0)), 1 + 2 * 0.5772156649, math.pi ** 2 / 6 * 4),
    (lambda: D.Weibull(M.tensor(2.0), M.tensor(3.0)), 2 * math.gamma(4 / 3),
     4 * (math.gamma(5 / 3) - math.gamma(4 / 3) ** 2)),
    (lambda: D.Pareto(M.tensor(1.0), M.tensor(5.0)), 1.25, 5 / (16 * 3)),
    (lambda: D.InverseGamma(M.tensor(5.0), M.tensor(2.0)), 0.5, 4 / (16 * 3)),
    (lambda: D.Binomial(10, probs=M.tensor(0.3)), 3.0, 2.1),
    (lambda: D.Geometric(probs=M.tensor(0.25)), 3.0, 12.0),
    (lambda: D.NegativeBinomial(M.tensor(4.0), probs=M.tensor(0.4)), 4 * 0.4 / 0.6, 4 * 0.4 / 0.36),
    (lambda: D.Multinomial(10, probs=M.tensor([0.2, 0.3, 0.5])), [2.0, 3.0, 5.0], [1.6, 2.1, 2.5]),
    (lambda: D.RelaxedBernoulli(M.tensor(0.5), probs=M.tensor(0.3)), None, None),
    # the circular mean of cos(x - loc) is I1(k) / I0(k) = 1 - variance
    (lambda: D.VonMises(M.tensor(0.0), M.tensor(2.0)), 0.0, None),
])
def test_samples_follow_their_laws(law, mean, variance):
    M.manual_seed(11)
    law = law()
    draws = law.sample((40000,)).numpy()
    assert draws.dtype == np.float32
    if mean is None:  # no moments: the median and quartiles instead, or the support
        if isinstance(law, D.Cauchy):
            np.testing.assert_allclose(np.percentile(draws, [25, 50, 75]), [-1.0, 1.0, 3.0], atol=0.06)
        else:
            assert ((draws > 0) & (draws < 1)).all()
            assert abs((draws > 0.5).mean() - 0.3) < 0.02
        return
    np.testing.assert_allclose(draws.mean(0), mean, rtol=0.03, atol=0.02)
    if isinstance(law, D.VonMises):
        resultant = np.cos(draws).mean()
        np.testing.assert_allclose(resultant, 1 - law.variance.item(), atol=0.01)
        assert (np.abs(draws) <= math.pi).all()
        return
    np.testing.assert_allclose(draws.var(0), variance, rtol=0.08, atol=0.02)


def test_reparameterized_draws_carry_gradients():
    M.manual_seed(5)
    loc, scale = M.tensor([0.5, -1.0], requires_grad=True), M.tensor([1.0, 2.0], requires_grad=True)
    for law in (D.Cauchy(loc, scale), D.Gumbel(loc, scale), D.LogNormal(loc, scale), D.Laplace(loc, scale),
                D.HalfNormal(scale), D.StudentT(M.tensor(4.0), loc, scale), D.Weibull(scale, M.tensor(2.0)),
                D.RelaxedOneHotCategorical(M.tensor(0.5), logits=loc.reshape(1, 2)),
                D.LogisticNormal(loc, scale), D.Gamma(M.tensor(2.0), scale)):
        loc.grad = scale.grad = None
        draws = law.rsample((3,))
        (draws * M.arange(1, draws.shape[-1] + 1)).sum().backward()
        moved = loc if isinstance(law, D.RelaxedOneHotCategorical) else scale
        assert moved.grad is not None and np.isfinite(moved.grad.numpy()).all(), type(law).__name__
    for law in (lambda c: D.Gamma(c, M.tensor(1.5)), lambda c: D.Beta(c, M.tensor(2.0)),
                lambda c: D.Dirichlet(M.stack([c, c * 2])), lambda c: D.StudentT(c), lambda c: D.Chi2(c)):
        concentration = M.tensor(2.5, requires_grad=True)
        law(concentration).rsample((4,)).sum().backward()
        assert concentration.grad is not None and np.isfinite(concentration.grad.item())
    straight = D.OneHotCategoricalStraightThrough(logits=loc)
    (straight.rsample() * M.tensor([1.0, 2.0])).sum().backward()
    assert loc.grad is not None


def test_gamma_draws_move_with_the_concentration_as_the_exact_derivative():
    """dx/dalpha of a Gamma(alpha, 1) draw at fixed noise, against the derivative of the inverse cdf computed by
    mpmath at 30 digits; PyTorch's own (a fitted approximation) is within 1e-4 of it."""
    import mpmath
    mpmath.mp.dps = 30
    alphas = np.array([0.3, 0.5, 2.0, 5.0, 30.0, 200.0])
    M.manual_seed(2)
    alpha = M.tensor(alphas, requires_grad=True)
    draws = D.Gamma(alpha, M.tensor(1.0)).rsample()
    draws.sum().backward()
    x = draws.detach().numpy()
    for a, value, got in zip(alphas, x, alpha.grad.numpy()):
        d_cdf = mpmath.diff(lambda s: mpmath.gammainc(s, 0, value, regularized=True), a)
        density = mpmath.exp((a - 1) * mpmath.log(value) - value - mpmath.loggamma(a))
        np.testing.assert_allclose(got, float(-d_cdf / density), rtol=1e-9)
    theirs = torch._standard_gamma_grad(torch.tensor(alphas), torch.tensor(x)).numpy()
    np.testing.assert_allclose(alpha.grad.numpy(), theirs, rtol=1e-4)


def test_low_rank_multivariate_normal_against_torch():
    loc, factor = rng.standard_normal((2, 3)), rng.standard_normal((2, 3, 2))
    diagonal, value = rng.uniform(0.5, 2, 3), rng.standard_normal((4, 2, 3))
    results = []
    for library, dists in ((M, D), (torch, TD)):
        params = [library.tensor(p).requires_grad_() for p in (loc, factor, diagonal)]
        law = dists.LowRankMultivariateNormal(*params)
        outputs = [law.log_prob(library.tensor(value)), law.entropy(), law.variance, law.scale_tril,
                   law.covariance_matrix, law.precision_matrix, law.mean]
        sum(o.sum() for o in outputs).backward()
        results.append([o.detach().numpy() for o in outputs] + [p.grad.numpy() for p in params] +
                       [repr(law), tuple(law.batch_shape), tuple(law.expand((3, 2)).batch_shape)])
    for got, expected in zip(*results):
        if isinstance(got, np.ndarray):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        else:
            assert got == expected
    assert tuple(D.LowRankMultivariateNormal(*(M.tensor(p) for p in (loc, factor, diagonal))).rsample((5,)).shape) \
        == (5, 2, 3)


def test_exponential_family_entropy_and_bregman_kl():
    """The generic entropy and KL from the log-normalizer equal PyTorch's (the closed forms where the family's
    carrier measure is constant: Normal, Gamma, Exponential, Bernoulli), and PyTorch's Bregman KL for a family
    with no rule of its own (ContinuousBernoulli)."""
    for name, params, closed in (("Normal", [REAL, POS], True), ("Gamma", [POS, POS2], True),
                                 ("Beta", [POS, POS2], False), ("Exponential", [POS], True),
                                 ("Dirichlet", [POS], False), ("Poisson", [POS], False)):
        law = getattr(D, name)(*(M.tensor(p) for p in params))
        assert isinstance(law, D.ExponentialFamily)
        if not closed:  # no carrier measure given, in PyTorch either
            with pytest.raises(NotImplementedError):
                D.ExponentialFamily.entropy(law)
            with pytest.raises(NotImplementedError):
                TD.ExponentialFamily.entropy(getattr(TD, name)(*(torch.tensor(p) for p in params)))
            continue
        ours = D.ExponentialFamily.entropy(law).detach().numpy()
        theirs = TD.ExponentialFamily.entropy(getattr(TD, name)(*(torch.tensor(p) for p in params)))
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10)
        np.testing.assert_allclose(ours, law.entropy().numpy(), rtol=1e-10)
    bernoulli = D.Bernoulli(probs=M.tensor(UNIT))
    np.testing.assert_allclose(D.ExponentialFamily.entropy(bernoulli).detach().numpy(), bernoulli.entropy().numpy(),
                               rtol=1e-10)
    p, q = np.array([0.2, 0.45, 0.9]), np.array([0.6, 0.3, 0.5002])
    ours = D.kl_divergence(D.ContinuousBernoulli(M.tensor(p)), D.ContinuousBernoulli(M.tensor(q)))
    theirs = TD.kl_divergence(TD.ContinuousBernoulli(torch.tensor(p)), TD.ContinuousBernoulli(torch.tensor(q)))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9)
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))


@pytest.mark.parametrize("key", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_wishart_against_torch(key):
    a = rng.standard_normal((2, 3, 3))
    covariance = a @ a.transpose(0, 2, 1) + np.eye(3)
    matrix = {"covariance_matrix": covariance, "precision_matrix": np.linalg.inv(covariance),
              "scale_tril": np.linalg.cholesky(covariance)}[key]
    df = np.array([4.0, 6.5])
    value = TD.Wishart(torch.tensor(df), covariance_matrix=torch.tensor(covariance)).sample().numpy()
    results = []
    for library, dists in ((M, D), (torch, TD)):
        df_t, matrix_t = library.tensor(df, requires_grad=True), library.tensor(matrix, requires_grad=True)
        law = dists.Wishart(df_t, **{key: matrix_t})
        shown = repr(law)
        outputs = [law.log_prob(library.tensor(value)), law.entropy(), law.mean, law.variance, law.mode]
        sum(o.nan_to_num(0.0).sum() for o in outputs).backward()
        results.append([o.detach().numpy() for o in outputs] + [df_t.grad.numpy(), matrix_t.grad.numpy(), shown])
    for got, expected in zip(*results):
        if isinstance(got, np.ndarray):  # (PyTorch takes a precision matrix's Cholesky factor another way)
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10)
        else:
            assert got == expected
    law = D.Wishart(M.tensor(df), covariance_matrix=M.tensor(covariance))
    draws = law.rsample((4000,)).numpy()
    assert draws.shape == (4000, 2, 3, 3)
    np.testing.assert_allclose(draws.mean(0), law.mean.numpy(), rtol=0.1, atol=0.15)
    with pytest.raises(ValueError) as ours:
        D.Wishart(M.tensor(1.5), covariance_matrix=M.tensor(covariance[0]))
    with pytest.raises(ValueError) as theirs:
        TD.Wishart(torch.tensor(1.5), covariance_matrix=torch.tensor(covariance[0]))
    assert str(ours.value) == str(theirs.value)


def test_every_torch_distributions_name_and_module_path():
    """Every public name of torch.distributions exists here, and its one-module-per-law paths import."""
    import importlib
    missing = sorted(n for n in dir(TD) if not n.startswith("_") and not hasattr(D, n))
    assert missing == []
    from minigrad.distributions.categorical import Categorical
    from minigrad.distributions.normal import Normal
    assert Categorical is D.Categorical and Normal is D.Normal
    for name in ("studentT", "relaxed_categorical", "lowrank_multivariate_normal", "von_mises"):
        module = importlib.import_module(f"minigrad.distributions.{name}")
        for member in module.__all__:
            assert getattr(module, member) is getattr(D, member)
            assert hasattr(importlib.import_module(f"torch.distributions.{name}"), member)


@pytest.mark.parametrize("name,params,value,kwargs,probability", CASES, ids=[c[0] for c in CASES])
def test_expanded_law_matches_torchs_expanded_law(name, params, value, kwargs, probability):
    """law.expand((3,) + batch): draws, moments and log_prob of PyTorch's expanded law's shapes, the same
    log-probabilities."""
    law = getattr(D, name)(*_tensors(M, params), **_tensors(M, kwargs))
    law = law.expand((3,) + tuple(law.batch_shape))
    reference = getattr(TD, name)(*_tensors(torch, params), **_tensors(torch, kwargs))
    reference = reference.expand((3,) + tuple(reference.batch_shape))
    assert tuple(law.batch_shape) == tuple(reference.batch_shape)
    assert tuple(law.sample((2,)).shape) == tuple(reference.sample((2,)).shape)
    for moment in ("mean", "variance"):
        try:
            expected = getattr(reference, moment)
        except NotImplementedError:
            continue
        assert tuple(getattr(law, moment).shape) == tuple(expected.shape), moment
    np.testing.assert_allclose(law.log_prob(M.tensor(value)).detach().numpy(),
                               reference.log_prob(torch.tensor(value)).detach().numpy(), rtol=1e-9, atol=1e-12)


def test_matrix_laws_expand():
    a = rng.standard_normal((3, 3))
    covariance = a @ a.T + np.eye(3)
    for library, dists in ((M, D), (torch, TD)):
        wishart = dists.Wishart(library.tensor([4.0, 5.0]), covariance_matrix=library.tensor(covariance))
        wishart = wishart.expand((2, 2))
        lkj = dists.LKJCholesky(3, library.tensor([1.0, 2.0])).expand((4, 2))
        continuous = dists.ContinuousBernoulli(probs=library.tensor([0.2, 0.7])).expand((3, 2))
        shapes = [tuple(wishart.rsample((3,)).shape), tuple(wishart.mean.shape),
                  tuple(wishart.log_prob(library.tensor(covariance)).shape), tuple(lkj.sample().shape),
                  tuple(lkj.log_prob(library.eye(3, dtype=library.float32)).shape), tuple(continuous.param_shape)]
        if library is M:
            ours = shapes
        else:
            assert ours == shapes

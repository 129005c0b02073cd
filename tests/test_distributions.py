"""minigrad.distributions against torch.distributions: log_prob, entropy, cdf, moments and KL divergences
(values and gradients with respect to the parameters); samples' shapes, dtypes and laws (their draws are
minigrad's own, so the test checks frequencies and moments, not values)."""
import numpy as np
import pytest
import torch
import torch.distributions as TD

import minigrad as M
import minigrad.distributions as D
from helpers import compare

rng = np.random.default_rng(0)
LOGITS = rng.standard_normal((3, 4)).astype(np.float32)
PROBS = np.array([[0.2, 0.3, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25], [1.0, 2.0, 3.0, 4.0]], np.float32)
VALUES = np.array([2, 0, 3], np.int64)


def _same(ours_fn, theirs_fn, inputs):
    compare(ours_fn, inputs=inputs, torch_fn=theirs_fn)


@pytest.mark.parametrize("by", ["logits", "probs"])
def test_categorical(by):
    params = LOGITS if by == "logits" else PROBS
    _same(lambda p, v: D.Categorical(**{by: p}).log_prob(v), lambda p, v: TD.Categorical(**{by: p}).log_prob(v),
          [params, VALUES])
    _same(lambda p: D.Categorical(**{by: p}).entropy(), lambda p: TD.Categorical(**{by: p}).entropy(), [params])
    _same(lambda p: D.Categorical(**{by: p}).probs, lambda p: TD.Categorical(**{by: p}).probs, [params])
    _same(lambda p: D.Categorical(**{by: p}).logits, lambda p: TD.Categorical(**{by: p}).logits, [params])
    broadcast = np.array([[0], [3]], np.int64)  # (2, 1) against the batch (3,)
    _same(lambda p, v: D.Categorical(**{by: p}).log_prob(v), lambda p, v: TD.Categorical(**{by: p}).log_prob(v),
          [params, broadcast])
    ours = D.Categorical(**{by: M.tensor(params)})
    assert repr(ours) == repr(TD.Categorical(**{by: torch.tensor(params)}))
    assert ours.mode.tolist() == TD.Categorical(**{by: torch.tensor(params)}).mode.tolist()


def test_categorical_samples_follow_the_probabilities():
    M.manual_seed(0)
    law = D.Categorical(probs=M.tensor(PROBS[0]))
    draws = law.sample((20000,))
    assert draws.dtype == M.int64 and tuple(draws.shape) == (20000,)
    frequencies = np.bincount(draws.numpy(), minlength=4) / 20000
    np.testing.assert_allclose(frequencies, PROBS[0], atol=0.015)
    assert tuple(D.Categorical(logits=M.tensor(LOGITS)).sample((5, 2)).shape) == (5, 2, 3)
    with pytest.raises(ValueError):
        D.Categorical()
    with pytest.raises(ValueError):
        D.Categorical(logits=M.tensor(LOGITS)).log_prob(M.tensor([0, 4, 1]))
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)


@pytest.mark.parametrize("by", ["logits", "probs"])
def test_bernoulli(by):
    params = rng.standard_normal((2, 3)).astype(np.float32) if by == "logits" else \
        np.array([[0.0, 0.3, 1.0], [0.5, 0.9, 0.1]], np.float32)
    values = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], np.float32)
    _same(lambda p, v: D.Bernoulli(**{by: p}).log_prob(v), lambda p, v: TD.Bernoulli(**{by: p}).log_prob(v),
          [params, values])
    _same(lambda p: D.Bernoulli(**{by: p}).entropy(), lambda p: TD.Bernoulli(**{by: p}).entropy(), [params])
    M.manual_seed(1)
    draws = D.Bernoulli(probs=M.full((20000,), 0.3)).sample()
    assert draws.dtype == M.float32 and abs(draws.mean().item() - 0.3) < 0.015


def test_one_hot_categorical():
    _same(lambda p, v: D.OneHotCategorical(logits=p).log_prob(v), lambda p, v: TD.OneHotCategorical(logits=p)
          .log_prob(v), [LOGITS, np.eye(4, dtype=np.float32)[VALUES]])
    draws = D.OneHotCategorical(probs=M.tensor(PROBS)).sample((7,))
    assert tuple(draws.shape) == (7, 3, 4) and draws.sum(-1).eq(1).all()


def test_normal():
    loc, scale = rng.standard_normal(3).astype(np.float32), rng.uniform(0.5, 2, 3).astype(np.float32)
    value = rng.standard_normal((2, 3)).astype(np.float32)
    for name in ("log_prob", "cdf"):
        _same(lambda m, s, v: getattr(D.Normal(m, s), name)(v), lambda m, s, v: getattr(TD.Normal(m, s), name)(v),
              [loc, scale, value])
    for name in ("entropy",):
        _same(lambda m, s: getattr(D.Normal(m, s), name)(), lambda m, s: getattr(TD.Normal(m, s), name)(), [loc, scale])
    for name in ("mean", "stddev", "variance", "mode"):
        _same(lambda m, s: getattr(D.Normal(m, s), name), lambda m, s: getattr(TD.Normal(m, s), name), [loc, scale])
    _same(lambda m, v: D.Normal(m, 2.0).log_prob(v), lambda m, v: TD.Normal(m, 2.0).log_prob(v), [loc, value])


def test_normal_rsample_is_differentiable_and_follows_the_law():
    M.manual_seed(2)
    loc, scale = M.tensor([1.0, -2.0], requires_grad=True), M.tensor([0.5, 3.0], requires_grad=True)
    draws = D.Normal(loc, scale).rsample((20000,))
    assert tuple(draws.shape) == (20000, 2)
    np.testing.assert_allclose(draws.detach().numpy().mean(0), [1.0, -2.0], atol=0.06)
    np.testing.assert_allclose(draws.detach().numpy().std(0), [0.5, 3.0], rtol=0.03)
    draws.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [20000, 20000])
    noise = (draws.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(scale.grad.numpy(), noise.sum(0).numpy(), rtol=1e-3)
    assert not D.Normal(loc, scale).sample().requires_grad


def test_uniform():
    low, high = np.array([0.0, -1.0], np.float32), np.array([1.0, 3.0], np.float32)
    inside = np.array([[0.5, 2.5], [0.0, 0.0]], np.float32)
    _same(lambda a, b, v: D.Uniform(a, b).log_prob(v), lambda a, b, v: TD.Uniform(a, b).log_prob(v),
          [low, high, inside])
    value = np.array([[0.5, 3.5], [-0.1, 0.0]], np.float32)
    with pytest.raises(ValueError):
        D.Uniform(M.tensor(low), M.tensor(high)).log_prob(M.tensor(value))
    _same(lambda a, b, v: D.Uniform(a, b, validate_args=False).log_prob(v),
          lambda a, b, v: TD.Uniform(a, b, validate_args=False).log_prob(v), [low, high, value])
    _same(lambda a, b, v: D.Uniform(a, b).cdf(v), lambda a, b, v: TD.Uniform(a, b).cdf(v), [low, high, inside])
    _same(lambda a, b: D.Uniform(a, b).entropy(), lambda a, b: TD.Uniform(a, b).entropy(), [low, high])
    draws = D.Uniform(M.tensor(low), M.tensor(high)).sample((10000,)).numpy()
    assert (draws >= low).all() and (draws < high).all()
    np.testing.assert_allclose(draws.mean(0), (low + high) / 2, atol=0.05)


def test_kl_divergences():
    a, b = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((2, 3)).astype(np.float32)
    _same(lambda p, q: D.kl_divergence(D.Categorical(logits=p), D.Categorical(logits=q)),
          lambda p, q: TD.kl_divergence(TD.Categorical(logits=p), TD.Categorical(logits=q)), [a, b])
    zeros = np.array([[0.5, 0.5, 0.0], [0.2, 0.0, 0.8]], np.float32)
    _same(lambda p, q: D.kl_divergence(D.Categorical(probs=p), D.Categorical(probs=q)),
          lambda p, q: TD.kl_divergence(TD.Categorical(probs=p), TD.Categorical(probs=q)), [zeros, zeros[::-1].copy()])
    _same(lambda p, q: D.kl_divergence(D.Bernoulli(logits=p), D.Bernoulli(logits=q)),
          lambda p, q: TD.kl_divergence(TD.Bernoulli(logits=p), TD.Bernoulli(logits=q)), [a, b])
    _same(lambda m1, s1, m2, s2: D.kl_divergence(D.Normal(m1, s1), D.Normal(m2, s2)),
          lambda m1, s1, m2, s2: TD.kl_divergence(TD.Normal(m1, s1), TD.Normal(m2, s2)),
          [a, np.abs(b) + 0.1, b, np.abs(a) + 0.2])
    _same(lambda a1, b1, a2, b2: D.kl_divergence(D.Uniform(a1, b1), D.Uniform(a2, b2)),
          lambda a1, b1, a2, b2: TD.kl_divergence(TD.Uniform(a1, b1), TD.Uniform(a2, b2)),
          [np.array([0.0, 0.0], np.float32), np.array([1.0, 1.0], np.float32), np.array([-1.0, 0.5], np.float32),
           np.array([2.0, 2.0], np.float32)])
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))


def test_policy_gradient_step_as_reinforce_writes_it():
    """PyTorch's REINFORCE example: sample an action, keep its log-probability, ascend return * log_prob."""
    policy = M.nn.Linear(4, 2)
    tpolicy = torch.nn.Linear(4, 2)
    policy.load_state_dict({k: v.detach().numpy() for k, v in tpolicy.state_dict().items()})
    state = rng.standard_normal((5, 4)).astype(np.float32)
    probs = M.nn.functional.softmax(policy(M.tensor(state)), dim=1)
    tprobs = torch.softmax(tpolicy(torch.tensor(state)), dim=1)
    actions = D.Categorical(probs).sample()
    loss = -(D.Categorical(probs).log_prob(actions) * M.tensor(np.arange(5.0, dtype=np.float32))).sum()
    tloss = -(TD.Categorical(tprobs).log_prob(torch.tensor(actions.numpy())) * torch.arange(5.0)).sum()
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-5)
    np.testing.assert_allclose(policy.weight.grad.numpy(), tpolicy.weight.grad.numpy(), rtol=1e-4, atol=1e-6)


POSITIVE = rng.uniform(0.5, 3, (2, 3)).astype(np.float32)


@pytest.mark.parametrize("name,params,value", [
    ("Exponential", [POSITIVE], POSITIVE * 0.7), ("Laplace", [LOGITS[:2, :3], POSITIVE], LOGITS[1:, :3] * 1.5),
    ("LogNormal", [LOGITS[:2, :3], POSITIVE], POSITIVE * 1.3), ("Poisson", [POSITIVE], np.round(POSITIVE * 2)),
    ("Gamma", [POSITIVE, POSITIVE[::-1].copy()], POSITIVE * 0.8),
    ("Beta", [POSITIVE, POSITIVE[::-1].copy()], POSITIVE / 4)])
def test_more_families(name, params, value):
    ours, theirs = getattr(D, name), getattr(TD, name)
    n = len(params)
    values = value if name != "Poisson" else value.astype(np.float32)
    compare(lambda *a: ours(*a[:n]).log_prob(a[n]), inputs=params + [values],
            requires_grad=[True] * n + [name != "Poisson"], torch_fn=lambda *a: theirs(*a[:n]).log_prob(a[n]))
    if name != "Poisson":
        _same(lambda *a: ours(*a).entropy(), lambda *a: theirs(*a).entropy(), params)
    for moment in ("mean", "variance"):
        _same(lambda *a: getattr(ours(*a), moment), lambda *a: getattr(theirs(*a), moment), params)
    law = ours(*(M.tensor(p) for p in params))
    assert tuple(law.sample((4,)).shape) == (4, 2, 3)


def test_samples_follow_their_laws():
    M.manual_seed(3)
    checks = [(D.Exponential(M.tensor(2.0)), 0.5, 0.25), (D.Laplace(M.tensor(1.0), M.tensor(0.5)), 1.0, 0.5),
              (D.Poisson(M.tensor(4.0)), 4.0, 4.0), (D.Gamma(M.tensor(3.0), M.tensor(2.0)), 1.5, 0.75),
              (D.Beta(M.tensor(2.0), M.tensor(5.0)), 2 / 7, 10 / (49 * 8)),
              (D.LogNormal(M.tensor(0.0), M.tensor(0.5)), np.exp(0.125), (np.exp(0.25) - 1) * np.exp(0.25))]
    for law, mean, variance in checks:
        draws = law.sample((40000,)).numpy()
        assert abs(draws.mean() - mean) < 0.03 * max(1, mean), type(law).__name__
        assert abs(draws.var() - variance) < 0.06 * max(1, variance), type(law).__name__
    rates = M.tensor([0.5, 2.0], requires_grad=True)
    D.Exponential(rates).rsample((1000,)).sum().backward()
    assert rates.grad is not None and (rates.grad.numpy() < 0).all()  # a larger rate, smaller draws


def test_dirichlet_multivariate_normal_and_independent():
    concentration = rng.uniform(0.5, 3, (2, 4)).astype(np.float32)
    simplex = rng.dirichlet(np.ones(4), 2).astype(np.float32)
    _same(lambda c, v: D.Dirichlet(c).log_prob(v), lambda c, v: TD.Dirichlet(c).log_prob(v), [concentration, simplex])
    _same(lambda c: D.Dirichlet(c).entropy(), lambda c: TD.Dirichlet(c).entropy(), [concentration])
    draws = D.Dirichlet(M.tensor(concentration)).sample((3,))
    np.testing.assert_allclose(draws.sum(-1).numpy(), 1, rtol=1e-5)
    a = rng.standard_normal((3, 3))
    cov = (a @ a.T + 3 * np.eye(3)).astype(np.float64)
    loc, value = rng.standard_normal(3), rng.standard_normal((5, 3))
    for kind in ("covariance_matrix", "precision_matrix", "scale_tril"):
        matrix = {"covariance_matrix": cov, "precision_matrix": np.linalg.inv(cov),
                  "scale_tril": np.linalg.cholesky(cov)}[kind]
        _same(lambda m, c, v: D.MultivariateNormal(m, **{kind: c}).log_prob(v),
              lambda m, c, v: TD.MultivariateNormal(m, **{kind: c}).log_prob(v), [loc, matrix, value])
    _same(lambda m, c: D.MultivariateNormal(m, c).entropy(), lambda m, c: TD.MultivariateNormal(m, c).entropy(),
          [loc, cov])
    M.manual_seed(4)
    draws = D.MultivariateNormal(M.tensor(loc), M.tensor(cov)).sample((40000,)).numpy()
    np.testing.assert_allclose(np.cov(draws.T), cov, atol=0.15)
    _same(lambda m, s, v: D.Independent(D.Normal(m, s), 1).log_prob(v),
          lambda m, s, v: TD.Independent(TD.Normal(m, s), 1).log_prob(v), [LOGITS[:2], POSITIVE[:, :1] + LOGITS[:2] ** 2,
                                                                          LOGITS[1:]])
    law = D.Independent(D.Normal(M.zeros(2, 3), M.ones(2, 3)), 1)
    assert tuple(law.batch_shape) == (2,) and tuple(law.event_shape) == (3,)

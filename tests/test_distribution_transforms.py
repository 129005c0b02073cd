"""minigrad.distributions' transforms, constraints and their registries (biject_to, transform_to) against
torch.distributions': each transform's values, inverse, log|det J| and gradients in float64, caching,
compositions, piecewise and matrix transforms, constraint checks and reprs, LKJCholesky with
CorrCholeskyTransform, and a SAC-style tanh-squashed Gaussian policy."""
import numpy as np
import pytest
import torch
import torch.distributions as TD

import minigrad as M
import minigrad.distributions as D

rng = np.random.default_rng(17)
POS = rng.uniform(0.6, 3.0, (2, 3))
POS2 = rng.uniform(0.6, 3.0, (2, 3))
REAL = rng.standard_normal((2, 3))


TRANSFORMS = [
    ("ExpTransform", [], REAL), ("SigmoidTransform", [], REAL), ("TanhTransform", [], REAL),
    ("SoftplusTransform", [], REAL), ("AbsTransform", [], REAL), ("PowerTransform", [POS2], POS),
    ("AffineTransform", [REAL, POS2], REAL), ("AffineTransform", [1.5, -2.0], REAL),
    ("StickBreakingTransform", [], REAL), ("SoftmaxTransform", [], REAL),
]


@pytest.mark.parametrize("name,params,x", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])


def test_transform_against_torch(name, params, x):
    results = []
    for library, dists in ((M, D), (torch, TD)):
        made = [library.tensor(p).requires_grad_() if isinstance(p, np.ndarray) else p for p in params]
        transform = getattr(dists.transforms, name)(*made)
        xt = library.tensor(x).requires_grad_()
        y = transform(xt)
        outputs = [y, transform.inv(y.detach())]
        if name not in ("AbsTransform", "SoftmaxTransform"):
            outputs.append(transform.log_abs_det_jacobian(xt, y))
        sum(o.sum() for o in outputs).backward()
        grads = [xt.grad.numpy()] + [p.grad.numpy() for p in made if hasattr(p, "grad")]
        results.append([o.detach().numpy() for o in outputs] + grads +
                       [repr(transform), repr(transform.domain), repr(transform.codomain), transform.bijective,
                        transform.forward_shape((2, 3)), transform.inverse_shape((2, 3))])
    for got, expected in zip(*results):
        if isinstance(got, np.ndarray):
            np.testing.assert_allclose(got, expected, rtol=1e-6 if name == "SigmoidTransform" else 1e-9, atol=1e-12)
        else:
            assert tuple(got) == tuple(expected) if isinstance(got, tuple) else got == expected


def test_composed_transforms_caching_and_the_registries():
    x, free_values = rng.standard_normal((4, 3)), rng.standard_normal(3)
    for library, dists in ((M, D), (torch, TD)):
        T = dists.transforms
        chain = T.ComposeTransform([T.AffineTransform(library.tensor(0.5), library.tensor(2.0)), T.TanhTransform()])
        xt = library.tensor(x)
        out = [chain(xt), chain.inv(chain(xt)), chain.log_abs_det_jacobian(xt, chain(xt))]
        independent = T.IndependentTransform(T.ExpTransform(), 1)
        out.append(independent.log_abs_det_jacobian(xt, independent(xt)))
        reshape = T.ReshapeTransform((3,), (3, 1))
        out.append(reshape(xt))
        cached = T.ExpTransform(cache_size=1)
        y = cached(xt)
        assert cached.inv(y) is xt  # the cached inverse is the very input, as PyTorch's
        registry = [repr(dists.biject_to(c)) for c in (dists.constraints.positive, dists.constraints.unit_interval,
                                                      dists.constraints.simplex, dists.constraints.real_vector,
                                                      dists.constraints.interval(-1.0, 2.0))]
        registry.append(repr(dists.transform_to(dists.constraints.simplex)))
        free = library.tensor(free_values)
        onto = [dists.biject_to(dists.constraints.simplex)(free), dists.transform_to(dists.constraints.positive)(free)]
        if library is M:
            ours = [o.numpy() for o in out + onto], registry, repr(chain)
        else:
            theirs = [o.numpy() for o in out + onto], registry, repr(chain)
    for got, expected in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert ours[1:] == theirs[1:]
    assert D.transforms.ExpTransform() == D.transforms.ExpTransform()
    assert D.transforms.ExpTransform().inv.inv == D.transforms.ExpTransform()


def test_tanh_squashed_gaussian_policy_as_sac_writes_it():
    """TransformedDistribution(Normal, [TanhTransform(cache_size=1), AffineTransform]): rsample, then log_prob
    of the action through the cached inverse; the policy's loss and gradients equal PyTorch's given the same
    noise."""
    mu, log_std = rng.standard_normal((5, 2)), rng.uniform(-1, 0.5, (5, 2))
    noise = rng.standard_normal((5, 2))
    results = []
    for library, dists in ((M, D), (torch, TD)):
        m, s = library.tensor(mu).requires_grad_(), library.tensor(log_std).requires_grad_()
        base = dists.Normal(m, s.exp())
        law = dists.TransformedDistribution(base, [dists.transforms.TanhTransform(cache_size=1),
                                                   dists.transforms.AffineTransform(0.0, 2.0)])
        action = law.transforms[1](law.transforms[0](m + s.exp() * library.tensor(noise)))
        log_prob = law.log_prob(action).sum(-1)
        loss = (0.2 * log_prob - action.sum(-1)).mean()
        loss.backward()
        results.append([loss.item(), m.grad.numpy(), s.grad.numpy(), tuple(law.batch_shape),
                        repr(law.support)])
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-9)
    for got, expected in zip(results[0][1:3], results[1][1:3]):
        np.testing.assert_allclose(got, expected, rtol=1e-8)
    assert results[0][3:] == results[1][3:]


def test_constraints_check_as_torch():
    values = [np.array([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan]), np.array([[0.2, 0.8], [0.5, 0.6]])]
    names = ["real", "positive", "nonnegative", "unit_interval", "boolean", "nonnegative_integer", "positive_integer"]
    for name in names:
        got = getattr(D.constraints, name).check(M.tensor(values[0])).numpy()
        expected = getattr(TD.constraints, name).check(torch.tensor(values[0])).numpy()
        assert got.tolist() == expected.tolist(), name
        assert repr(getattr(D.constraints, name)) == repr(getattr(TD.constraints, name))
    for made in (lambda c: c.interval(0.0, 1.0), lambda c: c.half_open_interval(0.0, 1.0),
                 lambda c: c.greater_than(0.5), lambda c: c.less_than(0.5), lambda c: c.integer_interval(0, 1),
                 lambda c: c.greater_than_eq(0.0)):
        assert made(D.constraints).check(M.tensor(values[0])).numpy().tolist() == \
            made(TD.constraints).check(torch.tensor(values[0])).numpy().tolist()
        assert repr(made(D.constraints)) == repr(made(TD.constraints))
    for name in ("simplex", "real_vector"):
        got = getattr(D.constraints, name).check(M.tensor(values[1])).numpy()
        assert got.tolist() == getattr(TD.constraints, name).check(torch.tensor(values[1])).numpy().tolist()
    a = rng.standard_normal((3, 3))
    for matrix in (a @ a.T + np.eye(3), np.tril(a), np.tril(np.abs(a)) + np.eye(3), a):
        for name in ("lower_cholesky", "lower_triangular", "positive_definite", "symmetric", "square"):
            got = bool(getattr(D.constraints, name).check(M.tensor(matrix)))
            assert got == bool(getattr(TD.constraints, name).check(torch.tensor(matrix))), name
    assert D.constraints.is_dependent(D.constraints.dependent)
    assert D.Normal.arg_constraints.keys() == TD.Normal.arg_constraints.keys()


def test_piecewise_and_matrix_transforms_against_torch():
    x = rng.standard_normal((2, 3, 3))
    results = []
    for library, dists in ((M, D), (torch, TD)):
        T = dists.transforms
        cat_t = T.CatTransform([T.ExpTransform(), T.identity_transform, T.SigmoidTransform()], dim=-1,
                               lengths=[1, 1, 1])
        stack_t = T.StackTransform([T.ExpTransform(), T.TanhTransform(), T.AffineTransform(1.0, 2.0)], dim=1)
        cdf_t = T.CumulativeDistributionTransform(dists.Normal(0.0, 1.0))
        xt = library.tensor(x)
        outputs = []
        for t in (cat_t, stack_t, cdf_t):
            y = t(xt)
            outputs += [y, t.inv(y), t.log_abs_det_jacobian(xt, y)]
        for t in (T.LowerCholeskyTransform(), T.PositiveDefiniteTransform(),
                  dists.transform_to(dists.constraints.lower_cholesky)):
            outputs += [t(xt), t.inv(t(xt))]
        results.append([o.numpy() for o in outputs] + [repr(cat_t.domain.__class__.__name__), cat_t.bijective])
    for got, expected in zip(*results):
        if isinstance(got, np.ndarray):
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
        else:
            assert got == expected


def test_lkj_cholesky_and_corr_cholesky_transform_against_torch():
    value = TD.LKJCholesky(4, torch.tensor(1.5, dtype=torch.float64)).sample((3,)).numpy()
    x = rng.standard_normal((2, 6))
    results = []
    for library, dists in ((M, D), (torch, TD)):
        concentration = library.tensor(np.array([0.5, 2.0, 4.0]), requires_grad=True)
        law = dists.LKJCholesky(4, concentration)
        log_prob = law.log_prob(library.tensor(value))
        transform = dists.transforms.CorrCholeskyTransform()
        xt = library.tensor(x, requires_grad=True)
        y = transform(xt)
        (log_prob.sum() + y.sum() + transform.log_abs_det_jacobian(xt, y).sum()).backward()
        results.append([log_prob.detach().numpy(), concentration.grad.numpy(), y.detach().numpy(),
                        transform.inv(y.detach()).numpy(), xt.grad.numpy(),
                        dists.utils.vec_to_tril_matrix(library.tensor(x)).numpy(),
                        dists.utils.tril_matrix_to_vec(library.tensor(value), -1).numpy(), repr(law),
                        tuple(law.batch_shape), tuple(law.event_shape), transform.forward_shape((2, 6))])
    for got, expected in zip(*results):
        if isinstance(got, np.ndarray):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)
        else:
            assert tuple(got) == tuple(expected) if isinstance(got, tuple) else got == expected
    draws = D.LKJCholesky(4, M.tensor(2.0)).sample((50,))
    assert tuple(draws.shape) == (50, 4, 4) and bool(D.constraints.corr_cholesky.check(draws).all())
    assert repr(D.biject_to(D.constraints.corr_cholesky)) == repr(TD.biject_to(TD.constraints.corr_cholesky))

"""Higher-order gradients (``create_graph=True``) against PyTorch's, in float64: each case's first gradient
taken with create_graph, a random linear function of it differentiated again, and every second derivative
compared; a gradient penalty (WGAN-GP), a meta-learning step (MAML), a physics-informed loss with second derivatives, a Hessian-vector
product, a third derivative, the ops not covered (an error, not a missing term), and central differences."""
import numpy as np
import pytest
import torch

import minigrad as M


def second_order(fn, shapes, seed=0, rtol=1e-9, atol=1e-10):
    """fn(lib, *inputs) on both libraries: the first gradients (create_graph) and the gradients of
    sum(first_gradient_i * w_i) with respect to every input must agree."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for lib in (M, torch):
        inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *inputs)
        upstream = lib.tensor(np.random.default_rng(seed + 1).standard_normal(tuple(out.shape)))
        firsts = lib.autograd.grad(out, inputs, grad_outputs=upstream, create_graph=True)
        weights = [lib.tensor(np.random.default_rng(seed + 2 + i).standard_normal(tuple(g.shape)))
                   for i, g in enumerate(firsts)]
        total = sum((g * w).sum() for g, w in zip(firsts, weights))
        seconds = lib.autograd.grad(total, inputs, allow_unused=True, materialize_grads=True)
        results.append([g.detach().numpy() for g in firsts + seconds])
    for i, (ours, theirs) in enumerate(zip(*results)):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=f"gradient {i}")


def _conv_net(lib, x, w1, w2):
    F = lib.nn.functional
    hidden = F.leaky_relu(F.conv2d(x, w1, stride=2, padding=1), 0.2)
    return F.conv_transpose2d(hidden, w2, stride=2, padding=1, output_padding=1).tanh()


CASES = [  # (name, fn(lib, *inputs), shapes)
    ("mul add", lambda L, a, b: a * b + a * a, [(3, 4), (3, 4)]),
    ("broadcast sub div", lambda L, a, b: (a - b) / (b * b + 1), [(3, 4), (4,)]),
    ("pow", lambda L, a, b: a.abs() ** b, [(5,), (5,)]),
    ("exp log sqrt", lambda L, a: (a.exp() + 1).log() * (a * a + 1).sqrt() + a.log1p() * 0, [(6,)]),
    ("sin cos expm1", lambda L, a: a.sin() * a.cos() + a.expm1(), [(6,)]),
    ("maximum minimum clamp", lambda L, a, b: L.maximum(a, b) * L.minimum(a, b) + a.clamp(-0.5, 0.5) * b,
     [(7,), (7,)]),
    ("tanh sigmoid", lambda L, a: L.tanh(a) * L.sigmoid(a), [(3, 4)]),
    ("relu leaky_relu", lambda L, a: L.relu(a) * a + L.nn.functional.leaky_relu(a, 0.1) ** 2, [(3, 4)]),
    ("gelu silu softplus", lambda L, a: L.nn.functional.gelu(a) * L.nn.functional.silu(a)
     + L.nn.functional.softplus(a) ** 2, [(8,)]),
    ("softmax log_softmax", lambda L, a: a.softmax(1) * a.log_softmax(1), [(3, 5)]),
    ("sum mean keepdim", lambda L, a: (a * a).sum(1, keepdim=True) * a.mean(0), [(3, 4)]),
    ("reshape view permute expand", lambda L, a: (a.view(4, 3).t() * a).reshape(-1).expand(2, 12).permute(1, 0)
     ** 2, [(3, 4)]),
    ("indexing cat stack", lambda L, a, b: L.cat([a[:, :2] ** 2, b[1:]], 0) * L.stack([a[0, :2], b[0]], 0).sum(0),
     [(3, 4), (2, 2)]),
    ("matmul batched", lambda L, a, b: (a @ b).tanh() @ b.transpose(-1, -2), [(2, 3, 4), (4, 5)]),
    ("linear mse", lambda L, x, w, b: L.nn.functional.mse_loss(L.nn.functional.linear(x, w, b).tanh(),
                                                               x[:, :2]), [(4, 3), (2, 3), (2,)]),
    ("conv2d conv_transpose2d", _conv_net, [(2, 2, 6, 6), (3, 2, 3, 3), (3, 2, 3, 3)]),
    ("conv2d bias groups", lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, padding=1, groups=2) ** 2,
     [(1, 4, 5, 5), (6, 2, 3, 3), (6,)]),
    ("max_pool2d", lambda L, x: L.nn.functional.max_pool2d(x * x, 3, 2, 1) ** 2, [(2, 2, 5, 5)]),
    ("batch_norm training", lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, True) ** 3,
     [(4, 3, 2, 2), (3,), (3,)]),
    ("batch_norm eval", lambda L, x, w: L.nn.functional.batch_norm(
        x, L.full((3,), 0.2, dtype=x.dtype), L.full((3,), 1.5, dtype=x.dtype), w, None, False).tanh(),
     [(4, 3, 2), (3,)]),
    ("where masked_fill", lambda L, x, y: L.where(x > 0, x * y, y * y).masked_fill(y > 1, 0.5) ** 2,
     [(3, 4), (3, 4)]),
    ("var std rsqrt reciprocal", lambda L, x: x.var(1) * x.std(0).sum() + (x * x + 1).rsqrt().sum(1)
     + (x * x + 2).reciprocal().sum(1), [(3, 4)]),
    ("norms normalize cosine_similarity", lambda L, x, y: (x.norm(dim=1) * x.norm(3, dim=0).sum()).sum()
     + L.nn.functional.normalize(x, dim=1).sum(0) * L.nn.functional.cosine_similarity(x, y, dim=0),
     [(3, 4), (3, 4)]),
    ("binary_cross_entropy", lambda L, x, t: L.nn.functional.binary_cross_entropy(x.sigmoid(), t.sigmoid()),
     [(3, 4), (3, 4)]),
    ("hardtanh elu layer_norm group_norm", lambda L, x: L.nn.functional.hardtanh(x * 2) * L.nn.functional.elu(x)
     + L.nn.functional.layer_norm(x, (4,)) ** 2 + L.nn.functional.group_norm(x.reshape(1, 3, 4), 3).reshape(3, 4),
     [(3, 4)]),
    ("max(dim) sort gather", lambda L, x: x.max(1)[0] * x.sort(0)[0].sum(0)[:2].sum()
     + x.gather(1, L.tensor([[0, 2], [1, 1], [3, 0]])).sum(1), [(3, 4)]),
    ("pad constant and cropping", lambda L, x: L.nn.functional.pad(x * x, (1, 2, 0, 1), value=0.5) ** 2
     + L.nn.functional.pad(x.tanh(), (-1, 1, 1, -1)).sum(), [(2, 3)]),
    ("pad reflect circular", lambda L, x: L.nn.functional.pad(x * x, (1, 1, 1, 1), mode="reflect")
     * L.nn.functional.pad(x.sin(), (1, 1, 1, 1), mode="circular"), [(1, 2, 3, 3)]),
    ("cumsum", lambda L, x: (x * x).cumsum(1) * x.cumsum(0), [(3, 4)]),
    ("unfold", lambda L, x: L.nn.functional.unfold(x * x, 2, padding=1), [(1, 2, 3, 3)]),
    ("amax", lambda L, x: x.amax(1) * x.amin((0, 1)) ** 2, [(3, 4)]),
    ("avg_pool2d", lambda L, x: L.nn.functional.avg_pool2d(x * x, 3, 2, 1) ** 2, [(2, 2, 5, 5)]),
    ("avg_pool2d ceil no pad count", lambda L, x: L.nn.functional.avg_pool2d(
        x.tanh(), 2, 2, 1, ceil_mode=True, count_include_pad=False) ** 2, [(1, 2, 5, 4)]),
    ("adaptive_avg_pool2d", lambda L, x: L.nn.functional.adaptive_avg_pool2d(x * x, 1).tanh(), [(2, 3, 4, 4)]),
    ("cross_entropy", lambda L, x: L.nn.functional.cross_entropy(x * x, L.tensor([0, 2, 1, 2])), [(4, 3)]),
    ("cross_entropy weights smoothing ignore", lambda L, x: L.nn.functional.cross_entropy(
        x.tanh() * 3, L.tensor([[0, 2], [-100, 1]]), weight=L.tensor([0.5, 1.0, 2.0], dtype=x.dtype),
        ignore_index=-100, label_smoothing=0.2), [(2, 3, 2)]),
    ("cross_entropy none", lambda L, x: L.nn.functional.cross_entropy(x.sin(), L.tensor([1, 0]), reduction="none"),
     [(2, 3)]),
    ("bce with logits, target too", lambda L, x, t: L.nn.functional.binary_cross_entropy_with_logits(
        x * x, t.sigmoid()), [(3, 4), (3, 4)]),
    ("bce with logits pos_weight sum", lambda L, x, t: L.nn.functional.binary_cross_entropy_with_logits(
        x.tanh() * 3, t.sigmoid(), pos_weight=L.tensor([0.5, 2.0, 1.0, 3.0], dtype=x.dtype), reduction="sum"),
     [(3, 4), (3, 4)]),
    ("clamp by tensors", lambda L, x, low, high: L.clamp(x * 2, min=low - 1, max=high + 1) ** 2,
     [(3, 4), (4,), (3, 1)]),
    ("logit eps", lambda L, x: L.logit(x.sigmoid(), eps=0.2) ** 3, [(3, 4)]),
    ("sinc and sign", lambda L, x: L.sinc(x) * L.sign(x) * x * x, [(3, 4)]),
]


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_equal_torch(name, fn, shapes):
    second_order(fn, shapes)


def test_gradient_penalty_of_a_critic():
    """WGAN-GP's step: the critic's gradient at interpolated samples, its norm's distance to 1 penalized."""
    rng = np.random.default_rng(0)
    real, fake, alpha = rng.standard_normal((3, 2, 8, 8)), rng.standard_normal((3, 2, 8, 8)), rng.random((3, 1, 1, 1))
    results, state = [], None
    for lib in (torch, M):
        nn = lib.nn
        critic = nn.Sequential(nn.Conv2d(2, 4, 3, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(4, 4, 3, 1, 1),
                               nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(64, 1)).double()
        if state is None:
            state = {k: v.detach().numpy() for k, v in critic.state_dict().items()}
        else:
            critic.load_state_dict(state)
        r, f, a = (lib.tensor(v) for v in (real, fake, alpha))
        interpolated = (a * r + (1 - a) * f).requires_grad_(True)
        scores = critic(interpolated)
        gradients = lib.autograd.grad(scores, interpolated, grad_outputs=lib.ones_like(scores), create_graph=True,
                                      retain_graph=True, only_inputs=True)[0].view(3, -1)
        penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean() * 10
        loss = critic(f).mean() - critic(r).mean() + penalty
        loss.backward()
        results.append([loss.item()] + [p.grad.numpy() for p in critic.parameters()])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_maml_step_through_an_inner_update():
    """Model-agnostic meta-learning: one inner SGD step taken with create_graph, the outer loss differentiated
    through it (conv, batch norm in training mode, ReLU, max pooling, linear, cross-entropy)."""
    rng = np.random.default_rng(4)
    shapes = [(4, 1, 3, 3), (4,), (4,), (4,), (3, 16), (3,)]
    weights = [rng.standard_normal(s) * 0.5 for s in shapes]
    x_in, x_out = rng.standard_normal((5, 1, 4, 4)), rng.standard_normal((5, 1, 4, 4))
    y_in, y_out = np.array([0, 1, 2, 1, 0]), np.array([2, 2, 0, 1, 1])
    results = []
    for lib in (M, torch):
        F = lib.nn.functional
        params = [lib.tensor(w, requires_grad=True) for w in weights]

        def net(p, x):
            h = F.conv2d(x, p[0], p[1], padding=1)
            h = F.max_pool2d(F.relu(F.batch_norm(h, None, None, p[2], p[3], True)), 2)
            return F.linear(h.flatten(1), p[4], p[5])

        inner = F.cross_entropy(net(params, lib.tensor(x_in)), lib.tensor(y_in))
        grads = lib.autograd.grad(inner, params, create_graph=True)
        adapted = [p - 0.4 * g for p, g in zip(params, grads)]
        outer = F.cross_entropy(net(adapted, lib.tensor(x_out)), lib.tensor(y_out))
        outer.backward()
        results.append([outer.item()] + [p.grad.numpy() for p in params])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_physics_informed_loss_with_second_derivatives():
    """u(x, t) by a tanh network; the heat equation's residual u_t - u_xx from autograd.grad twice."""
    rng = np.random.default_rng(1)
    points, w1, w2 = rng.standard_normal((6, 2)), rng.standard_normal((2, 8)), rng.standard_normal((8, 1))
    results = []
    for lib in (M, torch):
        xt = lib.tensor(points, requires_grad=True)
        W1, W2 = lib.tensor(w1, requires_grad=True), lib.tensor(w2, requires_grad=True)
        u = lib.tanh(xt @ W1) @ W2
        du = lib.autograd.grad(u, xt, lib.ones_like(u), create_graph=True)[0]
        u_x, u_t = du[:, 0:1], du[:, 1:2]
        u_xx = lib.autograd.grad(u_x, xt, lib.ones_like(u_x), create_graph=True)[0][:, 0:1]
        loss = ((u_t - u_xx) ** 2).mean()
        loss.backward()
        results.append([loss.item(), W1.grad.numpy(), W2.grad.numpy(), xt.grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_hessian_vector_product_and_third_derivative():
    x = M.tensor([0.3, -1.2, 2.0], dtype=M.float64, requires_grad=True)
    v = M.tensor([1.0, 0.5, -2.0], dtype=M.float64)
    (g,) = M.autograd.grad((x ** 4).sum(), x, create_graph=True)
    (hv,) = M.autograd.grad(g, x, grad_outputs=v, create_graph=True)
    np.testing.assert_allclose(hv.detach().numpy(), 12 * x.detach().numpy() ** 2 * v.numpy(), rtol=1e-12)
    hv.sum().backward()  # d/dx sum(12 x^2 v) = 24 x v
    np.testing.assert_allclose(x.grad.numpy(), 24 * x.detach().numpy() * v.numpy(), rtol=1e-12)


def test_backward_with_create_graph_keeps_grad_in_the_graph():
    for lib in (M, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        grad = x.grad
        assert grad.requires_grad and grad.tolist() == [3.0, 12.0]
        x.grad = None
        grad.sum().backward()
        assert x.grad.tolist() == [6.0, 12.0]


def test_second_derivative_by_central_differences():
    """The gradient of the gradient norm of a small conv net, against central differences of its value."""
    rng = np.random.default_rng(2)
    x0, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))

    def penalty(weights, keep_graph):
        W = M.tensor(weights, requires_grad=True)
        x = M.tensor(x0, requires_grad=True)
        out = M.nn.functional.conv2d(x, W, padding=1).tanh().sum()
        (g,) = M.autograd.grad(out, x, create_graph=keep_graph)
        return (g * g).sum(), W

    value, W = penalty(w, True)
    value.backward()
    step, numeric = 1e-6, np.zeros_like(w)
    for index in np.ndindex(w.shape):
        shifted = [w.copy(), w.copy()]
        shifted[0][index] += step
        shifted[1][index] -= step
        numeric[index] = (penalty(shifted[0], False)[0].item() - penalty(shifted[1], False)[0].item()) / (2 * step)
    np.testing.assert_allclose(W.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


FUNCTIONAL = [  # torch.autograd.functional's higher-order tools: (name, call(lib, f, inputs, v))
    ("hessian", lambda L, f, x, v: L.autograd.functional.hessian(f, x)),
    ("hessian of two inputs", lambda L, f, x, v: L.autograd.functional.hessian(lambda a, b: f(a * b), (x, v))),
    ("jvp", lambda L, f, x, v: L.autograd.functional.jvp(lambda a: a.tanh() * a.sum(), x, v)),
    ("hvp", lambda L, f, x, v: L.autograd.functional.hvp(f, x, v)),
    ("vhp", lambda L, f, x, v: L.autograd.functional.vhp(f, x, v)),
    ("vjp create_graph", lambda L, f, x, v: L.autograd.functional.vjp(lambda a: a.sin() * a, x, v, create_graph=True)),
    ("func.grad of grad", lambda L, f, x, v: L.func.grad(lambda a: L.func.grad(f)(a).sum())(x)),
    ("func.hessian", lambda L, f, x, v: L.func.hessian(f)(x)),
    ("func.jacrev of grad", lambda L, f, x, v: L.func.jacrev(L.func.grad(f))(x)),
    ("func.vjp", lambda L, f, x, v: L.func.vjp(lambda a, b: (a.sin() * b).cumsum(0), x, v)[1](x * v)),
    ("func.jvp", lambda L, f, x, v: L.func.jvp(lambda a, b: (a.sin() * b).cumsum(0), (x, v), (v, x))),
    ("func.linearize", lambda L, f, x, v: L.func.linearize(lambda a: a.tanh() * a.sum(), x)[1](v)),
]


def _flatten(value):
    return [t for v in value for t in _flatten(v)] if isinstance(value, (tuple, list)) else [value]


@pytest.mark.parametrize("name, call", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_functional_higher_order_tools_equal_torch(name, call):
    rng = np.random.default_rng(3)
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    results = [_flatten(call(lib, lambda a: (a.sin() * a * a).sum() + (a.exp() * a.sum()).sum(),
                             lib.tensor(x), lib.tensor(v))) for lib in (M, torch)]
    assert len(results[0]) == len(results[1])
    for ours, theirs in zip(*results):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_func_grad_of_a_function_capturing_a_tensor_that_requires_grad():
    results = []
    for lib in (M, torch):
        scale = lib.tensor([2.0, 3.0], dtype=lib.float64, requires_grad=True)
        gradient = lib.func.grad(lambda y: (scale * y ** 2).sum())(lib.tensor([1.0, -1.5], dtype=lib.float64))
        assert gradient.requires_grad
        (gradient ** 2).sum().backward()
        results.append((gradient.tolist(), scale.grad.tolist()))
    assert results[0] == results[1]


def test_gradgradcheck():
    x = M.randn(3, dtype=M.float64, requires_grad=True)
    w = M.randn(3, 3, dtype=M.float64, requires_grad=True)
    assert M.autograd.gradgradcheck(lambda a, b: (a @ b).tanh() * a, (x, w))
    image = M.randn(1, 1, 3, 3, dtype=M.float64, requires_grad=True)
    assert M.autograd.gradgradcheck(lambda a: M.nn.functional.conv2d(a, a[:, :, :2, :2].contiguous()).sigmoid(),
                                    (image,))
    # a check that can fail: central differences with a step far too large for a cubic
    assert not M.autograd.gradgradcheck(lambda a: (a ** 3).sum() * a, (x,), eps=0.5, raise_exception=False)


def test_an_op_not_covered_raises_naming_it():
    x = M.randn(4, 3, 5, 5, requires_grad=True)
    out = M.nn.functional.interpolate(x, scale_factor=2).sum()
    with pytest.raises(NotImplementedError, match="Interpolate"):
        M.autograd.grad(out, x, create_graph=True)
    y = M.randn(3, requires_grad=True)
    (g,) = M.autograd.grad((y * 2).sum(), y, create_graph=True)  # a constant gradient: no graph, as PyTorch's
    assert not g.requires_grad and g.tolist() == [2.0, 2.0, 2.0]
    weight = M.randn(2, 3, 3, 3, requires_grad=True)
    with pytest.warns(UserWarning, match="cannot be differentiated further"):  # first order still works, said so
        first = M.func.grad(lambda v: M.nn.functional.interpolate(M.nn.functional.conv2d(v, weight), scale_factor=2)
                            .sum())(
            M.randn(1, 3, 6, 6))
    assert not first.requires_grad and tuple(first.shape) == (1, 3, 6, 6)

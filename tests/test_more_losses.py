"""The composite activations and the margin and likelihood losses of nn.functional against PyTorch, with their
modules: values and every gradient, each reduction."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad as M
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)
SIGNS = np.where(rng.random((4, 5)) < 0.5, -1.0, 1.0).astype(np.float32)


@pytest.mark.parametrize("name,kwargs", [("threshold", dict(threshold=0.1, value=-2.0)), ("hardshrink", {}),
                                         ("softshrink", dict(lambd=0.3)), ("tanhshrink", {}), ("softsign", {}),
                                         ("softmin", dict(dim=1)), ("glu", dict(dim=1)), ("rrelu", {}),
                                         ("glu", {})])
def test_composite_activations(name, kwargs, device):
    compare(lambda x: getattr(F, name)(x, **kwargs), shapes=[(3, 4)], torch_fn=lambda x: getattr(TF, name)(x, **kwargs),
            device=device)


@pytest.mark.parametrize("name", ["relu_", "leaky_relu_", "elu_", "celu_", "selu_", "hardtanh_", "rrelu_"])
def test_functional_in_place_forms(name):
    values = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], np.float32)
    x, t = M.tensor(values), torch.tensor(values)
    assert getattr(F, name)(x) is x
    getattr(TF, name)(t)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)
    x = M.tensor(values)
    assert F.threshold_(x, 0.1, 7.0) is x and x.tolist() == TF.threshold(torch.tensor(values), 0.1, 7.0).tolist()


def test_rrelu_in_training_draws_slopes_within_bounds():
    M.manual_seed(0)
    x = M.full((1000,), -1.0, requires_grad=True)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -out.detach().numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_losses(reduction, device):
    compare(lambda x, y: F.soft_margin_loss(x, y, reduction=reduction),
            inputs=[rng.standard_normal((4, 5)).astype(np.float32), SIGNS], requires_grad=[True, False],
            torch_fn=lambda x, y: TF.soft_margin_loss(x, y, reduction=reduction), device=device)
    compare(lambda x, y: F.hinge_embedding_loss(x, y, margin=0.5, reduction=reduction),
            inputs=[rng.standard_normal((4, 5)).astype(np.float32), SIGNS], requires_grad=[True, False],
            torch_fn=lambda x, y: TF.hinge_embedding_loss(x, y, margin=0.5, reduction=reduction), device=device)
    labels = (rng.random((4, 5)) < 0.5).astype(np.float32)
    weight = rng.random(5).astype(np.float32)
    compare(lambda x, y, w: F.multilabel_soft_margin_loss(x, y, w, reduction=reduction),
            inputs=[rng.standard_normal((4, 5)).astype(np.float32), labels, weight], requires_grad=[True, False, False],
            torch_fn=lambda x, y, w: TF.multilabel_soft_margin_loss(x, y, w, reduction=reduction), device=device)


@pytest.mark.parametrize("p,margin,weighted", [(1, 1.0, False), (2, 0.5, True), (1, 2.0, True)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_loss(p, margin, weighted, reduction, device):
    target = np.array([0, 4, 2], np.int64)
    weight = np.array([0.5, 1.0, 2.0, 1.5, 0.2], np.float32)
    inputs = [rng.standard_normal((3, 5)).astype(np.float32), target] + ([weight] if weighted else [])
    compare(lambda x, y, *w: F.multi_margin_loss(x, y, p, margin, *w, reduction=reduction), inputs=inputs,
            requires_grad=[True, False, False][:len(inputs)],
            torch_fn=lambda x, y, *w: TF.multi_margin_loss(x, y, p, margin, *w, reduction=reduction), device=device)
    compare(lambda x, y: F.multi_margin_loss(x, y), inputs=[rng.standard_normal(5).astype(np.float32),
                                                           np.array(3, np.int64)],
            torch_fn=lambda x, y: TF.multi_margin_loss(x, y), device=device)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction, device):
    target = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 0, 0, 0]], np.int64)
    compare(lambda x, y: F.multilabel_margin_loss(x, y, reduction=reduction),
            inputs=[rng.standard_normal((3, 4)).astype(np.float32), target],
            torch_fn=lambda x, y: TF.multilabel_margin_loss(x, y, reduction=reduction), device=device)


@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True), (False, True)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_poisson_nll_loss(log_input, full, reduction, device):
    x = rng.uniform(0.1, 2, (4, 3)).astype(np.float32)
    counts = rng.integers(0, 5, (4, 3)).astype(np.float32)
    compare(lambda x, y: F.poisson_nll_loss(x, y, log_input, full, reduction=reduction), inputs=[x, counts],
            torch_fn=lambda x, y: TF.poisson_nll_loss(x, y, log_input, full, reduction=reduction), device=device)


@pytest.mark.parametrize("var_shape", [(4, 3), (4,), (4, 1)])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_loss(var_shape, full, device):
    var = rng.uniform(1e-7, 2, var_shape).astype(np.float32)
    var.flat[0] = 1e-8  # below eps: clamped for the value, the gradient passes
    for reduction in REDUCTIONS:
        compare(lambda x, y, v: F.gaussian_nll_loss(x, y, v, full, reduction=reduction),
                inputs=[rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((4, 3)).astype(np.float32),
                        var],
                torch_fn=lambda x, y, v: TF.gaussian_nll_loss(x, y, v, full, reduction=reduction), device=device,
                rtol=2e-4)
    with pytest.raises(ValueError):
        F.gaussian_nll_loss(M.zeros(4, 3), M.zeros(4, 3), -M.ones(4, 3))


@pytest.mark.parametrize("module,args,call", [
    ("SoftMarginLoss", (), "signs"), ("MultiLabelSoftMarginLoss", (), "labels"), ("HingeEmbeddingLoss", (0.5,), "signs"),
    ("MultiMarginLoss", (2, 0.5), "classes"), ("MultiLabelMarginLoss", (), "lists"), ("PoissonNLLLoss", (), "counts"),
    ("GaussianNLLLoss", (), "variance"), ("Threshold", (0.1, 20.0), None), ("Hardshrink", (0.3,), None),
    ("Softshrink", (0.3,), None), ("Tanhshrink", (), None), ("Softsign", (), None), ("Softmin", (1,), None),
    ("GLU", (), None), ("RReLU", (), None)])
def test_modules_match_torch(module, args, call):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    extra = {"signs": [np.where(x > 0, 1.0, -1.0).astype(np.float32)],
             "labels": [(x > 0).astype(np.float32)], "classes": [np.array([0, 3, 1], np.int64)],
             "lists": [np.array([[1, -1, 0, 0], [0, 2, -1, 0], [3, 2, 1, 0]], np.int64)],
             "counts": [np.abs(np.round(x * 3)).astype(np.float32)],
             "variance": [x * 0.5, np.abs(x) + 0.1], None: []}[call]
    ours = getattr(nn, module)(*args).eval()
    theirs = getattr(torch.nn, module)(*args).eval()
    compare(lambda *t: ours(*t), inputs=[x] + extra, torch_fn=lambda *t: theirs(*t),
            requires_grad=[True] + [e.dtype.kind == "f" and call == "variance" for e in extra])
    assert repr(ours).split("(")[0] == module

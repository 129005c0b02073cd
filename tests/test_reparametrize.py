"""Reparametrizations and model utilities against PyTorch: weight_norm (both APIs), spectral_norm (both APIs, u
and v loaded from PyTorch's state), register_parametrization, fuse_conv_bn_eval, functional_call, swa_utils
(AveragedModel, SWALR, update_bn)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad.nn.utils import parametrize

rng = np.random.default_rng(0)


def _same_model(text):
    torch.manual_seed(0)
    theirs = eval("torch.nn." + text)
    ours = eval("nn." + text)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _run_both(ours, theirs, x, steps=1, train=True):
    """Outputs, then every parameter's gradient, after ``steps`` forward/backward calls."""
    ours.train(train), theirs.train(train)
    for _ in range(steps):
        a, b = ours(minigrad.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
        a.square().sum().backward()
        b.square().sum().backward()
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_old_api(dim):
    ours, theirs = _same_model("Linear(3, 4)")
    nn.utils.weight_norm(ours, dim=dim)
    torch.nn.utils.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    np.testing.assert_allclose(ours.weight_g.detach().numpy(), theirs.weight_g.detach().numpy(), rtol=1e-6)
    _run_both(ours, theirs, rng.standard_normal((5, 3)).astype(np.float32))
    nn.utils.remove_weight_norm(ours)
    torch.nn.utils.remove_weight_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-6)


def test_weight_norm_parametrization():
    ours, theirs = _same_model("Conv2d(2, 3, 3)")
    nn.utils.parametrizations.weight_norm(ours)
    torch.nn.utils.parametrizations.weight_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert parametrize.is_parametrized(ours, "weight") and type(ours).__name__ == type(theirs).__name__
    _run_both(ours, theirs, rng.standard_normal((2, 2, 5, 5)).astype(np.float32))
    parametrize.remove_parametrizations(ours, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(theirs, "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict()) and type(ours) is nn.Conv2d


def test_custom_parametrization_and_assignment():
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(0, 1)

    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    w = layer.weight.detach().numpy()
    np.testing.assert_array_equal(w, w.T)
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    layer(minigrad.ones(2, 3)).sum().backward()
    assert layer.parametrizations.weight.original.grad is not None


@pytest.mark.parametrize("text", ["Linear(4, 3)", "Conv2d(2, 3, 3)", "ConvTranspose2d(2, 3, 2)"])
def test_spectral_norm_with_torch_u_and_v(text):
    ours, theirs = _same_model(text)
    nn.utils.spectral_norm(ours, n_power_iterations=2)
    torch.nn.utils.spectral_norm(theirs, n_power_iterations=2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((2, 4) if "Linear" in text else (1, 2, 5, 5)).astype(np.float32)
    _run_both(ours, theirs, x, steps=3)
    np.testing.assert_allclose(ours.weight_u.numpy(), theirs.weight_u.numpy(), rtol=1e-5, atol=1e-6)
    _run_both(ours, theirs, x, steps=1, train=False)
    nn.utils.remove_spectral_norm(ours)
    torch.nn.utils.remove_spectral_norm(theirs)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("text", ["Linear(4, 3)", "Conv2d(2, 3, 3)", "ConvTranspose2d(2, 3, 2)"])
def test_spectral_norm_parametrization_with_torch_u_and_v(text):
    ours, theirs = _same_model(text)
    nn.utils.parametrizations.spectral_norm(ours, n_power_iterations=2)
    torch.nn.utils.parametrizations.spectral_norm(theirs, n_power_iterations=2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((2, 4) if "Linear" in text else (1, 2, 5, 5)).astype(np.float32)
    _run_both(ours, theirs, x, steps=3)
    ours_u, theirs_u = ours.parametrizations.weight[0]._u, theirs.parametrizations.weight[0]._u
    np.testing.assert_allclose(ours_u.numpy(), theirs_u.numpy(), rtol=1e-5, atol=1e-6)
    _run_both(ours, theirs, x, steps=1, train=False)
    np.testing.assert_allclose(ours_u.numpy(), theirs_u.numpy(), rtol=1e-5, atol=1e-6)  # eval leaves u alone


def test_spectral_norm_parametrization_made_and_refused():
    layer = nn.utils.parametrizations.spectral_norm(nn.Linear(6, 4))
    sigma = np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)[0]
    assert abs(sigma - 1) < 1e-3  # 15 power iterations when made
    vector = nn.utils.parametrizations.spectral_norm(nn.BatchNorm1d(3))  # one dim: a plain normalization
    assert abs(np.linalg.norm(vector.weight.detach().numpy()) - 1) < 1e-6
    for wrong, error in [(lambda: nn.utils.parametrizations.spectral_norm(nn.ReLU()), ValueError),
                         (lambda: nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), dim=2), IndexError),
                         (lambda: nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0),
                          ValueError)]:
        with pytest.raises(error):
            wrong()


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval(transpose):
    conv_text = "ConvTranspose2d(3, 4, 3, padding=1)" if transpose else "Conv2d(3, 4, 3, padding=1)"
    conv, _ = _same_model(conv_text)
    bn = nn.BatchNorm2d(4)
    bn.running_mean.copy_(minigrad.tensor(rng.standard_normal(4).astype(np.float32)))
    bn.running_var.copy_(minigrad.tensor(rng.uniform(0.5, 2, 4).astype(np.float32)))
    with minigrad.no_grad():
        bn.weight.copy_(minigrad.tensor(rng.uniform(0.5, 2, 4).astype(np.float32)))
    conv.eval(), bn.eval()
    x = minigrad.tensor(rng.standard_normal((2, 3, 6, 6)).astype(np.float32))
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    np.testing.assert_allclose(fused(x).detach().numpy(), bn(conv(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(AssertionError):
        nn.utils.fuse_conv_bn_eval(conv.train(), bn)


def test_functional_call():
    ours, theirs = _same_model("Linear(3, 2)")
    weight = rng.standard_normal((2, 3)).astype(np.float32)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    w_ours, w_theirs = minigrad.tensor(weight, requires_grad=True), torch.tensor(weight, requires_grad=True)
    a = minigrad.func.functional_call(ours, {"weight": w_ours}, (minigrad.tensor(x),))
    b = torch.func.functional_call(theirs, {"weight": w_theirs}, (torch.tensor(x),))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5)
    a.sum().backward(), b.sum().backward()
    np.testing.assert_allclose(w_ours.grad.numpy(), w_theirs.grad.numpy(), rtol=1e-5)
    assert ours.weight.grad is None and isinstance(ours.weight, nn.Parameter)


def test_swa_averaged_model_swalr_and_update_bn():
    ours, theirs = _same_model("Linear(3, 4)")
    averaged = minigrad.optim.swa_utils.AveragedModel(ours)
    taveraged = torch.optim.swa_utils.AveragedModel(theirs)
    ema = minigrad.optim.swa_utils.AveragedModel(ours, multi_avg_fn=minigrad.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    tema = torch.optim.swa_utils.AveragedModel(theirs, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    for step in range(4):
        values = rng.standard_normal((4, 3)).astype(np.float32)
        with minigrad.no_grad():
            ours.weight.copy_(minigrad.tensor(values))
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(values))
        for a, b in ((averaged, taveraged), (ema, tema)):
            a.update_parameters(ours)
            b.update_parameters(theirs)
            np.testing.assert_allclose(a.module.weight.detach().numpy(), b.module.weight.detach().numpy(),
                                       rtol=1e-6, atol=1e-7)
    assert list(averaged.state_dict()) == list(taveraged.state_dict()) and int(averaged.n_averaged) == 4
    lrs = []
    for lib, param in ((minigrad, nn.Parameter(minigrad.zeros(1))), (torch, torch.nn.Parameter(torch.zeros(1)))):
        opt = lib.optim.SGD([param], lr=0.5)
        sched = lib.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=3)
        seq = []
        for _ in range(6):
            seq.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        lrs.append(seq)
    np.testing.assert_allclose(lrs[0], lrs[1], rtol=1e-12)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    data = [minigrad.tensor(rng.standard_normal((8, 3)).astype(np.float32)) for _ in range(3)]
    minigrad.optim.swa_utils.update_bn(data, model)
    with minigrad.no_grad():
        features = model[0](minigrad.cat(data, 0)).numpy()
    np.testing.assert_allclose(model[1].running_mean.numpy(), features.mean(0), rtol=1e-4, atol=1e-6)

"""Module hooks and lookups against PyTorch: forward pre-hooks and hooks (replacing arguments and outputs, with
kwargs, prepend, removal), full backward hooks and pre-hooks (the gradients they see, and replacing them),
get_submodule / get_parameter / get_buffer."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn


def _pair():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)


def test_forward_hooks_see_and_replace_values():
    results = []
    for lib, model in zip((minigrad, torch), _pair()):
        seen = []
        first = model[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        model[1].register_forward_hook(lambda m, args, out: seen.append(out.detach().numpy().copy()))
        model[2].register_forward_hook(lambda m, args, out: out + 1)
        out = model(lib.tensor(X))
        first.remove()
        again = model(lib.tensor(X))
        results.append((out.detach().numpy(), again.detach().numpy(), seen))
    (o1, a1, s1), (o2, a2, s2) = results
    np.testing.assert_allclose(o1, o2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a1, a2, rtol=1e-5, atol=1e-6)
    assert len(s1) == len(s2) == 2
    np.testing.assert_allclose(s1[0], s2[0], rtol=1e-5, atol=1e-6)


def test_hook_order_prepend_and_kwargs():
    layer = nn.Linear(2, 2)
    order = []
    layer.register_forward_hook(lambda m, a, o: order.append("second"))
    layer.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    layer.register_forward_pre_hook(lambda m, args, kwargs: (args, kwargs), with_kwargs=True)
    with layer.register_forward_hook(lambda m, a, k, o: order.append(sorted(k)), with_kwargs=True):
        layer(minigrad.ones(1, 2))
    layer(minigrad.ones(1, 2))
    assert order == ["first", "second", [], "first", "second"]


def test_full_backward_hooks_see_the_gradients_torch_sees():
    captured = []
    for lib, model in zip((minigrad, torch), _pair()):
        seen = {}
        model[1].register_full_backward_pre_hook(lambda m, g: seen.update(pre=g[0].numpy().copy()))
        model[1].register_full_backward_hook(
            lambda m, gi, go: seen.update(input=gi[0].numpy().copy(), output=go[0].numpy().copy()))
        model[0].register_full_backward_hook(lambda m, gi, go: seen.update(first_input=gi))
        x = lib.tensor(X, requires_grad=True)
        model(x).sum().backward()
        captured.append((seen, x.grad.numpy().copy()))
    (ours, ours_x), (theirs, theirs_x) = captured
    for key in ("pre", "input", "output"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6)
    assert ours["first_input"][0] is not None and theirs["first_input"][0] is not None
    np.testing.assert_allclose(ours_x, theirs_x, rtol=1e-5, atol=1e-6)


def test_full_backward_hook_replaces_grad_input():
    grads = []
    for lib, model in zip((minigrad, torch), _pair()):
        model[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
        x = lib.tensor(X, requires_grad=True)
        model(x).sum().backward()
        grads.append((x.grad.numpy(), model[0].weight.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-6)


def test_lookups():
    ours, theirs = _pair()
    assert ours.get_submodule("2") is ours[2] and ours.get_submodule("") is ours
    assert ours.get_parameter("0.weight") is ours[0].weight
    bn = nn.Sequential(nn.BatchNorm2d(3))
    assert bn.get_buffer("0.running_mean") is bn[0].running_mean
    with pytest.raises(AttributeError):
        ours.get_submodule("5")
    with pytest.raises(AttributeError):
        ours.get_parameter("0.nothing")

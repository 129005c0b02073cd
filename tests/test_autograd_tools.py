"""torch.autograd's tools around the backward pass: detect_anomaly / set_detect_anomaly (PyTorch's NaN error, with
the forward call's traceback), autograd.gradcheck, and autograd.functional's jacobian and vjp against PyTorch."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import raises_as_torch


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_detect_anomaly_names_the_op_whose_gradient_is_nan(lib):
    x = lib.zeros(1, requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = lib.autograd.detect_anomaly()
    with mode:
        assert lib.is_anomaly_enabled()
        y = (x / x).sum()
        with pytest.warns(UserWarning, match=r"Error detected in Div\w*\. Traceback of forward call"):
            with pytest.raises(RuntimeError, match=r"Function 'Div\w*' returned nan values in its 1th output"):
                y.backward()
    assert not lib.is_anomaly_enabled()
    (x / x).sum().backward()  # off again: NaN gradients pass silently
    assert np.isnan(x.grad.numpy()).all()


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_set_detect_anomaly_as_call_and_context(lib):
    lib.autograd.set_detect_anomaly(True)
    try:
        assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            assert not lib.is_anomaly_check_nan_enabled()
            x = lib.zeros(1, requires_grad=True)
            (x / x).sum().backward()  # no NaN check: no error
        assert lib.is_anomaly_check_nan_enabled()
        x = lib.ones(2, requires_grad=True)
        (x * 3).sum().backward()  # finite gradients pass
        assert x.grad.tolist() == [3.0, 3.0]
    finally:
        lib.autograd.set_detect_anomaly(False)
    assert not lib.is_anomaly_enabled()


def test_autograd_gradcheck_is_the_same_check():
    x = minigrad.tensor([0.3, -1.2], dtype=minigrad.float64, requires_grad=True)
    assert minigrad.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    assert minigrad.autograd.gradcheck is minigrad.gradcheck


def _function(lib):
    return lambda x, y: ((x * y).sum(1), x.exp() + y)


def test_jacobian_and_vjp_equal_pytorchs():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    ours = minigrad.autograd.functional.jacobian(_function(minigrad), (minigrad.tensor(a), minigrad.tensor(b)))
    theirs = torch.autograd.functional.jacobian(_function(torch), (torch.tensor(a), torch.tensor(b)))
    for our_row, their_row in zip(ours, theirs):
        for mine, reference in zip(our_row, their_row):
            assert tuple(mine.shape) == tuple(reference.shape)
            np.testing.assert_allclose(mine.numpy(), reference.numpy(), rtol=1e-12)
    single = minigrad.autograd.functional.jacobian(lambda x: x ** 2, minigrad.tensor(b))
    np.testing.assert_allclose(single.numpy(), np.diag(2 * b), rtol=1e-12)
    v = rng.normal(size=3)
    out, product = minigrad.autograd.functional.vjp(lambda x: x.sin(), minigrad.tensor(b), minigrad.tensor(v))
    their_out, their_product = torch.autograd.functional.vjp(lambda x: x.sin(), torch.tensor(b), torch.tensor(v))
    np.testing.assert_allclose(product.numpy(), their_product.numpy(), rtol=1e-12)
    np.testing.assert_allclose(out.numpy(), their_out.numpy(), rtol=1e-12)
    ours = minigrad.autograd.functional.jacobian(lambda x: x.sin() * x, minigrad.tensor(b), create_graph=True)
    theirs = torch.autograd.functional.jacobian(lambda x: x.sin() * x, torch.tensor(b), create_graph=True)
    assert ours.requires_grad == theirs.requires_grad
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("library", ["torch", "minigrad"])
def test_backward_with_inputs_accumulates_only_into_them(library):
    import torch
    T = torch if library == "torch" else minigrad
    x, z, w = (T.ones(3, requires_grad=True) for _ in range(3))
    y = (x * z * 2).sum()
    y.backward(inputs=[x], retain_graph=True)
    y.backward(inputs=x, retain_graph=True)  # a single tensor, accumulated
    assert x.grad.tolist() == [4.0] * 3 and z.grad is None and w.grad is None
    h = x * 3
    (h * z).sum().backward(inputs=[h, z])  # a non-leaf gets a .grad; x does not change
    assert h.grad.tolist() == [1.0] * 3 and z.grad.tolist() == [3.0] * 3 and x.grad.tolist() == [4.0] * 3
    with pytest.raises(RuntimeError, match="`inputs` argument to `backward\\(\\)` cannot be empty"):
        y.backward(inputs=[])
    a = T.ones(2, requires_grad=True)
    (a ** 3).sum().backward(inputs=[a], create_graph=True)  # the gradient can be differentiated again
    assert a.grad.tolist() == [3.0, 3.0] and a.grad.requires_grad
    a.grad.sum().backward(inputs=[a])
    assert a.grad.tolist() == [9.0, 9.0]  # 3 + d(3a^2)/da = 3 + 6


def test_second_backward_through_a_freed_graph_raises_torchs_message():
    def twice(lib):
        loss = lib.ones(3, requires_grad=True).exp().sum()
        loss.backward()
        loss.backward()
    raises_as_torch(twice)


def test_retained_gradients_and_hooks_as_pytorchs():
    """A non-leaf that called retain_grad accumulates every gradient passing through it, in autograd.grad and
    backward(inputs=...) too, once when it is itself an input (PyTorch's retain_grad hook); hooks refuse a tensor
    that does not require grad."""
    results = []
    for lib in (torch, minigrad):
        x = lib.ones(3, requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = (y ** 2).sum()
        lib.autograd.grad(z, [x], retain_graph=True)
        first = y.grad.tolist()
        lib.autograd.grad(z, [y], retain_graph=True)
        z.backward(inputs=[y], retain_graph=True)
        z.backward(inputs=[x], retain_graph=True)
        results.append((first, y.grad.tolist(), x.grad.tolist()))
        for register in (lib.ones(2).register_hook, lib.ones(2).register_post_accumulate_grad_hook):
            with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
                register(lambda g: g)
    assert results[1] == results[0]

"""No input makes a kernel read or write out of bounds: mismatched sizes reach a clear error before any
compiled kernel runs. One case per kernel family, called at the backend entry points the ops use."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.backends import cpu as B

f32 = np.float32


def arr(*shape, dtype=f32):
    return np.zeros(shape, dtype)


@pytest.mark.parametrize("call", [
    lambda: B.sgd_step(arr(10), arr(8_000), arr(10), 0.1, 0.9, 0.0, 0.0, False, False, False),
    lambda: B.sgd_step(arr(10), arr(10), arr(3), 0.1, 0.9, 0.0, 0.0, False, False, False),
    lambda: B.adam_step(arr(8_000_000), arr(8_000_000), arr(10), arr(10), None, 0.9, 0.999, 1e-8, 0, 1e-3, 1.0,
                        False, False),
    lambda: B.adam_step(arr(10), arr(10), arr(10), arr(10), arr(2), 0.9, 0.999, 1e-8, 0, 1e-3, 1.0, True, False),
    lambda: B.adam_step(arr(10), arr(10, dtype=np.float64), arr(10), arr(10), None, 0.9, 0.999, 1e-8, 0, 1e-3, 1.0,
                        False, False),
], ids=["sgd grad", "sgd buffer", "adam state", "adam max state", "adam grad dtype"])
def test_optimizer_kernels(call):
    with pytest.raises(ValueError, match="has shape|has dtype"):
        call()


@pytest.mark.parametrize("call", [
    lambda: B.relu_backward(arr(100), arr(10)),
    lambda: B.leaky_relu_backward(arr(100), arr(10), 0.1),
], ids=["relu", "leaky_relu"])
def test_activation_kernels(call):
    with pytest.raises(ValueError, match="has shape"):
        call()


@pytest.mark.parametrize("call", [
    lambda: B.cross_entropy_forward(arr(2, 3, 4), np.zeros((2, 40), np.int64), arr(3), -100),
    lambda: B.cross_entropy_forward(arr(2, 3, 4), np.zeros((2, 4), np.int64), arr(2), -100),
    lambda: B.cross_entropy_forward(arr(2, 3, 4), np.full((2, 4), 7, np.int64), arr(3), -100),
    lambda: B.cross_entropy_backward(arr(2, 3, 4), np.zeros((2, 4), np.int64), arr(3), -100, arr(2, 1), arr(2, 4)),
], ids=["target shape", "weight size", "target value", "state shape"])
def test_loss_kernels(call):
    with pytest.raises((ValueError, IndexError)):
        call()


@pytest.mark.parametrize("call", [
    lambda: B.batch_norm_train_forward(arr(2, 3, 4, 4), arr(5), arr(3), 1e-5),
    lambda: B.batch_norm_eval_forward(arr(2, 3, 4, 4), arr(2), arr(3), None, None, 1e-5),
    lambda: B.batch_norm_backward(arr(2, 3, 4, 5), arr(2, 3, 4, 4), np.zeros(3), np.ones(3), None, None, True,
                                  False, (True, False, False)),
    lambda: B.batch_norm_backward(arr(2, 3, 4, 4), arr(2, 3, 4, 4), np.zeros(1), np.ones(3), None, None, True,
                                  False, (True, False, False)),
    lambda: B.batch_norm_update_stats(arr(3), arr(30), np.zeros(3), np.zeros(3), 0.1, 10),
], ids=["weight", "running stats", "grad shape", "saved mean", "update"])
def test_norm_kernels(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("call", [
    lambda: B.conv2d_weight_grad(arr(1, 5, 8, 8), arr(1, 4, 6, 6), arr(4, 3, 3, 3), (1, 1), (0, 0), (1, 1), 1),
    lambda: B.conv_transpose2d(arr(1, 5, 6, 6), arr(4, 3, 3, 3), (1, 1), (0, 0), (1, 1), 1, (1, 3, 8, 8)),
    lambda: B.conv2d_weight_grad(arr(1, 3, 8, 8), arr(2, 4, 6, 6), arr(4, 3, 3, 3), (1, 1), (0, 0), (1, 1), 1),
    lambda: B.conv_transpose2d(arr(1, 4, 6, 6), arr(4, 3, 3, 3), (1, 1), (0, 0), (1, 1), 1, (1, 2, 8, 8)),
], ids=["input channels", "grad channels", "grad batch", "output channels"])
def test_conv_kernels(call):
    with pytest.raises(ValueError, match="do not fit"):
        call()


def test_adam_after_data_replaced_by_a_larger_tensor_raises_and_leaves_memory_alone():
    p = nn.Parameter(minigrad.zeros(10))
    opt = minigrad.optim.Adam([p], lr=0.1)
    (p * 2).sum().backward()
    opt.step()
    p.data = minigrad.zeros(8_000_000)
    (p * 2).sum().backward()  # the stale 10-element gradient is replaced, not added to
    with pytest.raises(RuntimeError, match="optimizer state 'exp_avg' has shape"):
        opt.step()


@pytest.mark.parametrize("optimizer", [lambda ps: minigrad.optim.SGD(ps, lr=0.1, momentum=0.9),
                                       lambda ps: minigrad.optim.Adam(ps), lambda ps: minigrad.optim.AdamW(ps)])
def test_wrong_gradients_never_reach_the_kernels(optimizer):
    p = nn.Parameter(minigrad.ones(5))
    opt = optimizer([p])
    for bad in ([1.0] * 5, minigrad.ones(6), minigrad.ones(5, dtype=minigrad.float64), np.ones(5, np.float32)):
        with pytest.raises((TypeError, RuntimeError)):
            p.grad = bad
    assert p.grad is None
    p.grad = minigrad.full((5,), 0.5)
    opt.step()
    assert np.isfinite(p.detach().numpy()).all()


def test_functional_layers_with_wrong_parameter_sizes_raise():
    import minigrad.nn.functional as F
    x = minigrad.randn(2, 3, 4, 4)
    with pytest.raises(RuntimeError, match="should contain 3 elements"):
        F.batch_norm(x, minigrad.zeros(5), minigrad.ones(5), training=False)
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 3 classes"):
        F.cross_entropy(minigrad.randn(2, 3), minigrad.tensor([0, 1]), weight=minigrad.ones(7))
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(minigrad.randn(2, 3), minigrad.tensor([0, 9]))
    with pytest.raises(RuntimeError, match="channels|groups"):
        F.conv2d(x, minigrad.randn(4, 5, 3, 3))


def test_fused_multiply_add_checks_its_three_shapes():
    from minigrad.backends.cpu import unary
    with pytest.raises(ValueError, match="fma: b has shape"):
        unary.fma(np.ones(4, np.float32), np.ones(3, np.float32), np.ones(4, np.float32))

"""Losses and optimizer updates on device 'cuda' against PyTorch (tiny shapes: the simulator is slow)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from cuda_compare import compare_cuda

TF = torch.nn.functional


def _targets(shape, classes, seed=0, ignore=None):
    t = np.random.default_rng(seed).integers(0, classes, shape)
    if ignore is not None:
        t.flat[::3] = ignore
    return t


def test_nll_loss():
    x = np.random.default_rng(5).standard_normal((2, 3, 4)).astype(np.float32)
    compare_cuda(lambda x, t: F.nll_loss(F.log_softmax(x, 1), t, ignore_index=2), inputs=[x, _targets((2, 4), 3)],
                 torch_fn=lambda x, t: TF.nll_loss(TF.log_softmax(x, 1), t, ignore_index=2))


def test_cross_entropy_out_of_range_target_raises_at_the_next_transfer():
    x = minigrad.randn(2, 3, device="cuda")
    loss = F.cross_entropy(x, minigrad.tensor([0, 3], device="cuda"))
    with pytest.raises(IndexError, match="Target 3 is out of bounds."):
        loss.item()
    assert np.isfinite(F.cross_entropy(x, minigrad.tensor([0, 2], device="cuda")).item())  # checks cleared


def test_binary_cross_entropy_with_logits_and_mse():
    rng = np.random.default_rng(3)
    x = (4 * rng.standard_normal((2, 1, 3, 3))).astype(np.float32)
    t = rng.integers(0, 2, x.shape).astype(np.float32)
    compare_cuda(lambda x, t: F.binary_cross_entropy_with_logits(x, t), inputs=[x, t],
                 requires_grad=[True, False], torch_fn=lambda x, t: TF.binary_cross_entropy_with_logits(x, t))
    pos = np.array([2.0], np.float32).reshape(1, 1, 1)
    compare_cuda(lambda x, t, p: F.binary_cross_entropy_with_logits(x, t, pos_weight=p), inputs=[x, t, pos],
                 requires_grad=[True, False, False],
                 torch_fn=lambda x, t, p: TF.binary_cross_entropy_with_logits(x, t, pos_weight=p))
    compare_cuda(lambda a, b: F.mse_loss(a, b), shapes=[(3, 4), (3, 4)], torch_fn=TF.mse_loss)


def test_one_hot():
    t = minigrad.tensor([[0, 2], [1, 1]], device="cuda")
    out = F.one_hot(t, 3)
    assert out.device == "cuda" and out.dtype == minigrad.int64
    np.testing.assert_array_equal(out.numpy(), TF.one_hot(torch.tensor([[0, 2], [1, 1]]), 3).numpy())


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3)),
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)), ("Adam", dict(lr=0.01, maximize=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)), ("Adagrad", dict(lr=0.1, lr_decay=0.01))], ids=str)
def test_optimizer_steps_match_torch(name, kwargs):
    rng = np.random.default_rng(4)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    grads = [rng.standard_normal((3, 4)).astype(np.float32) for _ in range(3)]
    p = minigrad.tensor(start, device="cuda", requires_grad=True)
    q = torch.tensor(start, requires_grad=True)
    opt, topt = getattr(minigrad.optim, name)([p], **kwargs), getattr(torch.optim, name)([q], **kwargs)
    for g in grads:
        p.grad, q.grad = minigrad.tensor(g, device="cuda"), torch.tensor(g)
        opt.step()
        topt.step()
        assert p.device == "cuda"
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), atol=1e-6, rtol=1e-5)


def test_binary_cross_entropy_smooth_l1_huber_and_log1p():
    rng = np.random.default_rng(5)
    probs = rng.uniform(0.05, 0.95, (2, 3)).astype(np.float32)
    target = rng.uniform(0, 1, (2, 3)).astype(np.float32)
    compare_cuda(lambda x, t: F.binary_cross_entropy(x, t), inputs=[probs, target], requires_grad=[True, True],
                 torch_fn=lambda x, t: TF.binary_cross_entropy(x, t))
    compare_cuda(lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), shapes=[(2, 3), (2, 3)],
                 torch_fn=lambda a, b: TF.smooth_l1_loss(a, b, beta=0.5))
    compare_cuda(lambda a, b: F.huber_loss(a, b, delta=0.7), shapes=[(2, 3), (2, 3)],
                 torch_fn=lambda a, b: TF.huber_loss(a, b, delta=0.7))
    compare_cuda(lambda x: x.log1p(), shapes=[(2, 3)], low=-0.9, high=2.0)


def test_gradient_clipping_on_cuda():
    grad = np.array([[3.0, -4.0], [0.0, 12.0]], np.float32)
    p = minigrad.zeros(2, 2, device="cuda", requires_grad=True)
    p.grad = minigrad.tensor(grad, device="cuda")
    q = torch.zeros(2, 2, requires_grad=True)
    q.grad = torch.tensor(grad)
    total = minigrad.nn.utils.clip_grad_norm_([p], 1.0)
    reference = torch.nn.utils.clip_grad_norm_([q], 1.0)
    assert total.device == "cuda" and p.grad.device == "cuda"
    np.testing.assert_allclose(total.item(), reference.item(), rtol=1e-6)
    np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name,kwargs", [("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),
                                         ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1))], ids=str)
def test_cuda_update_equals_the_cpu_update(name, kwargs):
    """The CUDA and CPU kernels form 1 - beta and 1 - dampening alike (in double, then rounded) and take the same
    lerp form. Compared on the change of the weights, where forming 1 - beta2 in float32 shows (a 1.3e-5
    relative bias of every Adam step)."""
    rng = np.random.default_rng(9)
    start = rng.standard_normal(64).astype(np.float32)
    on_gpu = minigrad.tensor(start, device="cuda", requires_grad=True)
    on_cpu = minigrad.tensor(start, requires_grad=True)
    gpu_opt, cpu_opt = getattr(minigrad.optim, name)([on_gpu], **kwargs), getattr(minigrad.optim, name)([on_cpu], **kwargs)
    for _ in range(4):
        g = (rng.standard_normal(64) * 10.0 ** rng.uniform(-3, 1, 64)).astype(np.float32)
        on_gpu.grad, on_cpu.grad = minigrad.tensor(g, device="cuda"), minigrad.tensor(g)
        gpu_opt.step()
        cpu_opt.step()
    moved_gpu, moved_cpu = on_gpu.detach().numpy() - start, on_cpu.detach().numpy() - start
    np.testing.assert_allclose(moved_gpu, moved_cpu, rtol=0, atol=1e-6 * np.abs(moved_cpu).max())

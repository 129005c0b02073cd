"""Tiny U-Net training steps on device 'cuda' equal the same steps on the CPU, and stay on the device.

Same initial weights, same batch, two steps (forward, loss, backward, optimizer update) on each device:
the losses, every gradient, every updated parameter, the optimizer's state at work (momentum, Adam's
moments) and the BatchNorm running statistics agree. The input's odd sizes (6 x 10) send the decoder
through the bilinear resize of the up-sampled maps. The second step makes no host <-> device copy (the
first one uploads the resize's per-geometry index tables, cached from then on).
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.models.unet import UNet
from transfer_counter import TransferCounter


def _batch(out_channels):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 1, 6, 10)).astype(np.float32)
    if out_channels == 1:
        return x, rng.integers(0, 2, (2, 1, 6, 10)).astype(np.float32)
    return x, rng.integers(0, out_channels, (2, 6, 10))


def _train(device, out_channels, optimizer, counter=None, steps=2):
    """Losses of ``steps`` steps, the last step's gradients and the state after it, and the host <-> device
    copies made during the last step."""
    minigrad.manual_seed(0)
    model = UNet(in_channels=1, out_channels=out_channels, features=(2, 4)).to(device)
    opt = optimizer(model.parameters())
    x, target = (minigrad.tensor(a, device=device) for a in _batch(out_channels))
    losses = []
    for step in range(steps):
        if counter is not None:
            counter.count = 0
        opt.zero_grad()
        out = model(x)
        loss = (F.cross_entropy(out, target) if out_channels > 1
                else F.binary_cross_entropy_with_logits(out, target))
        loss.backward()
        opt.step()
        transfers = counter.count if counter is not None else None
        losses.append(loss.item())
    grads = {name: p.grad.numpy() for name, p in model.named_parameters()}
    return losses, grads, model.state_dict(), transfers


@pytest.mark.parametrize("out_channels,optimizer", [
    (3, lambda params: minigrad.optim.SGD(params, lr=0.1, momentum=0.9)),
    (1, lambda params: minigrad.optim.Adam(params, lr=1e-3))], ids=["cross_entropy-SGD", "bce-Adam"])
def test_unet_training_steps_on_cuda_equal_cpu(out_channels, optimizer, monkeypatch):
    cpu_losses, cpu_grads, cpu_state, _ = _train("cpu", out_channels, optimizer)
    counter = TransferCounter(monkeypatch)
    cuda_losses, cuda_grads, cuda_state, transfers = _train("cuda", out_channels, optimizer, counter)
    assert transfers == 0, f"{transfers} host <-> device copies during a training step"
    np.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-5)
    assert cuda_grads.keys() == cpu_grads.keys()
    for name in cpu_grads:
        np.testing.assert_allclose(cuda_grads[name], cpu_grads[name], atol=1e-5, rtol=1e-4,
                                   err_msg=f"gradient of {name}")
    assert cuda_state.keys() == cpu_state.keys()
    for name in cpu_state:
        np.testing.assert_allclose(cuda_state[name], cpu_state[name], atol=1e-5, rtol=1e-4,
                                   err_msg=f"{name} after the step")

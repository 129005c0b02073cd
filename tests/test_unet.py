"""minigrad's UNet against the PyTorch U-Net of the tutorial, written here with torch.nn, with the same weights."""
import time

import numpy as np
import pytest
import os
import sys

import torch
import torch.nn.functional as TF

import minigrad
import minigrad.nn.functional as F
from minigrad.models import UNet, unet_output_size

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
from torch_unet import TorchUNet  # noqa: E402  (the reference network the benchmarks use too)


def torch_state_as_numpy(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def paired(features=(4, 8), classes=5, padding=1, seed=0):
    """A torch U-Net with non-trivial BatchNorm affine values, and minigrad's loaded with its weights."""
    torch.manual_seed(seed)
    reference = TorchUNet(3, classes, features, padding)
    with torch.no_grad():
        for m in reference.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    model = UNet(3, classes, features, padding=padding)
    model.load_state_dict(torch_state_as_numpy(reference))
    return reference, model


def assert_close(actual, expected, atol, rtol, what):
    actual = actual.detach().numpy() if hasattr(actual, "detach") else np.asarray(actual)
    np.testing.assert_allclose(actual, expected.detach().numpy(), atol=atol, rtol=rtol, err_msg=what)


def test_state_dict_keys_are_torchs():
    mine, theirs = UNet(3, 6).state_dict(), TorchUNet(3, 6).state_dict()
    assert len(mine) == len(theirs) == 118
    assert list(mine) == list(theirs)
    for key in theirs:
        assert mine[key].shape == tuple(theirs[key].shape), key
    for key in ("downs.0.dualconv.0.weight", "downs.0.dualconv.1.running_mean", "ups.0.weight", "ups.0.bias",
                "ups.1.dualconv.0.weight", "bottleneck.dualconv.4.num_batches_tracked", "final_conv.weight",
                "final_conv.bias"):
        assert key in mine


def test_training_matches_torch_at_odd_size():
    """Train-mode forward, loss, every gradient and three Adam steps, then eval with the updated running stats.
    19×21 makes every up-sampled map one pixel short of its skip, so the bilinear resize path runs.

    After each step minigrad's weights are reset to torch's (its Adam moments stay its own): ReLU kinks make
    this network chaotic at float32 rounding level (torch against itself with weights perturbed by 1e-6
    relative gives gradients 8e-5 apart after two steps), so free-running trajectories would have to be
    compared loosely; re-synchronised, every step is compared as tightly as the first."""
    reference, model = paired(features=(4, 8), classes=5)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 19, 21)).astype(np.float32)
    target = rng.integers(0, 5, size=(2, 19, 21))
    tx, tt = torch.tensor(x), torch.tensor(target)
    mx, mt = minigrad.tensor(x), minigrad.tensor(target)
    theirs, mine = dict(reference.named_parameters()), dict(model.named_parameters())
    assert list(mine) == list(theirs)
    # eps=1e-4: with the default 1e-8, a weight whose gradient is ~1e-8 moves by lr·g/(|g| + eps), which turns
    # float32 rounding of that gradient (~1e-9) into weight differences of ~1e-4.
    t_opt = torch.optim.Adam(reference.parameters(), lr=1e-2, eps=1e-4)
    m_opt = minigrad.optim.Adam(model.parameters(), lr=1e-2, eps=1e-4)
    for step in range(3):
        t_opt.zero_grad()
        m_opt.zero_grad()
        t_out, m_out = reference(tx), model(mx)
        assert tuple(m_out.shape) == (2, 5, 19, 21)
        # float32 sums of up to 144 terms through eight BatchNorms: measured differences are ~2e-6.
        assert_close(m_out, t_out, 1e-5, 1e-4, f"train-mode forward, step {step}")
        t_loss, m_loss = TF.cross_entropy(t_out, tt), F.cross_entropy(m_out, mt)
        assert abs(m_loss.item() - t_loss.item()) < 1e-5, f"loss at step {step}"
        t_loss.backward()
        m_loss.backward()
        for name, p in mine.items():
            assert p.grad is not None, name
            assert_close(p.grad, theirs[name].grad, 1e-5, 1e-4, f"gradient of {name}, step {step}")
        t_opt.step()
        m_opt.step()
        state, expected = model.state_dict(), reference.state_dict()
        for key in expected:  # Adam's updated weights and BatchNorm's running statistics
            np.testing.assert_allclose(state[key], expected[key].numpy(), atol=1e-5, rtol=1e-4,
                                       err_msg=f"{key} after step {step}")
        model.load_state_dict(torch_state_as_numpy(reference))
    moments, expected = m_opt.state_dict()["state"], t_opt.state_dict()["state"]
    for i in expected:
        assert moments[i]["step"] == float(expected[i]["step"]) == 3
        np.testing.assert_allclose(moments[i]["exp_avg"], expected[i]["exp_avg"].numpy(), atol=1e-7, rtol=1e-4)
        np.testing.assert_allclose(moments[i]["exp_avg_sq"], expected[i]["exp_avg_sq"].numpy(), atol=1e-9,
                                   rtol=1e-4)
    assert int(model.state_dict()["downs.0.dualconv.1.num_batches_tracked"]) == 3
    reference.eval()
    model.eval()
    with torch.no_grad(), minigrad.no_grad():
        assert_close(model(mx), reference(tx), 1e-5, 1e-4, "eval-mode forward after three Adam steps")


def test_state_dict_round_trips_both_ways():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 3, 20, 18)).astype(np.float32)
    # torch -> minigrad (with trained-looking running statistics)
    reference, _ = paired(features=(3, 6), classes=4, seed=3)
    reference.train()
    with torch.no_grad():
        reference(torch.tensor(rng.standard_normal((4, 3, 20, 18)).astype(np.float32)))
    reference.eval()
    model = UNet(3, 4, (3, 6))
    model.load_state_dict(torch_state_as_numpy(reference))
    model.eval()
    with torch.no_grad(), minigrad.no_grad():
        assert_close(model(minigrad.tensor(x)), reference(torch.tensor(x)), 1e-4, 1e-4, "torch -> minigrad")
    # minigrad -> torch, through a state_dict of a freshly initialised minigrad model
    minigrad.manual_seed(5)
    fresh = UNet(3, 4, (3, 6))
    back = TorchUNet(3, 4, (3, 6))
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in fresh.state_dict().items()})
    fresh.eval()
    back.eval()
    with torch.no_grad(), minigrad.no_grad():
        assert_close(fresh(minigrad.tensor(x)), back(torch.tensor(x)), 1e-4, 1e-4, "minigrad -> torch")
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key].numpy(), value.numpy(), err_msg=key)


def test_unpadded_variant_shapes():
    assert unet_output_size((572, 572), depth=4, padding=0) == (388, 388)
    assert unet_output_size((64, 48), depth=4, padding=1) == (64, 48)
    minigrad.manual_seed(0)
    model = UNet(1, 2, features=(1, 2, 4, 8), padding=0)
    x = minigrad.randn(1, 1, 572, 572)
    with minigrad.no_grad():
        assert tuple(model.downs[0].dualconv[0](x).shape) == (1, 1, 570, 570)
        assert tuple(model.downs[0](x).shape) == (1, 1, 568, 568)
        assert tuple(model(x).shape) == (1, 2, 388, 388)
    with pytest.raises(ValueError, match="too small"):
        model(minigrad.randn(1, 1, 40, 40))


def test_unpadded_variant_matches_torch():
    reference, model = paired(features=(2, 4), classes=3, padding=0)
    x = np.random.default_rng(4).standard_normal((2, 3, 48, 44)).astype(np.float32)
    out = model(minigrad.tensor(x))
    assert tuple(out.shape) == (2, 3) + unet_output_size((48, 44), depth=2, padding=0) == (2, 3, 8, 4)
    assert_close(out, reference(torch.tensor(x)), 1e-4, 1e-4, "unpadded forward")


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"UNet: expected input of shape \(N, 3, H, W\), got \(1, 4, 8, 8\)"):
        UNet(3, 2, (2, 4))(minigrad.randn(1, 4, 8, 8))
    with pytest.raises(ValueError, match="padding"):
        UNet(3, 2, (2,), padding=2)
    with pytest.raises(ValueError, match="twice the channels"):
        UNet(3, 2, (4, 6))


def test_tiny_training_run_learns():
    from minigrad.data import DataLoader, SyntheticShapes
    minigrad.manual_seed(0)
    data = SyntheticShapes(16, image_size=16, num_classes=3, seed=0)
    loader = DataLoader(data, batch_size=8, shuffle=True, seed=0)
    model = UNet(3, 3, (4, 8))
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-2)
    start, epoch_losses = time.perf_counter(), []
    for _ in range(30):  # (initial weights of seeds 0-4: the loss ends at 0.15-0.40 of its first epoch's)
        losses = []
        for images, masks in loader:
            loss = F.cross_entropy(model(images), masks)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        epoch_losses.append(np.mean(losses))
    assert epoch_losses[-1] < 0.5 * epoch_losses[0], epoch_losses
    assert time.perf_counter() - start < 60


@pytest.mark.parametrize("training", [True, False])
def test_dual_conv_fused_batch_norm_relu_equals_its_sequential(training):
    """DualConv fuses each BatchNorm with its ReLU; running its Sequential layer by layer must agree exactly."""
    from minigrad.models import DualConv
    minigrad.manual_seed(1)
    fused, plain = DualConv(3, 4), DualConv(3, 4)
    plain.load_state_dict(fused.state_dict())
    fused.train(training), plain.train(training)
    x = np.random.default_rng(2).standard_normal((2, 3, 9, 7)).astype(np.float32)
    xs = [minigrad.tensor(x, requires_grad=True) for _ in range(2)]
    outs = [fused(xs[0]), plain.dualconv(xs[1])]
    np.testing.assert_array_equal(outs[0].detach().numpy(), outs[1].detach().numpy())
    for out in outs:
        (out * out).sum().backward()
    np.testing.assert_array_equal(xs[0].grad.numpy(), xs[1].grad.numpy())
    for (name, a), (_, b) in zip(fused.named_parameters(), plain.named_parameters()):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy(), err_msg=name)
    for (name, a), (_, b) in zip(fused.state_dict().items(), plain.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_dual_conv_with_a_swapped_layer_runs_it():
    from minigrad.models import DualConv
    block = DualConv(2, 3)
    block.dualconv[2] = minigrad.nn.LeakyReLU(0.5)
    x = minigrad.randn(1, 2, 5, 5)
    expected = block.dualconv[5](block.dualconv[4](block.dualconv[3](
        block.dualconv[2](block.dualconv[1](block.dualconv[0](x))))))
    np.testing.assert_array_equal(block(x).detach().numpy(), expected.detach().numpy())
    assert (block.dualconv[1](block.dualconv[0](x)).detach().numpy() < 0).any()  # the LeakyReLU mattered

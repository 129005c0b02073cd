"""Moving tensors and modules to device 'cuda' and back; training ops on either device; mixed-device errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from transfer_counter import TransferCounter


def is_device_array(array):
    # imported here, not at module level: without numba-cuda the module must still be collected (and skipped)
    from minigrad.backends.cuda._runtime import is_device_array as check
    return check(array)


def test_is_available_device_count_synchronize():
    assert minigrad.cuda.is_available()
    assert minigrad.cuda.device_count() >= 1
    minigrad.cuda.synchronize()


def test_tensor_creation_and_moves():
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = minigrad.tensor(data, device="cuda")
    assert x.device == "cuda" and x.is_cuda and is_device_array(x.array)
    assert x.dtype == minigrad.float32 and tuple(x.shape) == (2, 3)
    np.testing.assert_array_equal(x.numpy(), data)
    back = x.cpu()
    assert back.device == "cpu" and isinstance(back.array, np.ndarray)
    np.testing.assert_array_equal(back.numpy(), data)
    y = minigrad.tensor(data).cuda()
    assert y.device == "cuda" and y.to("cuda") is y
    assert minigrad.tensor(data).to("cuda", minigrad.float64).dtype == minigrad.float64
    for t in (minigrad.zeros(2, 3, device="cuda"), minigrad.ones(2, device="cuda"),
              minigrad.full((2,), 1.5, device="cuda"), minigrad.arange(5, device="cuda"),
              minigrad.randn(3, device="cuda"), minigrad.zeros_like(x), minigrad.rand_like(x)):
        assert t.device == "cuda" and is_device_array(t.array)
    assert minigrad.arange(5, device="cuda").tolist() == [0, 1, 2, 3, 4]
    assert minigrad.full((2,), 1.5, device="cuda").tolist() == [1.5, 1.5]
    assert x.sum().item() == 15.0 and "device='cuda'" in repr(x)


def test_random_values_match_the_cpu_for_one_seed():
    minigrad.manual_seed(3)
    a = minigrad.randn(4, device="cuda").numpy()
    minigrad.manual_seed(3)
    np.testing.assert_array_equal(a, minigrad.randn(4).numpy())


def test_gradient_flows_back_across_devices():
    x = minigrad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x.cuda() * 2).relu().sum()
    y.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 2.0])


def test_mixing_devices_names_both():
    with pytest.raises(RuntimeError, match="cpu.*cuda|cuda.*cpu"):
        minigrad.ones(2) + minigrad.ones(2, device="cuda")


def test_no_grad_and_in_place_writers_on_cuda():
    w = minigrad.ones(3, device="cuda", requires_grad=True)
    with minigrad.no_grad():
        y = w * 2
        w.fill_(0.5)
    assert not y.requires_grad and w.tolist() == [0.5, 0.5, 0.5]
    w.data.zero_()
    assert w.tolist() == [0, 0, 0]
    z = minigrad.zeros(2, 2, device="cuda")
    z.copy_(minigrad.tensor([1.0, 2.0]))
    assert z.tolist() == [[1, 2], [1, 2]]


def test_module_to_cuda_moves_parameters_and_buffers():
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3))
    state = model.state_dict()
    assert model.to("cuda") is model
    for t in list(model.parameters()) + list(model.buffers()):
        assert t.device == "cuda" and is_device_array(t.array)
    x = minigrad.randn(2, 2, 4, 4, device="cuda")
    model(x).relu().sum().backward()
    assert all(p.grad.device == "cuda" for p in model.parameters())
    assert model[1].num_batches_tracked.item() == 1
    for key, value in model.cpu().state_dict().items():
        assert value.shape == state[key].shape
    assert all(p.device == "cpu" for p in model.parameters())


def test_cuda_graph_with_the_loss_taken_on_the_cpu(monkeypatch):
    """A CUDA tensor used several times, the loss summed on the CPU: its gradients add up on its own device,
    the only copy in the backward pass being the loss gradient's way back to the GPU."""
    x = minigrad.randn(3, device="cuda", requires_grad=True)
    loss = (x * x + x).cpu().sum()
    counter = TransferCounter(monkeypatch)
    loss.backward()
    assert counter.count == 1, f"{counter.count} host <-> device copies in the backward pass, 1 expected"
    assert x.grad.device == "cuda" and is_device_array(x.grad.array)
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy() + 1, rtol=1e-6)

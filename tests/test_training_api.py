"""The names around a PyTorch training loop, against torch: grad modes, autograd.grad, gradient clipping, flat
parameter vectors, and the GPU-era names a CUDA script uses (cudnn flags, amp, memory formats, cuda helpers)."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad.nn import utils as nn_utils


def _pair(seed=0):
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    ours = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(seed).standard_normal((5, 4)).astype(np.float32)
    return ours, theirs, x


def _backward_both(scale=1.0, seed=0):
    """Both models with the same gradients (minigrad's, copied into torch's), so clipping is compared alone."""
    ours, theirs, x = _pair(seed)
    (ours(minigrad.tensor(x)) ** 2).sum().mul(scale).backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        q.grad = torch.tensor(p.grad.numpy().copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.1, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ours, theirs = _backward_both()
    total = nn_utils.clip_grad_norm_(ours.parameters(), max_norm, norm_type=norm_type)
    reference = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type=norm_type)
    assert isinstance(total, minigrad.Tensor) and total.ndim == 0 and total.dtype == minigrad.float32
    np.testing.assert_allclose(total.item(), reference.item(), rtol=1e-6)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6, atol=1e-9)
    if max_norm < 1:
        clipped = nn_utils.get_total_norm([p.grad for p in ours.parameters()], norm_type)
        assert clipped.item() <= max_norm * (1 + 1e-5)


def test_clip_grad_norm_non_finite_and_edge_cases():
    ours, theirs = _backward_both()
    ours[0].weight.grad[0, 0] = float("inf")
    theirs[0].weight.grad[0, 0] = float("inf")
    with pytest.raises(RuntimeError, match="non-finite"):
        nn_utils.clip_grad_norm_(ours.parameters(), 1.0, error_if_nonfinite=True)
    total = nn_utils.clip_grad_norm_(ours.parameters(), 1.0)
    reference = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
    assert math.isinf(total.item()) and math.isinf(reference.item())
    np.testing.assert_array_equal(np.isnan(ours[2].weight.grad.numpy()), np.isnan(theirs[2].weight.grad.numpy()))
    assert nn_utils.clip_grad_norm_([nn.Parameter(minigrad.zeros(2))], 1.0).item() == 0.0  # no gradients
    single = nn.Parameter(minigrad.zeros(2))
    single.grad = minigrad.tensor([3.0, 4.0])
    assert nn_utils.clip_grad_norm_(single, 1.0).item() == 5.0  # a lone tensor works too


def test_clip_grad_value_and_parameter_vectors_match_torch():
    ours, theirs = _backward_both(scale=10.0)
    nn_utils.clip_grad_value_(ours.parameters(), 0.5)
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    vector = nn_utils.parameters_to_vector(ours.parameters())
    reference = torch.nn.utils.parameters_to_vector(theirs.parameters())
    np.testing.assert_array_equal(vector.detach().numpy(), reference.detach().numpy())
    vector.sum().backward()  # differentiable, as torch's
    assert ours[0].bias.grad is not None
    nn_utils.vector_to_parameters(minigrad.arange(vector.numel()).float(), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(reference.numel()).float(), theirs.parameters())
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    with pytest.raises(RuntimeError, match="is invalid for input of size 3"):
        nn_utils.vector_to_parameters(minigrad.zeros(3), ours.parameters())


def test_autograd_grad_matches_torch_and_leaves_grad_alone():
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=lib.float64, requires_grad=True)  # float64: exact
        w = lib.tensor([0.5, -1.5], dtype=lib.float64, requires_grad=True)
        unused = lib.tensor([1.0], requires_grad=True)
        hidden = (x * w).tanh()
        y = hidden.sum() * 2
        z = (hidden ** 2).mean()
        gx, gw, gu = lib.autograd.grad([y, z], [x, w, unused], allow_unused=True, retain_graph=True)
        (gh,) = lib.autograd.grad(y, hidden)  # an intermediate tensor as input
        (gm,) = lib.autograd.grad(z, w, grad_outputs=lib.tensor(3.0, dtype=lib.float64), materialize_grads=True)
        assert x.grad is None and w.grad is None and gu is None
        results.append([t.detach().numpy() for t in (gx, gw, gh, gm)])
        with pytest.raises(RuntimeError, match="not have been used"):
            lib.autograd.grad((x * 2).sum(), [x, unused])
        with pytest.raises(RuntimeError, match="does not require grad"):
            lib.autograd.grad((x * 2).sum(), [lib.tensor([1.0])])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)


def test_backward_on_several_outputs_matches_torch():
    grads = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0, -1.0], requires_grad=True)
        lib.autograd.backward([(x * x).sum(), x * 3], [None, lib.tensor([1.0, 0.0, 2.0])])
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_grad_modes_as_torch():
    x = minigrad.ones(2, requires_grad=True)
    with minigrad.inference_mode():
        assert not minigrad.is_grad_enabled() and minigrad.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    assert minigrad.is_grad_enabled()
    with minigrad.inference_mode(False):
        assert (x * 2).requires_grad

    @minigrad.inference_mode()
    def predict(t):
        return t * 2
    assert not predict(x).requires_grad and minigrad.is_grad_enabled()
    with minigrad.set_grad_enabled(False):
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()
    v = minigrad.autograd.Variable(minigrad.ones(2), requires_grad=True)
    assert isinstance(v, minigrad.Tensor) and v.requires_grad and isinstance(x, minigrad.autograd.Variable)
    assert isinstance(torch.autograd.Variable(torch.ones(2)), torch.Tensor)


def test_gpu_era_names_run_on_a_cpu_install():
    import minigrad.backends.cudnn
    from minigrad.cuda.amp import GradScaler, autocast
    minigrad.backends.cudnn.benchmark = True
    minigrad.backends.cudnn.deterministic = True
    assert minigrad.backends.cudnn.is_available() is False and minigrad.backends.mps.is_available() is False
    minigrad.cuda.empty_cache()
    minigrad.cuda.manual_seed_all(0)
    assert issubclass(minigrad.cuda.OutOfMemoryError, RuntimeError)
    assert issubclass(torch.cuda.OutOfMemoryError, RuntimeError)
    model, _, x = _pair()
    optimizer = minigrad.optim.SGD(model.parameters(), lr=0.1)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    with pytest.warns(UserWarning, match="GradScaler"):
        scaler = GradScaler()
    with pytest.warns(UserWarning, match="autocast"):
        context = autocast()
    with context:
        loss = (model(minigrad.tensor(x)) ** 2).mean()
    assert loss.dtype == minigrad.float32
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    scaler.step(optimizer)
    scaler.update()
    assert scaler.get_scale() == 1.0 and not scaler.is_enabled() and scaler.state_dict() == {}
    assert any((p.detach().numpy() != b).any() for p, b in zip(model.parameters(), before))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # disabled: silent, as torch's
        minigrad.amp.GradScaler("cuda", enabled=False)
        with minigrad.autocast("cpu", enabled=False):
            pass
        reference = torch.amp.GradScaler("cuda", enabled=False)
    assert reference.get_scale() == 1.0 and reference.state_dict() == {}


def test_memory_formats_are_accepted_and_keep_values():
    x = minigrad.randn(2, 3, 4, 5)
    y = x.to(memory_format=minigrad.channels_last)
    z = x.contiguous(memory_format=minigrad.channels_last)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_array_equal(z.numpy(), x.numpy())
    assert x.is_contiguous() and x.is_contiguous(memory_format=minigrad.contiguous_format)
    assert not x.is_contiguous(memory_format=minigrad.channels_last)
    nhwc = minigrad.from_numpy(np.ascontiguousarray(x.numpy().transpose(0, 2, 3, 1))).permute(0, 3, 1, 2)
    assert nhwc.is_contiguous(memory_format=minigrad.channels_last)
    assert torch.tensor(nhwc.numpy()).permute(0, 1, 2, 3).shape == (2, 3, 4, 5)
    with pytest.raises(RuntimeError, match="rank 4"):
        minigrad.ones(3).to(memory_format=minigrad.channels_last)
    with pytest.raises(RuntimeError, match="rank 4"):
        torch.ones(3).to(memory_format=torch.channels_last)
    model = nn.Sequential(nn.Conv2d(3, 2, 3), nn.BatchNorm2d(2))
    assert model.to(memory_format=minigrad.channels_last) is model
    out = model(x)
    assert tuple(out.shape) == (2, 2, 2, 3)


def test_deepcopy_of_a_model_and_of_its_state_dict_as_torch():
    """The idiom ``best = copy.deepcopy(model.state_dict())`` keeps a snapshot; ``copy.deepcopy(model)`` gives an
    independent model whose parameters are still Parameters."""
    import copy
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    best = copy.deepcopy(model.state_dict())
    twin = copy.deepcopy(model)
    with minigrad.no_grad():
        model[0].weight.fill_(0.0)
    assert not (best["0.weight"].numpy() == 0).all() and not (twin[0].weight.detach().numpy() == 0).all()
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in twin.parameters())
    twin(minigrad.randn(1, 3, 5, 5)).sum().backward()
    assert twin[0].weight.grad is not None and model[0].weight.grad is None
    model.load_state_dict(best)
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), twin[0].weight.detach().numpy())
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(model[0].weight * 2)


def test_module_level_helpers_as_torch():
    a, b = minigrad.tensor([1.0, 2.0, float("nan")]), minigrad.tensor([1.0, 2.0 + 1e-7, float("nan")])
    ta, tb = torch.tensor([1.0, 2.0, float("nan")]), torch.tensor([1.0, 2.0 + 1e-7, float("nan")])
    assert minigrad.allclose(a, b) == torch.allclose(ta, tb) is False
    assert minigrad.allclose(a, b, equal_nan=True) == torch.allclose(ta, tb, equal_nan=True) is True
    assert minigrad.isclose(a, b).tolist() == torch.isclose(ta, tb).tolist()
    assert minigrad.equal(a[:1], b[:1]) and not minigrad.equal(a[:2], a[:1])
    assert minigrad.eye(2, 3).tolist() == torch.eye(2, 3).tolist() and minigrad.eye(3).dtype == minigrad.float32
    assert tuple(minigrad.empty_like(a).shape) == (3,) and minigrad.numel(a) == 3
    threads = minigrad.get_num_threads()
    minigrad.set_num_threads(1)
    assert minigrad.get_num_threads() == 1
    minigrad.set_num_threads(threads)
    minigrad.use_deterministic_algorithms(True)
    assert minigrad.are_deterministic_algorithms_enabled()
    minigrad.use_deterministic_algorithms(False)

"""Optimizers against ``torch.optim``: 10 steps from identical weights, update rules in float64, state_dict round
trips (schedulers: test_lr_scheduler.py)."""
import io

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import optim
from minigrad.backends.cpu import optim as cpu_optim

TOL = dict(atol=1e-6, rtol=1e-5)


def _models(seed=0):
    """The same Linear-Tanh-Linear in both libraries, with identical weights."""
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


_rng = np.random.default_rng(0)


X = _rng.standard_normal((8, 3)).astype(np.float32)


Y = _rng.standard_normal((8, 2)).astype(np.float32)


def _step(model, opt, lib, functional):
    opt.zero_grad()
    loss = functional.mse_loss(model(lib.tensor(X)), lib.tensor(Y))
    loss.backward()
    opt.step()
    return loss.item()


def _assert_same_params(ours, theirs, msg=""):
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), err_msg=f"{msg} {name}", **TOL)


def _run_both(make, steps=10, groups=None, seed=0):
    """Train both models with ``make(lib_optim, params)`` and compare every parameter after each step."""
    ours, theirs = _models(seed)
    our_params = groups(ours) if groups else ours.parameters()
    their_params = groups(theirs) if groups else theirs.parameters()
    our_opt, their_opt = make(optim, our_params), make(torch.optim, their_params)
    for i in range(steps):
        our_loss = _step(ours, our_opt, minigrad, F)
        their_loss = _step(theirs, their_opt, torch, torch.nn.functional)
        np.testing.assert_allclose(our_loss, their_loss, rtol=1e-5, err_msg=f"loss at step {i}")
        _assert_same_params(ours, theirs, f"after step {i + 1}:")
    return ours, theirs, our_opt, their_opt


CONFIGS = {
    "sgd": lambda o, p: o.SGD(p, lr=0.1),
    "sgd-momentum-dampening-wd": lambda o, p: o.SGD(p, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "sgd-nesterov": lambda o, p: o.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
    "sgd-maximize": lambda o, p: o.SGD(p, lr=0.01, momentum=0.5, maximize=True, weight_decay=0.1),
    "adam": lambda o, p: o.Adam(p, lr=0.01),
    "adam-wd": lambda o, p: o.Adam(p, lr=0.01, weight_decay=0.1),
    "adam-amsgrad": lambda o, p: o.Adam(p, lr=0.02, betas=(0.8, 0.99), amsgrad=True),
    "adam-small-beta1-maximize": lambda o, p: o.Adam(p, lr=0.005, betas=(0.3, 0.9), maximize=True),
    "adamw": lambda o, p: o.AdamW(p, lr=0.01),
    "adamw-amsgrad": lambda o, p: o.AdamW(p, lr=0.01, weight_decay=0.1, amsgrad=True),
    "rmsprop": lambda o, p: o.RMSprop(p, lr=0.01),
    "rmsprop-centered-momentum-wd": lambda o, p: o.RMSprop(p, lr=0.005, alpha=0.9, momentum=0.8, centered=True,
                                                           weight_decay=0.05),
    "adagrad": lambda o, p: o.Adagrad(p, lr=0.05),
    "adagrad-decay-wd-init": lambda o, p: o.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                                    initial_accumulator_value=0.5, eps=1e-6),
    "adagrad-maximize": lambda o, p: o.Adagrad(p, lr=0.01, maximize=True),
    "adadelta": lambda o, p: o.Adadelta(p),
    "adadelta-rho-eps-wd-maximize": lambda o, p: o.Adadelta(p, lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1,
                                                            maximize=True),
    "adamax": lambda o, p: o.Adamax(p),
    "adamax-betas-wd-maximize": lambda o, p: o.Adamax(p, lr=0.01, betas=(0.7, 0.95), weight_decay=0.1,
                                                      maximize=True),
    "nadam": lambda o, p: o.NAdam(p, lr=0.01),
    "nadam-decay-wd": lambda o, p: o.NAdam(p, lr=0.02, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01),
    "nadam-decoupled-maximize": lambda o, p: o.NAdam(p, weight_decay=0.1, decoupled_weight_decay=True,
                                                     maximize=True),
    "radam": lambda o, p: o.RAdam(p, lr=0.01),
    "radam-short-warmup-wd": lambda o, p: o.RAdam(p, lr=0.02, betas=(0.8, 0.9), weight_decay=0.1),
    "radam-decoupled-maximize": lambda o, p: o.RAdam(p, lr=0.01, betas=(0.9, 0.8), weight_decay=0.1,
                                                     decoupled_weight_decay=True, maximize=True),
}


RULES = dict(CONFIGS, **{
    "rmsprop-low-alpha-maximize": lambda o, p: o.RMSprop(p, lr=0.001, alpha=0.3, centered=True, maximize=True),
})


@pytest.mark.parametrize("name", list(CONFIGS))
def test_optimizer_matches_torch_for_10_steps(name):
    _run_both(CONFIGS[name])


@pytest.mark.parametrize("name", ["sgd-momentum-dampening-wd", "adam"])
def test_param_groups_with_different_lrs(name):
    def groups(model):
        return [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.001}]

    ours, theirs, our_opt, their_opt = _run_both(CONFIGS[name], groups=groups)
    assert [g["lr"] for g in our_opt.param_groups] == [g["lr"] for g in their_opt.param_groups]


def test_zero_grad_set_to_none_or_zeros():
    ours, _ = _models()
    opt = optim.SGD(ours.parameters(), lr=0.1)
    F.mse_loss(ours(minigrad.tensor(X)), minigrad.tensor(Y)).backward()
    held = ours[0].weight.grad
    opt.zero_grad(set_to_none=False)
    assert ours[0].weight.grad is held  # zeroed in place, as torch's grad.zero_()
    assert all(p.grad is not None and not p.grad.numpy().any() for p in ours.parameters())
    opt.zero_grad()  # set_to_none=True is the default
    assert all(p.grad is None for p in ours.parameters())
    # A parameter without a gradient is skipped by step(), as in torch.
    before = ours[2].bias.detach().numpy().copy()
    opt.step()
    np.testing.assert_array_equal(ours[2].bias.detach().numpy(), before)


def _train(model, opt, steps):
    for _ in range(steps):
        _step(model, opt, minigrad, F)


@pytest.mark.parametrize("name", ["sgd-nesterov", "adam-amsgrad", "adamw", "rmsprop-centered-momentum-wd",
                                  "adagrad-decay-wd-init", "adadelta-rho-eps-wd-maximize", "adamax",
                                  "nadam-decay-wd", "radam-short-warmup-wd"])
@pytest.mark.parametrize("via_npz", [False, True], ids=["dict", "npz"])
def test_state_dict_round_trip_continues_like_uninterrupted_run(name, via_npz):
    make = CONFIGS[name]
    straight, _ = _models()
    straight_opt = make(optim, straight.parameters())
    _train(straight, straight_opt, 6)

    first, _ = _models()
    first_opt = make(optim, first.parameters())
    _train(first, first_opt, 3)
    saved_model, saved_opt = first.state_dict(), first_opt.state_dict()
    if via_npz:
        buffer = io.BytesIO()
        np.savez(buffer, **saved_model, **optim.state_dict_to_arrays(saved_opt))
        buffer.seek(0)
        with np.load(buffer, allow_pickle=False) as npz:
            arrays = dict(npz)
        saved_model = {k: v for k, v in arrays.items() if not k.startswith("optimizer.")}
        saved_opt = optim.state_dict_from_arrays(arrays)

    resumed, _ = _models(seed=1)  # other weights: everything must come from the checkpoint
    resumed.load_state_dict(saved_model)
    resumed_opt = make(optim, resumed.parameters())
    resumed_opt.load_state_dict(saved_opt)
    _train(resumed, resumed_opt, 3)
    for (name_, a), b in zip(straight.named_parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=name_)


def test_state_dict_layout_matches_torch():
    ours, theirs, our_opt, their_opt = _run_both(CONFIGS["adam-amsgrad"], steps=3)
    mine, reference = our_opt.state_dict(), their_opt.state_dict()
    assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in reference["param_groups"]]
    assert sorted(mine["state"]) == sorted(reference["state"])
    for i, entry in reference["state"].items():
        assert set(mine["state"][i]) == set(entry)
        assert float(mine["state"][i]["step"]) == float(entry["step"]) == 3
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            np.testing.assert_allclose(mine["state"][i][key], entry[key].numpy(), **TOL)
    # Plain SGD keeps no state, momentum SGD a buffer per parameter, as torch.
    _, _, sgd, torch_sgd = _run_both(CONFIGS["sgd"], steps=1)
    assert sgd.state_dict()["state"] == {} == torch_sgd.state_dict()["state"]
    _, _, sgd, torch_sgd = _run_both(CONFIGS["sgd-nesterov"], steps=2)
    for i, entry in torch_sgd.state_dict()["state"].items():
        np.testing.assert_allclose(sgd.state_dict()["state"][i]["momentum_buffer"],
                                   entry["momentum_buffer"].numpy(), **TOL)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_state_dict_entries_are_tensors_where_torchs_are(name):
    """A script reads ``state_dict()['state'][0]['step'].item()`` or moves every tensor entry to a device: each
    entry is a Tensor of PyTorch's dtype and shape (step counts 0-d float32), or the same Python value."""
    ours, _, our_opt, their_opt = _run_both(CONFIGS[name], steps=3)
    mine, reference = our_opt.state_dict()["state"], their_opt.state_dict()["state"]
    for i, entry in reference.items():
        assert set(mine[i]) == set(entry)
        for key, value in entry.items():
            if isinstance(value, torch.Tensor):
                assert isinstance(mine[i][key], minigrad.Tensor), key
                assert (str(mine[i][key].dtype).split(".")[-1], tuple(mine[i][key].shape)) == \
                       (str(value.dtype).split(".")[-1], tuple(value.shape)), key
                np.testing.assert_allclose(mine[i][key].numpy(), value.numpy(), **TOL)
            else:
                assert mine[i][key] == value, key
    # a later step leaves a state dict taken before it as it was (minigrad's tensors are copies)
    before = {(i, k): v.numpy().copy() for i, e in mine.items() for k, v in e.items() if isinstance(v, minigrad.Tensor)}
    _train(ours, our_opt, 1)
    for (i, key), values in before.items():
        np.testing.assert_array_equal(mine[i][key].numpy(), values)


def test_load_state_dict_mismatch_changes_nothing():
    ours, _ = _models()
    opt = optim.Adam(ours.parameters(), lr=0.01)
    _train(ours, opt, 2)
    before = opt.state_dict()
    other = optim.Adam(ours[0].parameters(), lr=0.5)
    with pytest.raises(ValueError, match="parameter"):
        opt.load_state_dict(other.state_dict())
    bad = opt.state_dict()
    bad["state"][0]["exp_avg"] = np.zeros((2, 2), np.float32)
    with pytest.raises(ValueError, match="shape"):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for i in before["state"]:
        for k in before["state"][i]:
            np.testing.assert_array_equal(after["state"][i][k], before["state"][i][k])


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=-0.1),
    lambda p: optim.SGD(p, lr=0.1, momentum=-0.5),
    lambda p: optim.SGD(p, lr=0.1, weight_decay=-1),
    lambda p: optim.SGD(p, lr=0.1, nesterov=True),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda p: optim.Adam(p, lr=-1e-3),
    lambda p: optim.Adam(p, betas=(1.0, 0.999)),
    lambda p: optim.Adam(p, betas=(0.9, -0.1)),
    lambda p: optim.Adam(p, eps=-1e-8),
    lambda p: optim.Adam(p, weight_decay=-0.1),
    lambda p: optim.AdamW(p, lr=-1.0),
    lambda p: optim.AdamW(p, betas=(0.9, 1.5)),
    lambda p: optim.AdamW([], lr=0.1),
    lambda p: optim.SGD([{"params": p}, {"params": p[:1]}], lr=0.1),
    lambda p: optim.Adadelta(p, rho=1.1),
    lambda p: optim.Adadelta(p, lr=-1.0),
    lambda p: optim.Adadelta(p, eps=float("nan")),
    lambda p: optim.Adamax(p, betas=(0.9, 1.0)),
    lambda p: optim.NAdam(p, momentum_decay=-1.0),
    lambda p: optim.RAdam(p, lr=-0.1),
], ids=["sgd-lr", "sgd-momentum", "sgd-wd", "nesterov-no-momentum", "nesterov-dampening", "adam-lr", "adam-beta1",
        "adam-beta2", "adam-eps", "adam-wd", "adamw-lr", "adamw-beta2", "empty", "duplicate", "adadelta-rho",
        "adadelta-lr", "adadelta-eps-nan", "adamax-beta2", "nadam-momentum-decay", "radam-lr"])
def test_invalid_hyper_parameters_raise_value_error(make):
    with pytest.raises(ValueError):
        make(list(nn.Linear(2, 2).parameters()))


def test_step_closure_returns_loss():
    ours, _ = _models()
    opt = optim.SGD(ours.parameters(), lr=0.1)

    def closure():
        opt.zero_grad()
        loss = F.mse_loss(ours(minigrad.tensor(X)), minigrad.tensor(Y))
        loss.backward()
        return loss

    with minigrad.no_grad():
        first = opt.step(closure).item()  # the closure still records a graph, as torch's enable_grad()
    assert opt.step(closure).item() < first


# SGD and Adam run as CPU kernels: one thread below the backend's SERIAL_BELOW elements, all threads above, each
# checked. (The others are tensor ops; at 24576 elements centered RMSprop with alpha 0.3 drifts 1.2e-7 from torch,
# which fuses multiply-adds in its vectorized kernels: past this test's bound, not a kernel's doing.)
KERNEL_RULES = [name for name in RULES if name.startswith(("sgd", "adam"))]
SIZE_CASES = [(name, 1000) for name in RULES] + [(name, 3 * cpu_optim.SERIAL_BELOW) for name in KERNEL_RULES]


@pytest.mark.parametrize("name, size", SIZE_CASES)
def test_update_rule_in_float64_equals_torch(name, size):
    """In float64 the update rules agree with PyTorch's to the last bits: the order of operations is PyTorch's."""
    rng = np.random.default_rng(2)
    start = rng.standard_normal(size)
    ours, theirs = nn.Parameter(minigrad.tensor(start)), torch.nn.Parameter(torch.tensor(start))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for i in range(10):
        g = rng.standard_normal(size) * 10 ** rng.uniform(-3, 1, size)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-13, atol=1e-15,
                                   err_msg=f"step {i + 1}")


@pytest.mark.parametrize("name, size", SIZE_CASES)
def test_update_rule_is_exact_given_identical_gradients(name, size):
    """Fed the same gradients (magnitudes 1e-3 to 10) from zero weights with a 10x lr, each step starting from
    PyTorch's weights and state, the steps differ only by float32 rounding. The bound, 1e-6 of the largest weight,
    catches forming 1 - beta2 in float32 (a 1.3e-5 relative bias of every Adam step). (Without the resync one
    weight of adam-wd drifted 1.5e-6: torch's vector sqrt is faithful, not correctly rounded, and where
    g + wd * p cancels, its last bit is amplified step after step.)"""
    rng = np.random.default_rng(1)
    ours, theirs = nn.Parameter(minigrad.zeros(size)), torch.nn.Parameter(torch.zeros(size))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for group in our_opt.param_groups + their_opt.param_groups:
        group["lr"] *= 10
    for i in range(10):
        g = (rng.standard_normal(size) * 10 ** rng.uniform(-3, 1, size)).astype(np.float32)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        reference = theirs.detach().numpy()
        np.testing.assert_allclose(ours.detach().numpy(), reference, rtol=0, atol=1e-6 * np.abs(reference).max(),
                                   err_msg=f"step {i + 1}")
        with minigrad.no_grad():
            ours.copy_(minigrad.tensor(reference))
        saved = their_opt.state_dict()
        our_opt.load_state_dict({"state": {k: {n: v.numpy().copy() if torch.is_tensor(v) else v
                                               for n, v in entry.items()} for k, entry in saved["state"].items()},
                                 "param_groups": saved["param_groups"]})


@pytest.mark.parametrize("name", ["sgd", "sgd-momentum-dampening-wd", "sgd-nesterov", "sgd-maximize"])
@pytest.mark.parametrize("size", [1000, 3 * cpu_optim.SERIAL_BELOW])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sgd_is_pytorchs_to_the_last_bit(name, size, dtype):
    """PyTorch's CPU ``add(other, alpha=...)`` is a vector FMA (one rounding); SGD's kernel fuses the same four
    updates, so ten steps give PyTorch's weights bit for bit (with two roundings 9% of the weights were 1 ulp off
    after one step)."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal(size).astype(dtype)
    ours, theirs = nn.Parameter(minigrad.tensor(start)), torch.nn.Parameter(torch.tensor(start))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for i in range(10):
        g = (rng.standard_normal(size) * 10 ** rng.uniform(-3, 1, size)).astype(dtype)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy(), err_msg=f"step {i + 1}")


@pytest.mark.parametrize("name", ["adam", "adam-wd", "adam-amsgrad", "adam-small-beta1-maximize"])
def test_adam_moments_are_pytorchs_to_the_last_bit(name):
    """Adam's moments are PyTorch's bit for bit, step after step, from the same weights: its lerp and addcmul
    kernels round as FMAs. (The weights themselves differ in the last bit where torch's vector sqrt, within 0.75
    ulp rather than 0.5, rounds the other way.)"""
    rng = np.random.default_rng(4)
    size = 3 * cpu_optim.SERIAL_BELOW
    start = rng.standard_normal(size).astype(np.float32)
    ours, theirs = nn.Parameter(minigrad.tensor(start)), torch.nn.Parameter(torch.tensor(start))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for i in range(5):
        g = (rng.standard_normal(size) * 10 ** rng.uniform(-3, 1, size)).astype(np.float32)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        for moment in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_array_equal(our_opt.state[ours][moment].numpy(),
                                          their_opt.state[theirs][moment].numpy(), err_msg=f"{moment}, step {i}")
        with minigrad.no_grad():
            ours.copy_(minigrad.tensor(theirs.detach().numpy()))


@pytest.mark.parametrize("name", ["sgd-momentum-dampening-wd", "adam-amsgrad", "adamw",
                                  "rmsprop-centered-momentum-wd", "adagrad-decay-wd-init", "adadelta", "adamax",
                                  "nadam", "radam"])
def test_torch_optimizer_state_dict_loads_and_training_continues_identically(name):
    ours, theirs = _models()
    their_opt = CONFIGS[name](torch.optim, theirs.parameters())
    for _ in range(3):
        _step(theirs, their_opt, torch, torch.nn.functional)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    saved = their_opt.state_dict()
    our_opt = CONFIGS[name](optim, ours.parameters())
    our_opt.load_state_dict({"state": {i: {k: v.numpy() if torch.is_tensor(v) else v for k, v in entry.items()}
                                       for i, entry in saved["state"].items()},
                             "param_groups": saved["param_groups"]})
    for i in range(3):
        _step(ours, our_opt, minigrad, F)
        _step(theirs, their_opt, torch, torch.nn.functional)
        _assert_same_params(ours, theirs, f"step {i + 4}:")

"""Optimizers and schedulers against ``torch.optim``: 10 steps from identical weights, state_dict round trips."""
import io
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import optim
from minigrad.optim import lr_scheduler

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
}
# Gradient ascent through centered RMSprop with a low alpha amplifies float32 rounding along a model's trajectory
# (1.6e-6 apart after 10 steps, while float64 trajectories agree to 2e-16): checked with identical gradients only.
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
                                  "adagrad-decay-wd-init"])
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


def _lr_sequences(make_scheduler, epochs=25, lrs=(0.1, 0.03)):
    sequences = []
    for lib in (optim, torch.optim):
        make_param = (lambda: nn.Parameter(minigrad.zeros(1))) if lib is optim else (
            lambda: torch.nn.Parameter(torch.zeros(1)))
        params = [{"params": [make_param()], "lr": lr} for lr in lrs]
        opt = lib.SGD(params, lr=lrs[0])
        sched = make_scheduler(lib.lr_scheduler, opt)
        seq = []
        for _ in range(epochs):
            seq.append(list(sched.get_last_lr()) + [g["lr"] for g in opt.param_groups])
            opt.step()
            sched.step()
        sequences.append(np.array(seq))
    return sequences


@pytest.mark.parametrize("step_size,gamma", [(1, 0.5), (3, 0.1), (7, 0.9), (30, 0.1)])
def test_steplr_matches_torch(step_size, gamma):
    ours, theirs = _lr_sequences(lambda L, o: L.StepLR(o, step_size=step_size, gamma=gamma))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


@pytest.mark.parametrize("T_max,eta_min", [(10, 0.0), (25, 0.001), (4, 0.01), (1, 0.0), (7, 0.05)])
def test_cosine_annealing_matches_torch(T_max, eta_min):
    ours, theirs = _lr_sequences(lambda L, o: L.CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)


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
], ids=["sgd-lr", "sgd-momentum", "sgd-wd", "nesterov-no-momentum", "nesterov-dampening", "adam-lr", "adam-beta1",
        "adam-beta2", "adam-eps", "adam-wd", "adamw-lr", "adamw-beta2", "empty", "duplicate"])
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


@pytest.mark.parametrize("name", list(RULES))
def test_update_rule_in_float64_equals_torch(name):
    """In float64 the update rules agree with PyTorch's to the last bits: the order of operations is PyTorch's."""
    rng = np.random.default_rng(2)
    start = rng.standard_normal(500)
    ours, theirs = nn.Parameter(minigrad.tensor(start)), torch.nn.Parameter(torch.tensor(start))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for i in range(10):
        g = rng.standard_normal(500) * 10 ** rng.uniform(-3, 1, 500)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-13, atol=1e-15,
                                   err_msg=f"step {i + 1}")


@pytest.mark.parametrize("name", list(RULES))
def test_update_rule_is_exact_given_identical_gradients(name):
    """Fed the same gradients (magnitudes 1e-3 to 10) from zero weights with a 10x lr, the trajectories differ
    only by float32 rounding: measured at most 2.5e-7 of the largest weight. The bound, 1e-6 of it, catches
    forming 1 - beta2 in float32 (a 1.3e-5 relative bias of every Adam step: 6.6e-6 after 10 steps)."""
    rng = np.random.default_rng(1)
    ours, theirs = nn.Parameter(minigrad.zeros(1000)), torch.nn.Parameter(torch.zeros(1000))
    our_opt, their_opt = RULES[name](optim, [ours]), RULES[name](torch.optim, [theirs])
    for group in our_opt.param_groups + their_opt.param_groups:
        group["lr"] *= 10
    for i in range(10):
        g = (rng.standard_normal(1000) * 10 ** rng.uniform(-3, 1, 1000)).astype(np.float32)
        ours.grad, theirs.grad = minigrad.tensor(g), torch.tensor(g)
        our_opt.step()
        their_opt.step()
        reference = theirs.detach().numpy()
        np.testing.assert_allclose(ours.detach().numpy(), reference, rtol=0, atol=1e-6 * np.abs(reference).max(),
                                   err_msg=f"step {i + 1}")


def _sgd_pair(lr=0.1):
    ours = optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=lr)
    theirs = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    return ours, theirs


@pytest.mark.parametrize("make", [lambda L, o: L.StepLR(o, step_size=3, gamma=0.5),
                                  lambda L, o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.01)], ids=["step", "cosine"])
def test_step_with_epoch_uses_the_closed_form_as_torch(make):
    our_opt, their_opt = _sgd_pair()
    ours, theirs = make(lr_scheduler, our_opt), make(torch.optim.lr_scheduler, their_opt)
    with pytest.warns(UserWarning, match="epoch"):
        ours.step(4)
    for epoch in (3, 7, 12, 25, 9):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours.step(epoch)
            theirs.step(epoch)
        assert ours.last_epoch == theirs.last_epoch == epoch
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)
        np.testing.assert_allclose(ours._get_closed_form_lr(), theirs._get_closed_form_lr(), rtol=1e-12)
    ours.step()  # back to the recursive form, from the jumped-to lr
    their_opt.step()
    theirs.step()
    np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)


@pytest.mark.parametrize("make", [lambda L, o: L.StepLR(o, step_size=4, gamma=0.3),
                                  lambda L, o: L.CosineAnnealingLR(o, T_max=6, eta_min=0.001)], ids=["step", "cosine"])
def test_scheduler_state_dict_resumes_the_same_sequence(make):
    straight_opt, _ = _sgd_pair()
    straight = make(lr_scheduler, straight_opt)
    expected = []
    for _ in range(15):
        straight.step()
        expected.append(straight.get_last_lr()[0])

    first_opt, _ = _sgd_pair()
    first = make(lr_scheduler, first_opt)
    for _ in range(5):
        first.step()
    saved_opt, saved_sched = first_opt.state_dict(), first.state_dict()
    assert "optimizer" not in saved_sched and saved_sched["last_epoch"] == 5
    resumed_opt, _ = _sgd_pair(lr=0.7)  # another lr: it must come from the checkpoint
    resumed_opt.load_state_dict(saved_opt)
    resumed = make(lr_scheduler, resumed_opt)
    resumed.load_state_dict(saved_sched)
    got = expected[:5]
    for _ in range(10):
        resumed.step()
        got.append(resumed.get_last_lr()[0])
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["sgd-momentum-dampening-wd", "adam-amsgrad", "adamw",
                                  "rmsprop-centered-momentum-wd", "adagrad-decay-wd-init"])
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


class _Halving:
    """A callable object as lr_lambda: its attributes travel in the scheduler's state_dict, as in PyTorch."""

    def __init__(self):
        self.rate = 0.5

    def __call__(self, epoch):
        return self.rate ** (epoch // 3)


SCHEDULERS = {
    "multistep": lambda L, o: L.MultiStepLR(o, milestones=[3, 8, 8, 15], gamma=0.3),
    "exponential": lambda L, o: L.ExponentialLR(o, gamma=0.87),
    "lambda": lambda L, o: L.LambdaLR(o, lr_lambda=lambda e: 1.0 / (1 + e)),
    "lambda-per-group": lambda L, o: L.LambdaLR(o, lr_lambda=[lambda e: 0.9 ** e, lambda e: 1 + e % 4]),
    "multiplicative": lambda L, o: L.MultiplicativeLR(o, lr_lambda=lambda e: 0.95),
    "linear": lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=7),
    "linear-default": lambda L, o: L.LinearLR(o),
    "onecycle-cos": lambda L, o: L.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=26),
    "onecycle-one-group": lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=26, base_momentum=0.8),
    "onecycle-linear-3phase": lambda L, o: L.OneCycleLR(o, max_lr=0.3, epochs=2, steps_per_epoch=13,
                                                        anneal_strategy="linear", three_phase=True, pct_start=0.25),
    "warm-restarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=4, eta_min=0.001),
    "warm-restarts-mult": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "sequential": lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.2, total_iters=4),
                                                  L.ExponentialLR(o, gamma=0.9)], milestones=[5]),
    "constant": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=3),
    "sequential-3": lambda L, o: L.SequentialLR(o, [L.ConstantLR(o, factor=0.5, total_iters=2),
                                                    L.StepLR(o, 3, 0.5), L.CosineAnnealingLR(o, T_max=6)],
                                                milestones=[4, 12]),
    "callable-object": lambda L, o: L.LambdaLR(o, lr_lambda=_Halving()),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_matches_torch_step_for_step(name):
    ours, theirs = _lr_sequences(SCHEDULERS[name], epochs=26)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["onecycle-one-group", "onecycle-linear-3phase"])
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_onecycle_cycles_momentum_as_torch(name, optimizer):
    seen = []
    for lib in (optim, torch.optim):
        param = nn.Parameter(minigrad.zeros(1)) if lib is optim else torch.nn.Parameter(torch.zeros(1))
        opt = lib.SGD([param], lr=0.1, momentum=0.9) if optimizer == "SGD" else lib.Adam([param], lr=0.1)
        sched = SCHEDULERS[name](lib.lr_scheduler, opt)
        trace = []
        for _ in range(25):
            group = opt.param_groups[0]
            trace.append([group["lr"], group["momentum"] if optimizer == "SGD" else group["betas"][0]])
            opt.step()
            sched.step()
        seen.append(np.array(trace))
    np.testing.assert_allclose(seen[0], seen[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kwargs", [dict(), dict(mode="max", factor=0.5, patience=2, threshold=0.1),
                                    dict(patience=1, threshold_mode="abs", threshold=0.05, cooldown=2, min_lr=0.004),
                                    dict(patience=0, factor=0.2, min_lr=[0.01, 0.001], eps=1e-3)],
                         ids=["defaults", "max-rel", "abs-cooldown-minlr", "per-group-minlr-eps"])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.94, 0.96, 0.97, 0.7, 0.71, 0.72, 0.73, 0.74, 0.69, 0.69, 0.69] * 3
    traces = []
    for lib in (optim, torch.optim):
        make_param = (lambda: nn.Parameter(minigrad.zeros(1))) if lib is optim else (
            lambda: torch.nn.Parameter(torch.zeros(1)))
        opt = lib.SGD([{"params": [make_param()], "lr": 0.1}, {"params": [make_param()], "lr": 0.03}])
        sched = lib.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        trace = []
        for value in metrics:
            sched.step(torch.tensor(value) if lib is torch.optim else minigrad.tensor(value))  # a 0-d loss tensor
            trace.append(sched.get_last_lr() + [sched.num_bad_epochs, sched.cooldown_counter, sched.best])
        traces.append(np.array(trace))
    np.testing.assert_allclose(traces[0], traces[1], rtol=1e-12)
    assert traces[0][-1][0] < 0.1  # the lr did come down


@pytest.mark.parametrize("name", ["multistep", "onecycle-one-group", "warm-restarts-mult", "callable-object",
                                  "plateau"])
def test_every_scheduler_resumes_from_its_state_dict(name):
    def make(L, o):
        return L.ReduceLROnPlateau(o, patience=1) if name == "plateau" else SCHEDULERS[name](L, o)

    def advance(sched, opt, steps, start):
        out = []
        for i in range(start, start + steps):
            opt.step()
            sched.step(*([1.0 / (1 + i % 3)] if name == "plateau" else []))
            out.append(sched.get_last_lr())
        return out

    straight_opt = optim.SGD([nn.Parameter(minigrad.zeros(1)), ], lr=0.1, momentum=0.9)
    straight = make(lr_scheduler, straight_opt)
    expected = advance(straight, straight_opt, 20, 0)
    first_opt = optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=0.1, momentum=0.9)
    first = make(lr_scheduler, first_opt)
    got = advance(first, first_opt, 8, 0)
    saved_opt, saved = first_opt.state_dict(), first.state_dict()
    if name == "callable-object":
        assert saved["lr_lambdas"] == [{"rate": 0.5}]
    resumed_opt = optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=0.7, momentum=0.5)
    resumed_opt.load_state_dict(saved_opt)
    resumed = make(lr_scheduler, resumed_opt)
    resumed.load_state_dict(saved)
    got += advance(resumed, resumed_opt, 12, 8)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_sequential_lr_resumes_as_torch_does():
    """A new SequentialLR resets the lrs to initial_lr in its constructor and load_state_dict does not restore them:
    PyTorch's resumed run then differs from the uninterrupted one. minigrad does the same, lr for lr."""
    runs = []
    for lib in (optim, torch.optim):
        make_param = (lambda: nn.Parameter(minigrad.zeros(1))) if lib is optim else (
            lambda: torch.nn.Parameter(torch.zeros(1)))
        first_opt = lib.SGD([make_param()], lr=0.1)
        first = SCHEDULERS["sequential"](lib.lr_scheduler, first_opt)
        lrs = []
        for _ in range(8):
            first_opt.step()
            first.step()
            lrs.append(first.get_last_lr()[0])
        resumed_opt = lib.SGD([make_param()], lr=0.7)
        resumed_opt.load_state_dict(first_opt.state_dict())
        resumed = SCHEDULERS["sequential"](lib.lr_scheduler, resumed_opt)
        resumed.load_state_dict(first.state_dict())
        for _ in range(12):
            resumed_opt.step()
            resumed.step()
            lrs.append(resumed.get_last_lr()[0])
        runs.append(lrs)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12)

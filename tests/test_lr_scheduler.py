"""Learning-rate schedulers against ``torch.optim.lr_scheduler``: learning rates step for step, closed forms,
state_dict round trips, ReduceLROnPlateau, OneCycleLR's momentum."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad import optim
from minigrad.optim import lr_scheduler


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
    "polynomial": lambda L, o: L.PolynomialLR(o, total_iters=9, power=2.0),
    "chained": lambda L, o: L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=3),
                                                L.ExponentialLR(o, gamma=0.9)]),
    "cyclic": lambda L, o: L.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=4),
    "cyclic-triangular2": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5, mode="triangular2"),
    "cyclic-exp-range": lambda L, o: L.CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=2, mode="exp_range", gamma=0.9),
    "cyclic-scale-fn": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.8 ** x,
                                               scale_mode="iterations", cycle_momentum=False),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_matches_torch_step_for_step(name):
    ours, theirs = _lr_sequences(SCHEDULERS[name], epochs=26)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["onecycle-one-group", "onecycle-linear-3phase", "cyclic-triangular2"])
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
                                  "plateau", "polynomial", "cyclic-triangular2"])
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

"""An optimizer's state saved by one library continues in the other: three steps in PyTorch (or minigrad), the
parameters and optimizer.state_dict() saved with torch.save (minigrad.save), loaded by the other library into a
fresh optimizer, three more steps there; the parameters equal those of the run that never left its library (float64,
1e-10), and the state holds PyTorch's keys. Every optimizer, LBFGS's flat history included."""

import numpy as np
import pytest
import torch

import minigrad

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adadelta", dict()),
    ("Adamax", dict()),
    ("NAdam", dict(decoupled_weight_decay=True, weight_decay=0.1)),
    ("RAdam", dict()),
    ("ASGD", dict()),
    ("Rprop", dict()),
    ("Adafactor", dict()),
    ("LBFGS", dict()),
]


def _model(lib, name, options, seed):
    rng = np.random.default_rng(seed)
    params = [
        lib.nn.Parameter(lib.tensor(rng.standard_normal((3, 2)))),
        lib.nn.Parameter(lib.tensor(rng.standard_normal(2))),
    ]
    return params, getattr(lib.optim, name)(params, **options)


def _steps(lib, params, optimizer, batches):
    for x in batches:

        def closure():
            optimizer.zero_grad()
            loss = ((lib.tensor(x) @ params[0] + params[1]) ** 2).mean()
            loss.backward()
            return loss

        optimizer.step(closure)


@pytest.mark.parametrize("name, options", OPTIMIZERS)
@pytest.mark.parametrize("writer, reader", [(torch, minigrad), (minigrad, torch)])
def test_optimizer_state_moves_between_libraries(name, options, writer, reader, tmp_path):
    batches = np.random.default_rng(1).standard_normal((6, 4, 3))
    params, optimizer = _model(writer, name, options, 0)
    _steps(writer, params, optimizer, batches[:3])
    writer.save({"optimizer": optimizer.state_dict(), "params": [p.detach() for p in params]}, tmp_path / "ck.pt")
    checkpoint = reader.load(tmp_path / "ck.pt")
    moved, moved_optimizer = _model(reader, name, options, 0)
    with reader.no_grad():
        for p, saved in zip(moved, checkpoint["params"]):
            p.copy_(saved)
    moved_optimizer.load_state_dict(checkpoint["optimizer"])
    _steps(reader, moved, moved_optimizer, batches[3:])
    _steps(writer, params, optimizer, batches[3:])
    for have, want in zip(moved, params):
        np.testing.assert_allclose(have.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    ours, theirs = (moved_optimizer, optimizer) if reader is minigrad else (optimizer, moved_optimizer)
    assert [sorted(s) for s in ours.state_dict()["state"].values()] == [
        sorted(s) for s in theirs.state_dict()["state"].values()
    ]


SCHEDULERS = [("StepLR", dict(step_size=2, gamma=0.5)), ("MultiStepLR", dict(milestones=[2, 4])),
              ("OneCycleLR", dict(max_lr=0.1, total_steps=20)), ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2)),
              ("ReduceLROnPlateau", dict(patience=1)), ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3)),
              ("ExponentialLR", dict(gamma=0.9)), ("PolynomialLR", dict(total_iters=5)),
              ("CosineAnnealingLR", dict(T_max=5)), ("LinearLR", dict()), ("ConstantLR", dict())]


@pytest.mark.parametrize("name, options", SCHEDULERS)
@pytest.mark.parametrize("writer, reader", [(torch, minigrad), (minigrad, torch)])
def test_scheduler_state_moves_between_libraries(name, options, writer, reader, tmp_path):
    """Four steps in one library, the optimizer's and scheduler's states saved and loaded by the other, six more
    steps in both: the same learning rates and state keys (MultiStepLR's milestones travel as a Counter)."""
    def make(lib):
        optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(2))], lr=0.05, momentum=0.9)
        return optimizer, getattr(lib.optim.lr_scheduler, name)(optimizer, **options)

    def step(optimizer, scheduler):
        optimizer.step()
        scheduler.step(1.0) if name == "ReduceLROnPlateau" else scheduler.step()

    optimizer, scheduler = make(writer)
    for _ in range(4):
        step(optimizer, scheduler)
    writer.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp_path / "s.pt")
    checkpoint = reader.load(tmp_path / "s.pt")
    moved_optimizer, moved_scheduler = make(reader)
    moved_optimizer.load_state_dict(checkpoint["optimizer"])
    moved_scheduler.load_state_dict(checkpoint["scheduler"])
    for _ in range(6):
        step(optimizer, scheduler)
        step(moved_optimizer, moved_scheduler)
        assert moved_optimizer.param_groups[0]["lr"] == pytest.approx(optimizer.param_groups[0]["lr"], rel=1e-12)
    assert sorted(moved_scheduler.state_dict()) == sorted(scheduler.state_dict())

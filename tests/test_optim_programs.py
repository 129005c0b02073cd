"""Random optimizer settings against torch.optim in float64: SGD (momentum, dampening, nesterov), Adam and AdamW
(amsgrad), RMSprop (centered, momentum), Adagrad, Adadelta, Adamax, NAdam and RAdam (decoupled weight decay), ASGD
and Rprop, each with weight decay and maximize where it has them; 2 to 8 steps of a small tanh regression, the
parameters equal to 1e-9."""

import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results


def _config(seed):
    """(optimizer name, its keyword arguments, how many steps, a seed for the values)."""
    p = random.Random(seed)
    name = p.choice(
        ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"]
    )
    kw = {}
    if name == "SGD":
        kw = dict(
            lr=p.choice([0.1, 0.01]),
            momentum=p.choice([0, 0.9]),
            weight_decay=p.choice([0, 0.1]),
            maximize=p.random() < 0.3,
        )
        if kw["momentum"]:
            kw["nesterov"] = p.random() < 0.5
            if not kw["nesterov"]:
                kw["dampening"] = p.choice([0, 0.5])
    elif name in ("Adam", "AdamW"):
        kw = dict(
            lr=p.choice([0.1, 0.01]),
            betas=(p.choice([0.9, 0.5]), p.choice([0.999, 0.9])),
            eps=p.choice([1e-8, 1e-3]),
            weight_decay=p.choice([0, 0.1]),
            amsgrad=p.random() < 0.5,
            maximize=p.random() < 0.3,
        )
    elif name == "RMSprop":
        kw = dict(
            lr=0.01,
            alpha=p.choice([0.99, 0.9]),
            momentum=p.choice([0, 0.9]),
            centered=p.random() < 0.5,
            weight_decay=p.choice([0, 0.1]),
            maximize=p.random() < 0.3,
        )
    elif name == "Adagrad":
        kw = dict(
            lr=0.1,
            lr_decay=p.choice([0, 0.01]),
            weight_decay=p.choice([0, 0.1]),
            initial_accumulator_value=p.choice([0, 0.1]),
            maximize=p.random() < 0.3,
        )
    elif name == "Adadelta":
        kw = dict(
            lr=p.choice([1.0, 0.5]),
            rho=p.choice([0.9, 0.5]),
            weight_decay=p.choice([0, 0.1]),
            maximize=p.random() < 0.3,
        )
    elif name == "Adamax":
        kw = dict(lr=0.01, weight_decay=p.choice([0, 0.1]), maximize=p.random() < 0.3)
    elif name == "NAdam":
        kw = dict(
            lr=0.01,
            momentum_decay=p.choice([0.004, 0.01]),
            weight_decay=p.choice([0, 0.1]),
            decoupled_weight_decay=p.random() < 0.5,
            maximize=p.random() < 0.3,
        )
    elif name == "RAdam":
        kw = dict(
            lr=0.01,
            weight_decay=p.choice([0, 0.1]),
            decoupled_weight_decay=p.random() < 0.5,
            maximize=p.random() < 0.3,
        )
    elif name == "ASGD":
        kw = dict(
            lr=0.01,
            lambd=p.choice([1e-4, 1e-2]),
            alpha=0.75,
            t0=p.choice([1, 3]),
            weight_decay=p.choice([0, 0.1]),
            maximize=p.random() < 0.3,
        )
    elif name == "Rprop":
        kw = dict(lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, p.choice([50, 0.05])), maximize=p.random() < 0.3)
    return name, kw, p.randint(2, 8), p.randrange(1 << 30)


def _run(lib, name, kw, steps, seed):
    rng = np.random.default_rng(seed)
    w = lib.tensor(rng.standard_normal((3, 4)), dtype=lib.float64, requires_grad=True)
    b = lib.tensor(rng.standard_normal(4), dtype=lib.float64, requires_grad=True)
    opt = getattr(lib.optim, name)([w, b], **kw)
    xs = [rng.standard_normal((5, 3)) for _ in range(steps)]
    try:
        for x in xs:
            opt.zero_grad()
            out = lib.tensor(x, dtype=lib.float64) @ w + b
            loss = (out.tanh() ** 2).sum()
            loss.backward()
            opt.step()
    except (RuntimeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return [w.detach().numpy().copy(), b.detach().numpy().copy()]


@pytest.mark.parametrize("first", range(0, 400, 200))
def test_random_optimizer_settings_as_torch(first):
    for seed in range(first, first + 200):
        config = _config(seed)
        theirs = _run(torch, *config)
        if not isinstance(theirs, str):
            assert_same_results(_run(minigrad, *config), theirs, (seed, config), rtol=1e-9, atol=1e-11)

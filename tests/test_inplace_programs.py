"""Random short programs of views, in-place changes and ops on a tensor in the graph, run on both libraries: where
PyTorch computes a gradient, minigrad computes the same values and gradient (where PyTorch refuses with its
version-counter error, minigrad may compute one: its in-place ops save their own results, not the storage)."""
import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results

VIEWS = ["[0]", "[:, 1:3]", ".t()", ".reshape(-1)", ".diagonal()", "[1:, ::2]", ".unsqueeze(0)", "[..., -1]",
         ".view(2, 6)"]
CHANGES = ["mul_(3)", "add_(1)", "relu_()", "clamp_(max=4.0)", "mul_(t{other}.detach().abs().sum() + 1)",
           "sub_(0.5)", "pow_(2)", "neg_()", "sigmoid_()", "div_(2)"]
OPS = ["t{source} * 2 + 1", "t{source}.exp()", "t{source}.sum()", "t{source} * t{source}",
       "torch.tanh(t{source})", "t{source}.clone()"]


def program(seed):
    """Lines of Python over t0 = w (a leaf) and t1 = w * 2; returns them and the number of tensors made."""
    pick = random.Random(seed)
    lines, count = [], 2
    for _ in range(pick.randint(2, 7)):
        kind = pick.choice(["view", "view", "change", "change", "change", "op", "setitem"])
        source = pick.randrange(1, count)
        if kind == "view":
            lines.append(f"t{count} = t{source}{pick.choice(VIEWS)}")
            count += 1
        elif kind == "change":
            lines.append(f"t{source}." + pick.choice(CHANGES).format(other=pick.randrange(1, count)))
        elif kind == "op":
            lines.append(f"t{count} = " + pick.choice(OPS).format(source=source))
            count += 1
        else:
            lines.append(f"t{source}[..., 0] = w.sum() * {pick.randint(1, 3)}")
    return lines, count


def run(lib, lines, count):
    w = lib.tensor(np.arange(1.0, 13.0).reshape(3, 4) / 10, requires_grad=True)
    names = {"torch": lib, "w": w, "t0": w, "t1": w * 2}
    try:
        for line in lines:
            exec(line, names)
        loss = sum((names[f"t{i}"] * (i + 0.5)).sum() for i in range(1, count))
        loss.backward()
    except (RuntimeError, IndexError) as error:  # (a program PyTorch refuses: a view of a 1-d tensor's diagonal...)
        return f"{type(error).__name__}: {error}"
    return [w.grad.numpy().copy()] + [names[f"t{i}"].detach().numpy().copy() for i in range(1, count)]


@pytest.mark.parametrize("first", range(0, 400, 100))
def test_random_inplace_programs_as_torch(first):
    for seed in range(first, first + 100):
        lines, count = program(seed)
        theirs = run(torch, lines, count)
        if isinstance(theirs, str):
            continue
        assert_same_results(run(minigrad, lines, count), theirs, (seed, lines), rtol=1e-5, atol=1e-6)

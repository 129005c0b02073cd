"""Random indexing programs on both libraries: x[index], x[index] = number, x[index] = tensor and x[index] += number,
with indices mixing ints, slices with steps, None, Ellipsis, lists, integer tensors (1-D and 2-D), bool masks and
x > 0; minigrad gives PyTorch's values, gradients of x and of the written tensor, or raises the same kind of error.
(This generator showed that an empty advanced-index result, with zero strides, was refused as an overlapping
in-place target: x[1:1, [[2, 1]]] += 1.)"""
import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results


def index_text(pick, shape):
    if len(shape) >= 2 and pick.random() < 0.1:
        return "x > 0"
    parts, dim, ellipsis = [], 0, False
    for _ in range(pick.randint(1, len(shape) + 1)):
        r = pick.random()
        if r < 0.08:
            parts.append("None")
            continue
        if r < 0.14 and not ellipsis:
            ellipsis = True
            parts.append("...")
            continue
        # (after an Ellipsis the dim indexed is counted from the end: an index valid for every dim; PyTorch
        # leaves an out-of-range index unchecked when the result is empty, numpy and minigrad refuse it)
        size = min(shape) if ellipsis else shape[dim] if dim < len(shape) else 2
        if r < 0.35:
            parts.append(str(pick.randint(-size, size - 1)))
        elif r < 0.6:
            bounds = [pick.choice(["", str(pick.randint(-size - 1, size + 1))]) for _ in range(2)]
            step = pick.choice(["", "", str(pick.randint(1, 3))])
            parts.append(":".join(bounds) + (f":{step}" if step else ""))
        elif r < 0.75:
            parts.append("torch.tensor(%s, dtype=torch.long)" % [pick.randint(-size, size - 1)
                                                                  for _ in range(pick.randint(0, 4))])
        elif r < 0.82:
            parts.append(str([pick.randint(-size, size - 1) for _ in range(pick.randint(1, 3))]))
        elif r < 0.9:
            parts.append("torch.tensor(%s)" % [pick.random() < 0.5 for _ in range(size)])
        else:
            parts.append("torch.tensor([[%d, %d]], dtype=torch.long)" % (pick.randint(-size, size - 1),
                                                                         pick.randint(-size, size - 1)))
        dim += 1
    return ", ".join(parts)


def program(seed):
    pick = random.Random(seed)
    shape = tuple(pick.randint(1, 4) for _ in range(pick.randint(1, 4)))
    kind = pick.choice(["get", "get", "set", "set_tensor", "add"])
    return shape, index_text(pick, shape), kind, pick.randrange(1 << 30)


def run(lib, shape, index, kind, seed):
    values = np.random.default_rng(seed)
    leaf = lib.tensor(values.standard_normal(shape), dtype=lib.float64, requires_grad=True)
    names = {"torch": lib, "x": leaf * 1}
    written = None
    try:
        if kind == "get":
            out = eval(f"x[{index}]", names)
        else:
            if kind == "set":
                exec(f"x[{index}] = 7.5", names)
            elif kind == "add":
                exec(f"x[{index}] += 1.5", names)
            else:
                target = eval(f"x[{index}]", names)
                written = lib.tensor(values.standard_normal(tuple(target.shape)[-1:]), dtype=lib.float64,
                                     requires_grad=True)
                names["v"] = written
                exec(f"x[{index}] = v", names)
            out = names["x"]
        (out * lib.tensor(values.standard_normal(tuple(out.shape)), dtype=out.dtype)).sum().backward()
    except (RuntimeError, IndexError, TypeError, ValueError) as error:
        return type(error).__name__
    grads = [None if t is None or t.grad is None else t.grad.numpy() for t in (leaf, written)]
    return [out.detach().numpy()] + grads


@pytest.mark.parametrize("first", range(0, 1200, 400))
def test_random_index_programs_as_torch(first):
    for seed in range(first, first + 400):
        case = program(seed)
        theirs, ours = run(torch, *case), run(minigrad, *case)
        if isinstance(theirs, str):
            assert ours == theirs, (seed, case)
        else:
            assert_same_results(ours, theirs, (seed, case), rtol=1e-12, atol=1e-12)

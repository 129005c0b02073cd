"""Warnings as PyTorch 2.13 gives them. float() or complex() of a tensor that requires grad: a UserWarning with its
text, once per process (each case in a fresh process, for both libraries); item(), int(), a detached tensor and
f-strings do not warn. var and std without degrees of freedom: PyTorch's UserWarning, each call; a mean over no
elements: NaN, silently (numpy's RuntimeWarnings are not shown)."""
import json
import subprocess
import sys
import warnings

import pytest
import torch

import minigrad

SCRIPT = """
import json, warnings
import {library} as torch
x = torch.ones(1, requires_grad=True)
t = (x * 2).sum()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    {expression}
print(json.dumps([(w.category.__name__, str(w.message).split(" (Triggered")[0]) for w in caught]))
"""


def _caught(library, expression):
    """The warnings SCRIPT's expression gives in a fresh process of ``library``."""
    run = subprocess.run([sys.executable, "-c", SCRIPT.format(library=library, expression=expression)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("expression,count", [
    ("float(t); float(x); complex(t)", 1),  # once per process
    ("complex(t)", 1),
    ("'%f' % t", 1),
    ("int(t); t.item(); float(t.detach()); f'{t:.3f}'; bool(t); t.tolist()", 0),
    ("with torch.no_grad(): float(t)", 0),  # grad mode off: no warning (LBFGS reads its loss so)
    ("with torch.no_grad(): float(t)\n    float(t)", 1),
])
def test_scalar_conversion_warnings_match_torch(expression, count):
    theirs = _caught("torch", expression)
    assert len(theirs) == count and _caught("minigrad", expression) == theirs


@pytest.mark.parametrize("expression", ["T.ones(1).var()", "T.ones(1, 3).std(0)", "T.zeros(0).var()",
                                        "T.ones(2).var(correction=2)", "T.zeros(0, 3).mean(0)", "T.zeros(0, 3).mean()",
                                        "T.ones(3).var()", "T.ones(2, 3).std(1, keepdim=True)", "T.ones(3).std(False)"])
def test_reduction_warnings_match_torch(expression):
    def run(library):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = eval(expression, {"T": library})
        return value.numpy().tolist(), [(w.category.__name__, str(w.message).split(" (Triggered")[0]) for w in caught]
    (ours, our_warnings), (theirs, their_warnings) = run(minigrad), run(torch)
    assert our_warnings == their_warnings
    assert str(ours) == str(theirs)  # (NaNs compare as text)


@pytest.mark.parametrize("expression,count", [
    ("t.grad", 1), ("x.grad; x.detach().grad", 0), ("t.retain_grad(); t.grad", 0), ("t.grad; t.grad", 2),
    ("t.backward(); x.grad", 0)])
def test_reading_grad_of_a_non_leaf_warns_as_torch(expression, count):
    """PyTorch warns each time ``.grad`` of a non-leaf tensor is read (backward fills only leaves' ``.grad``),
    unless it called ``retain_grad()``."""
    theirs = _caught("torch", expression)
    assert len(theirs) == count and _caught("minigrad", expression) == theirs


def _warned(lib, code):
    """The (category, first line of the message) of each warning ``code`` gives with ``lib`` as torch."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(code, {"torch": lib})
    return sorted({(w.category.__name__, str(w.message).split(" (Triggered")[0]) for w in caught})


@pytest.mark.parametrize("code", [
    "x = torch.tensor(torch.ones(2))",
    "y = torch.nn.functional.upsample(torch.ones(1, 1, 2, 2), scale_factor=2)",
    "y = torch.nn.functional.grid_sample(torch.ones(1, 1, 2, 2), torch.zeros(1, 1, 1, 2))",
    "y = torch.nn.functional.affine_grid(torch.eye(2, 3)[None], (1, 1, 2, 2))",
    "y = torch.nn.functional.affine_grid(torch.eye(2, 3)[None], (1, 1, 2, 2), align_corners=False)",
    "l = torch.nn.MSELoss(size_average=False)",
    "l = torch.nn.functional.nll_loss(torch.zeros(2, 3), torch.tensor([0, 1]), reduce=False)",
    "y = torch.ones(2, 3).T",
    "m = torch.nn.LSTM(2, 3, dropout=0.5)", "m = torch.nn.GRU(2, 3, num_layers=2, dropout=0.5)",
    "y = torch.meshgrid(torch.ones(2), indexing='xy')",
    "o = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)\n"
    "s = torch.optim.lr_scheduler.StepLR(o, 1); s.step(); o.step(); s.step()",
    "o = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)\n"
    "s = torch.optim.lr_scheduler.StepLR(o, 1); o.step(); s.step(); s.step(3)",
    "o = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)\n"
    "s = torch.optim.lr_scheduler.ReduceLROnPlateau(o); s.step(1.0); o.step(); s.step(1.0, 5)",
])
def test_deprecation_and_misuse_warnings_as_torch(code):
    """PyTorch's UserWarnings for deprecated calls and likely mistakes: a tensor copy-constructed, upsample,
    grid_sample's changed default, size_average/reduce, x.T past 2 dims, dropout on a one-layer RNN, meshgrid
    without indexing, a scheduler stepped before its optimizer, step(epoch)."""
    assert _warned(minigrad, code) == _warned(torch, code)


@pytest.mark.parametrize("expression", [
    "y = torch.ones(2, 3, 4).T; y = torch.ones(3).T; y = torch.tensor(2.0).T; y = torch.tensor(3.0).T",
    "y = torch.meshgrid(torch.ones(2), torch.ones(3)); y = torch.meshgrid(torch.ones(2))",
])
def test_warn_once_deprecations_as_torch(expression):
    """x.T past 2 dims and meshgrid without indexing warn once per process, as PyTorch's warn-once."""
    assert _caught("minigrad", expression) == _caught("torch", expression)

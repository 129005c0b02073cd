"""minigrad.utils.profile: op-type times of forward and backward."""
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import autograd
from minigrad.utils import profile


def test_profile_times_each_op_type_forward_and_backward():
    x = minigrad.randn(2, 3, 8, 8, requires_grad=True)
    w = minigrad.randn(4, 3, 3, 3, requires_grad=True)
    with profile() as prof:
        for _ in range(2):
            F.relu(F.conv2d(x, w, padding=1)).sum().backward()
    totals = prof.totals()
    assert {"Conv2d", "ReLU", "Sum"} <= set(totals)
    forward, backward, calls = totals["Conv2d"]
    assert forward > 0 and backward > 0 and calls == 2
    table = prof.table(steps=2)
    assert table.splitlines()[0].split()[:2] == ["op", "calls"]
    assert any(line.split()[:2] == ["Conv2d", "1"] for line in table.splitlines())
    assert "(outside ops)" in table


def test_profile_is_off_outside_its_block_and_not_nested():
    with pytest.raises(ValueError):
        with profile():
            raise ValueError("boom")
    assert autograd._profiler is None
    with profile():
        with pytest.raises(RuntimeError, match="already active"):
            with profile():
                pass
    x = minigrad.randn(3, requires_grad=True)
    with profile() as prof:
        pass
    (x * 2).sum().backward()
    assert prof.totals() == {}

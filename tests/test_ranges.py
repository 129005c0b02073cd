"""``linspace`` equals PyTorch's value for value (its CPU kernel's two halves and fused multiply-adds)."""
import numpy as np
import pytest
import torch

import minigrad

CASES = [(0, 1, 20), (-3, 7, 1000), (0.1, 0.9, 33), (-1, 1, 7), (2.5, -4.25, 301), (-5, 5, 100001),
         (1e-3, 7.5, 4097), (3, 3, 5), (0, 1, 1), (0, 1, 0), (0, 10, 2), (-7, 1e6, 999)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("start, end, steps", CASES)
def test_linspace_is_pytorchs(start, end, steps, dtype):
    expected = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    got = minigrad.linspace(start, end, steps, dtype=getattr(minigrad, dtype)).numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_linspace_refuses_negative_steps():
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        minigrad.linspace(0, 1, -1)

"""Elementwise and reduction cases particular to device 'cuda' (tiny shapes: the simulator is slow). The broadcasting,
unary, reduction, var/std, max/min and argmax tables are the CPU ones (tests/test_elementwise.py, test_reduce.py),
run on CUDA with MINIGRAD_TEST_DEVICE=cuda (tests/devices.py)."""
import numpy as np
import torch

import minigrad
from cuda_compare import compare_cuda

def test_pow_where_and_comparisons():
    compare_cuda(lambda a, b: a ** b, shapes=[(2, 3), (3,)], low=0.5, high=2.0)
    compare_cuda(lambda a, b: minigrad.where(a > b, a, b), shapes=[(3, 4), (4,)],
                 torch_fn=lambda a, b: torch.where(a > b, a, b))
    x = minigrad.tensor([1.0, 2.0, 3.0], device="cuda")
    assert (x >= 2).tolist() == [False, True, True]
    assert (x == 2).dtype == minigrad.bool and (x == 2).device == "cuda"


def test_nan_and_domain_edges_match_numpy():
    values = np.array([-1.0, 0.0, 4.0, np.nan], np.float32)
    x = minigrad.tensor(values, device="cuda")
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_array_equal(x.log().numpy(), np.log(values))
        np.testing.assert_array_equal(x.sqrt().numpy(), np.sqrt(values))
    y = minigrad.tensor([1.0, float("nan"), 0.0, 2.0], device="cuda")
    assert np.isnan(x.maximum(y).numpy()[[1, 3]]).all()


def test_long_sum_uses_chunked_rows():
    """A long row is cut in chunks reduced by separate blocks, then their partials reduced again."""
    compare_cuda(lambda x: x.sum(), shapes=[(1500,)], atol=1e-4)
    compare_cuda(lambda x: x.sum(-1), shapes=[(2, 1100)], atol=1e-4)


def test_integer_sums():
    compare_cuda(lambda t: t.sum(dim=1), inputs=[np.arange(6, dtype=np.int32).reshape(2, 3)])
    compare_cuda(lambda t: t.sum(), inputs=[np.array([True, False, True])])

"""float32 and float64 sums and means of contiguous tensors, over every dim, the leading dims or the trailing
ones, equal PyTorch's bit for bit (backends/cpu/cascade_sum.py follows its cascade sum: vectors of 8 floats or
4 doubles, four interleaved four-level cascades, a full sum of 32768 values or more split among its threads, set
here to minigrad's). Before 2026-12-01 numpy's pairwise sum gave other last bits: x.sum() of 1000 values, every
row sum of (32, 1000) but one in eight, and the means of l1_loss and smooth_l1_loss differed."""
import numpy as np
import pytest
import torch

import minigrad

CASES = [((1,), None), ((7,), None), ((17,), None), ((1000,), None), ((32767,), None), ((40001,), None),
         ((1 << 20,), None), ((32, 1000), 1), ((32, 1000), 0), ((8, 3, 16, 16), (2, 3)), ((8, 3, 16, 16), (0, 1)),
         ((5, 1, 7), 0), ((5, 1, 7), (1, 2)), ((64, 1), 0), ((1, 64), 1), ((100, 5), 1), ((100, 3), 0),
         ((50, 12), 0), ((3, 40000), 1), ((4, 4), (0, 1))]


pytestmark = pytest.mark.usefixtures("torch_threads_as_minigrads")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, dim", CASES)
def test_sum_and_mean_are_pytorchs(shape, dim, dtype):
    x = np.random.default_rng(len(shape) + sum(shape)).standard_normal(shape).astype(dtype)
    for op in ("sum", "mean"):
        for keepdim in ((False,) if dim is None else (False, True)):
            results = []
            for lib in (minigrad, torch):
                t = lib.tensor(x)
                results.append((getattr(t, op)() if dim is None else getattr(t, op)(dim, keepdim=keepdim)).numpy())
            ours, theirs = results
            assert ours.shape == theirs.shape and ours.dtype == theirs.dtype == dtype
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{op} keepdim={keepdim}")


def test_sum_of_a_transposed_tensor_adds_in_memory_order_as_pytorchs():
    x = np.random.default_rng(3).standard_normal((60, 80)).astype(np.float32).T
    assert minigrad.tensor(x).sum().item() == torch.tensor(x).sum().item()


@pytest.mark.parametrize("loss", ["l1_loss", "smooth_l1_loss", "mse_loss", "huber_loss"])
def test_mean_losses_print_as_pytorchs(loss):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((32, 64)).astype(np.float32), rng.standard_normal((32, 64)).astype(np.float32)
    ours = getattr(minigrad.nn.functional, loss)(minigrad.tensor(a), minigrad.tensor(b)).item()
    assert ours == getattr(torch.nn.functional, loss)(torch.tensor(a), torch.tensor(b)).item()


@pytest.mark.parametrize("size, threads, shares", [
    (32767, 2, [(0, 32767)]),
    (100000, 1, [(0, 100000)]),
    (32768, 2, [(0, 32768)]),
    (32769, 2, [(0, 16385), (16385, 32769)]),
    (100000, 2, [(0, 50000), (50000, 100000)]),
    (100000, 16, [(0, 25000), (25000, 50000), (50000, 75000), (75000, 100000)]),
    (9 * 32768 + 1, 4, [(0, 73729), (73729, 147458), (147458, 221187), (221187, 294913)]),
])
def test_thread_shares_are_parallel_fors(size, threads, shares):
    """PyTorch's parallel_for: one thread under the grain, else min(threads, ceil(size / 32768)) shares of
    ceil(size / shares) values."""
    from minigrad.backends.cpu.torch_threads import thread_shares
    assert thread_shares(size, threads) == shares

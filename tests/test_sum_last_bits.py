"""float32 and float64 sums and means of contiguous tensors, over every dim, the leading dims, the trailing ones,
the middle ones, or the leading and trailing ones together, equal PyTorch's bit for bit (backends/cpu/cascade_sum.py follows its cascade sum: vectors of 8 floats or
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
         ((50, 12), 0), ((3, 40000), 1), ((4, 4), (0, 1)),
         # middle dims, and leading with trailing ones (until late 2026-12-01: 50-90% of these sums differed)
         ((4, 5, 3), 1), ((4, 50, 40), 1), ((64, 33, 70), 1), ((5, 6, 7, 8), (1, 2)), ((7, 300, 5), 1),
         ((8, 3, 16, 16), (0, 2, 3)), ((8, 3, 2, 2), (0, 2, 3)), ((32, 64, 32, 32), (0, 2, 3)), ((6, 7, 9), (0, 2)),
         ((3, 4, 5, 6), (0, 3)), ((2, 3, 4, 5), (0, 1, 3)), ((1000, 3, 16), (0, 2))]


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, other", [((64, 768), (768,)), ((32, 1000), (32, 1)), ((8, 3, 16, 16), (3, 1, 1)),
                                          ((5, 40001), (1,)), ((100, 5), (1, 5))])
def test_broadcast_gradients_sum_as_pytorchs(shape, other, dtype):
    """The gradient of a broadcast operand is summed down to its shape as PyTorch's sum_to sums it (its sum over
    the leading dims and the dims broadcast from 1); numpy's order gave 4-80% other last bits."""
    rng = np.random.default_rng(sum(shape))
    x, b, g = rng.standard_normal(shape).astype(dtype), rng.standard_normal(other).astype(dtype), \
        rng.standard_normal(shape).astype(dtype)
    results = []
    for lib in (minigrad, torch):
        tensors = [lib.tensor(a, requires_grad=True) for a in (x, b)]
        (tensors[0] * tensors[1]).backward(lib.tensor(g))
        results.append([t.grad.numpy() for t in tensors])
    for ours, theirs in zip(*results):
        assert ours.dtype == dtype
        np.testing.assert_array_equal(ours, theirs)

"""How PyTorch's CPU kernels share a job among threads (its ``parallel_for``): a job of fewer values than the
grain, 32768, runs on one thread; a larger one is cut into min(threads, ceil(size / grain)) shares of
ceil(size / shares) values, the last one shorter. Where PyTorch's elementwise kernels fall back to scalar code,
and the order in which its full sums add, follow from these shares, so the kernels that reproduce PyTorch's
last bits (activation.py's sigmoid and silu, cascade_sum.py's full sum) take them from here."""

GRAIN = 32768


def thread_shares(size, threads, grain=GRAIN):
    """The (start, stop) of each thread's share of a job of ``size`` values, as PyTorch's ``parallel_for``
    with a grain size (its elementwise kernels' by default) cuts it among ``threads`` threads."""
    if size <= grain or threads <= 1:
        return [(0, size)]
    share = -(-size // min(threads, -(-size // grain)))
    return [(start, min(size, start + share)) for start in range(0, size, share)]

"""On an NVIDIA GPU: minigrad's SGEMM kernel against cuBLAS (torch.matmul with TF32 off), the GPU's FP32 peak, and
whether a steady U-Net training step still allocates from the driver (it should not: the caching allocator).

    python benchmarks/gpu_sgemm.py      # part of benchmarks/gpu_check.sh
"""
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]
import common  # noqa: E402  (minigrad first, then torch: see common.py)
import minigrad  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from numba import cuda  # noqa: E402

from minigrad.backends.cuda import linalg  # noqa: E402

def median_seconds(fn, repeats=10):
    fn()
    cuda.synchronize()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        cuda.synchronize()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    peak, sms, clock = common.gpu_fp32_peak_tflops()
    print(f"{torch.cuda.get_device_name()}: {sms} SMs at {clock:.2f} GHz, FP32 peak {peak:.1f} TFLOP/s")
    print(f"{'M=N=K':>7} {'minigrad ms':>12} {'cuBLAS ms':>10} {'minigrad TFLOP/s':>17} {'% of cuBLAS':>12} "
          f"{'% of peak':>10}")
    rng = np.random.default_rng(0)
    for n in (1024, 2048, 4096, 8192):
        a = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal((n, n)).astype(np.float32)
        da, db = cuda.to_device(a), cuda.to_device(b)
        out = cuda.device_array((1, n, n), np.float32)
        ta, tb = torch.from_numpy(a).cuda(), torch.from_numpy(b).cuda()
        ours = median_seconds(lambda: linalg.sgemm(da, db, 1, n, n, n, (0, n, 1), (0, n, 1), out=out))
        theirs = median_seconds(lambda: ta @ tb)
        check = out.copy_to_host()[0, :4, :4]
        expected = (ta[:4] @ tb[:, :4]).cpu().numpy()
        assert np.allclose(check, expected, rtol=1e-3, atol=1e-2), "minigrad's SGEMM disagrees with cuBLAS"
        tflops = 2 * n ** 3 / ours / 1e12
        print(f"{n:>7} {ours * 1e3:>12.3f} {theirs * 1e3:>10.3f} {tflops:>17.1f} {theirs / ours:>12.0%} "
              f"{tflops / peak:>10.0%}")

    from minigrad.cuda import _block_cache
    import minigrad.nn.functional as F
    from minigrad.models import UNet
    model = UNet(3, 6, (64, 128, 256, 512)).to("cuda")
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    x = minigrad.randn(1, 3, 256, 256, device="cuda")
    target = minigrad.randint(0, 6, (1, 256, 256), device="cuda")

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x), target).backward()
        optimizer.step()
    cache = _block_cache()
    for index in range(4):
        before = cache.driver_allocations if cache else 0
        start = time.perf_counter()
        step()
        minigrad.cuda.synchronize()
        made = (cache.driver_allocations - before) if cache else "n/a"
        print(f"training step {index + 1}: {time.perf_counter() - start:.3f} s, new driver allocations: {made}, "
              f"reserved {minigrad.cuda.memory_reserved() / 2 ** 20:.0f} MiB")


if __name__ == "__main__":
    main()

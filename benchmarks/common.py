"""Timing helpers shared by the benchmarks: minigrad against PyTorch in one process, alternating, median of runs.

Import this module before torch and before anything else starts Numba's threads. It starts each library's
thread pool with that library's own settings, as each would run alone:

* minigrad asks for sleeping (passive) OpenMP workers, so that its Numba loops and numpy's BLAS threads take
  turns on the cores; PyTorch keeps OpenMP's default spinning workers (passive ones cost it 10-25 % here).
* PyTorch brings its own libgomp and loads it globally: a Numba started after ``import torch`` would run its
  parallel loops on PyTorch's spinning pool, and minigrad's convolutions would slow down up to 20x. So Numba's
  pool is started (by one small parallel call) before torch is imported.
"""
import statistics
import time
from dataclasses import dataclass
from typing import Callable

_start = time.perf_counter()
import minigrad  # noqa: E402  (first, so that its thread settings are in place: see minigrad/_threads.py)

IMPORT_SECONDS = time.perf_counter() - _start
import numba  # noqa: E402

minigrad.nn.functional.conv2d(minigrad.ones(1, 1, 3, 3), minigrad.ones(1, 1, 2, 2))  # starts Numba's pool
FIRST_CONV_SECONDS = time.perf_counter() - _start - IMPORT_SECONDS  # Numba cache load (or compile) of conv2d
from options import restore_user_environment  # noqa: E402

restore_user_environment()  # PyTorch's OpenMP gets the environment it would have had without minigrad
import torch  # noqa: E402


@dataclass
class Case:
    """One benchmark row: ``setup()`` returns (minigrad_step, torch_step), two callables doing the same work."""
    name: str
    flops: float
    setup: Callable


@dataclass
class Result:
    name: str
    flops: float
    minigrad_s: float
    torch_s: float
    first_call_s: float

    @property
    def ratio(self):
        return self.minigrad_s / self.torch_s


def set_threads(threads=None):
    """Give minigrad (Numba, and numpy's BLAS through its own pool) and PyTorch the same thread count."""
    threads = threads or numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(threads)
    torch.set_num_threads(threads)
    return threads


def configure_device(device, torch_device=None, precision="fp32"):
    """Check that both libraries can run on their devices and set PyTorch's CUDA precision; returns a one-line
    description of the devices for the report.

    ``precision="fp32"``: PyTorch's convolutions and matmuls in true float32 (TF32 off), as minigrad computes;
    ``"default"``: PyTorch's own defaults (TF32 allowed in cuDNN convolutions).
    """
    torch_device = torch_device or device
    if device == "cpu":
        return "CPU"
    minigrad.cuda.ensure_available()
    if torch_device == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit(f"--device cuda compares with PyTorch CUDA, but torch {torch.__version__} sees no GPU "
                             f"here: install a CUDA build of torch, or pass --torch-device cpu to time minigrad's "
                             f"CUDA path against PyTorch CPU (a smoke test, not a comparison)")
        fp32 = precision == "fp32"
        torch.backends.cudnn.allow_tf32 = not fp32 and torch.backends.cudnn.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = not fp32 and torch.backends.cuda.matmul.allow_tf32
        name = torch.cuda.get_device_name()
    else:
        from numba import cuda
        name = getattr(cuda.get_current_device(), "name", "the CUDA simulator")
        name = name.decode() if isinstance(name, bytes) else str(name)
    tf32 = (f"cuDNN TF32 {'on' if torch.backends.cudnn.allow_tf32 else 'off'}, "
            f"matmul TF32 {'on' if torch.backends.cuda.matmul.allow_tf32 else 'off'}") if torch_device == "cuda" else ""
    return f"minigrad on {device}, torch on {torch_device}: {name}" + (f"; torch {tf32}" if tf32 else "")


FP32_LANES_PER_SM = 128  # FP32 units per SM on Hopper (H100, H200), as on Ampere's GA10x


def gpu_fp32_peak_tflops():
    """(FP32 peak TFLOP/s, SMs, clock GHz) of minigrad's GPU: 2 flops per FMA lane per cycle at its top clock
    (None, None, None) in the simulator."""
    from numba import cuda
    device = cuda.get_current_device()
    if not hasattr(device, "MULTIPROCESSOR_COUNT"):
        return None, None, None
    sms, clock_ghz = device.MULTIPROCESSOR_COUNT, device.CLOCK_RATE / 1e6  # CLOCK_RATE in kHz
    return 2 * FP32_LANES_PER_SM * sms * clock_ghz / 1e3, sms, clock_ghz


def synchronized(step, device):
    """``step`` followed by waiting for both libraries' GPU work, so that a timer sees the work itself."""
    if device == "cpu":
        return step

    def run():
        step()
        minigrad.cuda.synchronize()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
    return run


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _settle(seconds):
    """Keep one core busy for ``seconds`` while the other library's idle workers stop spinning and sleep
    (busy, not sleeping: an idle virtual CPU is slow to wake up again)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def time_pair(minigrad_step, torch_step, repeats=7, warmup=2, pause=0.2):
    """Median seconds of each step, the libraries alternating after ``warmup`` untimed rounds.

    Each library keeps idle threads of its own (minigrad: BLAS's, which spin for a while after a GEMM; PyTorch:
    its OpenMP pool), and right after one library ran they steal cycles from the other. So each timed call is
    preceded by ``pause`` seconds of settling and by one untimed call of the same library: each is timed in its
    steady state, as in a training loop, undisturbed by the other. The first minigrad call (Numba compile or
    cache load, workspace allocation) is returned separately.
    """
    first = _timed(minigrad_step)
    torch_step()
    for _ in range(warmup):
        minigrad_step()
        torch_step()
    ours, theirs = [], []
    for _ in range(repeats):
        for step, times in ((minigrad_step, ours), (torch_step, theirs)):
            _settle(pause)
            step()
            times.append(_timed(step))
    return statistics.median(ours), statistics.median(theirs), first


def run(cases, repeats=7, warmup=2, pause=0.2, only=None, stream=print):
    """Time every case (those whose name contains ``only``, if given) and print one table row each."""
    stream(f"{'case':<44} {'minigrad ms':>11} {'torch ms':>9} {'ratio':>6} {'mg GFLOP/s':>10} "
           f"{'torch GFLOP/s':>13} {'1st call ms':>11}")
    results = []
    for case in cases:
        if only and only not in case.name:
            continue
        minigrad_step, torch_step = case.setup()
        ours, theirs, first = time_pair(minigrad_step, torch_step, repeats, warmup, pause)
        r = Result(case.name, case.flops, ours, theirs, first)
        results.append(r)
        stream(f"{r.name:<44} {ours * 1e3:>11.2f} {theirs * 1e3:>9.2f} {r.ratio:>6.2f} "
               f"{gflops(r.flops, ours):>10.1f} {gflops(r.flops, theirs):>13.1f} {first * 1e3:>11.1f}")
    return results


def gflops(flops, seconds):
    return flops / seconds / 1e9 if seconds > 0 else float("nan")

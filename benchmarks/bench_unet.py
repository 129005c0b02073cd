"""One U-Net training step (forward, cross-entropy, backward, Adam), minigrad against PyTorch CPU on the same cores.

    python benchmarks/bench_unet.py --config small             # batch 4, 3x128x128, features 16-128 (~1 min)
    python benchmarks/bench_unet.py --config full --repeats 3  # batch 1, 3x256x256, features 64-512
    python benchmarks/bench_unet.py --config small --memory    # also each side alone: peak RSS and step time in
                                                               # 3 alternated pairs of fresh processes
    python benchmarks/bench_unet.py --config small --startup   # also import + first step, cold and warm Numba cache
    python benchmarks/bench_unet.py --config small --profile   # also where each library's step time goes, by op
    python benchmarks/bench_unet.py --device cuda --config full   # on the GPU against PyTorch CUDA, TF32 off

Both models hold the same weights (minigrad's state_dict loaded into the torch.nn U-Net written below), see the
same batch and targets, and run with the same thread count; their steps alternate in one process, and the median
of ``--repeats`` timed steps after ``--warmup`` untimed ones is reported. GFLOP/s counts the convolutions and
transposed convolutions only: 2 flops per multiply-add of the forward pass, and a training step as 3 forward
passes (input and weight gradients). The SGEMM peak is numpy's float32 2048^3 matmul, best of 3, in the same run.
"""
import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]  # common.py, and minigrad itself when it is not installed
import minigrad  # noqa: E402,F401  (first, so that its thread settings are in place: see minigrad/_threads.py)
import numpy as np  # noqa: E402
from options import add_device_arguments, restore_user_environment, user_environment  # noqa: E402
from sgemm import sgemm_peak_gflops  # noqa: E402

USER_ENV = user_environment()  # for the child processes; each one that imports minigrad sets its own again

CONFIGS = {
    "tiny": dict(batch=1, in_channels=3, size=16, features=(4, 8), classes=3),  # a smoke test (CUDA simulator)
    "small": dict(batch=4, in_channels=3, size=128, features=(16, 32, 64, 128), classes=6),
    "full": dict(batch=1, in_channels=3, size=256, features=(64, 128, 256, 512), classes=6),
}


def training_step_flops(batch, in_channels, size, features, classes):
    """Analytic FLOPs of one training step: convolutions and transposed convolutions, 3 x (2 x forward MACs)."""
    macs = 0
    channels, s = in_channels, size
    for f in features:  # DualConv at size s, then a 2x2 max-pool
        macs += batch * s * s * 9 * (channels * f + f * f)
        channels, s = f, s // 2
    bottom = features[-1] * 2
    macs += batch * s * s * 9 * (channels * bottom + bottom * bottom)
    channels = bottom
    for f in reversed(features):  # ConvTranspose2d(2f, f, 2, 2) from size s, then DualConv(2f, f) at 2s
        macs += batch * s * s * 4 * channels * f
        s *= 2
        macs += batch * s * s * 9 * (2 * f * f + f * f)
        channels = f
    macs += batch * s * s * channels * classes  # final 1x1 convolution
    return 3 * 2 * macs


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def batch_and_targets(cfg, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((cfg["batch"], cfg["in_channels"], cfg["size"], cfg["size"])).astype(np.float32)
    target = rng.integers(0, cfg["classes"], size=(cfg["batch"], cfg["size"], cfg["size"]))
    return x, target


def torch_unet(in_channels, classes, features):
    """The tutorial U-Net in torch.nn, module for module as minigrad.models.UNet (benchmarks/torch_unet.py, the
    reference the tests use too)."""
    from torch_unet import TorchUNet
    return TorchUNet(in_channels, classes, features)


def minigrad_step(cfg, x, target, model=None, device="cpu"):
    """A closure doing one minigrad training step, and the model it trains."""
    import minigrad
    import minigrad.nn.functional as F
    from minigrad.models import UNet
    model = (model or UNet(cfg["in_channels"], cfg["classes"], cfg["features"])).to(device)
    opt = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    mx, mt = minigrad.tensor(x, device=device), minigrad.tensor(target, device=device)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(mx), mt).backward()
        opt.step()
    return step, model


def torch_step(cfg, x, target, state_dict=None, device="cpu"):
    """A closure doing one PyTorch training step; ``state_dict`` (numpy arrays) gives it minigrad's weights."""
    import torch
    import torch.nn.functional as TF
    model = torch_unet(cfg["in_channels"], cfg["classes"], cfg["features"])
    if state_dict is not None:
        model.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in state_dict.items()})
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    tx, tt = torch.from_numpy(x).to(device), torch.from_numpy(target).to(device)

    def step():
        opt.zero_grad()
        TF.cross_entropy(model(tx), tt).backward()
        opt.step()
    return step


def memory_worker(side, config, steps):
    """Run in a child process: two untimed and ``steps`` timed training steps of one library alone, then print
    its RSS after setup and its peak RSS in MiB, and the median step time in seconds. (Two: either library's
    second step still ran 5-20% slower than the rest, and with three timed steps it set the median.)"""
    cfg = CONFIGS[config]
    x, target = batch_and_targets(cfg)
    if side == "torch":
        restore_user_environment()  # torch alone, as without minigrad
        import torch
        import numba
        torch.set_num_threads(numba.get_num_threads())
        step = torch_step(cfg, x, target)  # torch's own initialisation: the weights' values do not change memory
    else:
        import minigrad
        minigrad.zeros(1)
        step, _ = minigrad_step(cfg, x, target)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    step()
    step()
    median = statistics.median(_seconds(step) for _ in range(steps))
    print(f"{baseline:.1f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} {median:.4f}")


# A worker started this way imports torch before this file imports minigrad: the other import order.
TORCH_FIRST = "import runpy, sys, torch; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


def measure_alone(config, steps=5, pairs=3):
    """Each side alone in its own fresh process, in ``pairs`` alternated process pairs (minigrad, torch, minigrad
    with torch imported before it): {side: (after imports and setup MiB, peak MiB, median of the processes'
    median step s)}.

    Call it before this process grows: Linux carries a process's maximum RSS over fork and exec, so a child's
    ru_maxrss is at least its parent's size at the fork."""
    runs = {"minigrad": [], "torch": [], "minigrad, torch imported first": []}
    for _ in range(pairs):
        for side in runs:
            worker = [os.path.abspath(__file__), "--config", config, "--repeats", str(steps),
                      "--memory-worker", side.split(",")[0]]
            command = [sys.executable] + (["-c", TORCH_FIRST] if "torch imported" in side else []) + worker
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=USER_ENV)
            runs[side].append(tuple(map(float, out.stdout.split()[-3:])))
    return {side: (values[0][0], max(v[1] for v in values), statistics.median(v[2] for v in values))
            for side, values in runs.items()}


STARTUP_CODE = """\
import sys; sys.path.insert(0, {root!r})
import minigrad
import numpy as np
import minigrad.nn.functional as F
from minigrad.models import UNet
rng = np.random.default_rng(0)
x = minigrad.tensor(rng.standard_normal(({batch}, {in_channels}, {size}, {size})).astype(np.float32))
t = minigrad.tensor(rng.integers(0, {classes}, size=({batch}, {size}, {size})))
model = UNet({in_channels}, {classes}, {features})
opt = minigrad.optim.Adam(model.parameters(), lr=1e-3)
F.cross_entropy(model(x), t).backward()
opt.step()
"""


def measure_startup(config):
    """Seconds from starting Python to the end of the first training step: empty Numba cache, then warm cache."""
    code = STARTUP_CODE.format(root=ROOT, **CONFIGS[config])
    cache = tempfile.mkdtemp(prefix="minigrad-numba-cache-")
    env = dict(USER_ENV, NUMBA_CACHE_DIR=cache)
    times = {}
    for label in ("empty cache", "warm cache"):
        times[label] = _seconds(lambda: subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT))
    shutil.rmtree(cache, ignore_errors=True)
    return times


def print_profiles(ours, theirs, steps):
    """Each library's time by op type over ``steps`` training steps (per step): minigrad.utils.profile groups by
    minigrad op (forward and backward apart), torch.profiler by aten operator (self time, backward ops apart)."""
    import torch
    from minigrad.utils import profile
    with profile() as prof:
        for _ in range(steps):
            ours()
    print(f"\nminigrad, per training step (median step above; profiling adds a little):\n{prof.table(steps)}")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as tprof:
        for _ in range(steps):
            theirs()
    rows = sorted(tprof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:12]
    total = sum(e.self_cpu_time_total for e in tprof.key_averages())
    print(f"\ntorch, per training step, top operators by self time ({total / steps / 1e3:.1f} ms in operators):")
    print(f"{'operator':<46} {'calls':>6} {'self ms':>9} {'share':>6}")
    for e in rows:
        print(f"{e.key:<46} {e.count // steps:>6} {e.self_cpu_time_total / steps / 1e3:>9.1f} "
              f"{e.self_cpu_time_total / total:>6.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries (default: Numba's)")
    parser.add_argument("--repeats", type=int, default=5, help="timed steps per library (median)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps per library after the first")
    parser.add_argument("--memory", action="store_true",
                        help="each side alone in fresh processes (3 alternated pairs): peak RSS and step time")
    parser.add_argument("--startup", action="store_true",
                        help="python start + import minigrad + first step, with an empty and a warm Numba cache")
    parser.add_argument("--profile", action="store_true",
                        help="after the timings, the time of each op type in forward and backward, both libraries")
    parser.add_argument("--memory-worker", choices=("minigrad", "torch"), help=argparse.SUPPRESS)
    add_device_arguments(parser)
    args = parser.parse_args()
    if args.device == "cuda" and (args.memory or args.startup):
        parser.error("--memory and --startup measure the CPU path; run them without --device cuda")
    if args.memory_worker:
        return memory_worker(args.memory_worker, args.config, args.repeats)
    peaks = measure_alone(args.config) if args.memory else None  # first, while this process is small

    wait_policy = USER_ENV.get("OMP_WAIT_POLICY")  # as torch sees it: common.py restores it before torch loads
    import common  # imports minigrad and starts Numba's threads first, then torch (see common.py)
    import torch
    import minigrad
    threads = common.set_threads(args.threads)
    devices = common.configure_device(args.device, args.torch_device, args.torch_precision)
    ours_on, theirs_on = args.device, args.torch_device or args.device
    cfg = CONFIGS[args.config]
    flops = training_step_flops(**cfg)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {threads} threads each; "
          f"minigrad {minigrad.__version__}, torch {torch.__version__}, numpy {np.__version__}; "
          f"OMP_WAIT_POLICY at torch's import: {wait_policy or 'unset (libgomp spins)'}; {devices}")
    print(f"config {args.config}: batch {cfg['batch']}, {cfg['in_channels']}x{cfg['size']}x{cfg['size']}, "
          f"features {cfg['features']}, {cfg['classes']} classes; {flops / 1e9:.1f} GFLOP per training step "
          f"(convolutions)")
    load_before = os.getloadavg()[0]
    peak = sgemm_peak_gflops()
    x, target = batch_and_targets(cfg)
    ours, model = minigrad_step(cfg, x, target, device=ours_on)
    theirs = torch_step(cfg, x, target, model.state_dict(), device=theirs_on)
    ours, theirs = common.synchronized(ours, ours_on), common.synchronized(theirs, theirs_on)
    mg_s, torch_s, first_s = common.time_pair(ours, theirs, args.repeats, args.warmup)
    peak_after = sgemm_peak_gflops()
    print(f"SGEMM peak (numpy float32 2048^3, best of 3): {peak:.1f} GFLOP/s before, {peak_after:.1f} after")
    peak = max(peak, peak_after)
    gpu_peak = common.gpu_fp32_peak_tflops()[0] if "cuda" in (ours_on, theirs_on) else None
    for name, s, on in (("minigrad", mg_s, ours_on), ("torch", torch_s, theirs_on)):
        rate = common.gflops(flops, s)
        if on == "cpu":
            of_peak = f"{rate / peak:5.1%} of the CPU's SGEMM peak"
        elif gpu_peak:
            of_peak = f"{rate / 1e3:.1f} TFLOP/s, {rate / 1e3 / gpu_peak:5.1%} of the GPU's FP32 peak " \
                      f"({gpu_peak:.1f} TFLOP/s)"
        else:
            of_peak = "(the CUDA simulator)"
        print(f"{name:<9} median {s:7.3f} s per step   {rate:6.1f} GFLOP/s   {of_peak}")
    print(f"time ratio minigrad/torch: {mg_s / torch_s:.2f}   (minigrad's first step: {first_s:.2f} s)")
    print(f"load average (other processes compete for the cores): {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    if peaks:
        for side in ("minigrad", "torch"):
            baseline, rss, _ = peaks[side]
            print(f"{side:<9} max RSS {rss:7.0f} MiB   (after imports and setup {baseline:.0f} MiB, "
                  f"so {rss - baseline:.0f} MiB for the training steps)")
        print(f"peak memory ratio minigrad/torch: {peaks['minigrad'][1] / peaks['torch'][1]:.2f}")
        alone, torch_alone = peaks["minigrad"][2], peaks["torch"][2]
        second = peaks["minigrad, torch imported first"][2]
        print(f"each alone in its own fresh process (median over 3 alternated process pairs of each process's "
              f"median step): minigrad {alone:.3f} s, torch {torch_alone:.3f} s, ratio {alone / torch_alone:.2f}; "
              f"minigrad with torch imported first {second:.3f} s, ratio {second / torch_alone:.2f}")
    if args.profile:
        print_profiles(ours, theirs, args.repeats)
    if args.startup:
        times = measure_startup(args.config)
        for label, s in times.items():
            print(f"start-up, python -c 'import minigrad; <first training step>', {label}: {s:.2f} s")


if __name__ == "__main__":
    main()

"""Data-parallel training, measured on this machine and modelled for N machines.

    python benchmarks/bench_ddp.py                    # everything below, on MPI (a few minutes on 2 cores)
    python benchmarks/bench_ddp.py --config small     # the U-Net parts with the small configuration
    python benchmarks/bench_ddp.py --transport tcp    # the same over TCP (python -m minigrad.distributed.run)

1. All-reduce bandwidth against message size, 2 processes (the transport's all-reduce, median of repeats): algorithm
   bandwidth (bytes / time) and bus bandwidth (× 2(n-1)/n, what each link carries in a ring).
2. Overlap: one training step's backward of the U-Net on 2 processes × 1 thread, without DDP, with DDP (the
   bucketed all-reduces started during backward), and the all-reduce of the same gradients alone; the share of
   the communication the overlap hides is 1 − (with − without) / alone.
3. Throughput of the U-Net configuration: 1 process × 2 threads on a batch of 2 against 2 processes × 1 thread on
   a batch of 1 each (the same global batch, SyncBatchNorm + DDP), in images per second.
4. A model of N machines: a ring all-reduce of the configuration's gradients takes 2(N−1)/N · bytes / bandwidth
   (latency aside); against the measured step time, the scaling efficiency if none of it is hidden, at 10, 25
   and 100 Gb/s and 2, 8 and 64 nodes, and the share of backward it must overlap with.

Each worker runs with NUMBA_NUM_THREADS / OMP_NUM_THREADS / OPENBLAS_NUM_THREADS set to its thread count; the
load average and numpy's SGEMM peak of the same run are printed, as these machines are noisy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from sgemm import sgemm_peak_gflops

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONFIGS = {"tiny": dict(batch=1, size=32, features=(4, 8)), "small": dict(batch=1, size=128, features=(16, 32, 64, 128)),
           "full": dict(batch=1, size=256, features=(64, 128, 256, 512))}
SIZES = [2 ** k for k in range(10, 28, 3)]  # 1 KiB ... 32 MiB


# ---------------------------------------------------------------------------- workers (under a launcher or alone)
def _median_seconds(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _transport():
    """The job's transport (MPI under mpiexec, TCP under minigrad.distributed.run), after init_process_group."""
    import minigrad.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group()
    return dist.default_group().transport


def worker_allreduce(args):
    transport = _transport()
    rows = []
    for size in SIZES:
        buffer = np.ones(size // 4, np.float32)
        repeats = max(3, min(50, 2 ** 24 // size))

        def once():
            transport.barrier()
            transport.all_reduce(buffer, "sum")
        rows.append((size, _median_seconds(once, repeats)))
    if transport.rank == 0:
        print(json.dumps({"allreduce": rows}))


def _unet_step_parts(cfg, distributed):
    import minigrad
    import minigrad.nn.functional as F
    from minigrad.models import UNet
    minigrad.manual_seed(0)
    model = UNet(3, 6, cfg["features"])
    rng = np.random.default_rng(0)
    x = minigrad.tensor(rng.standard_normal((cfg["batch"], 3, cfg["size"], cfg["size"])).astype(np.float32))
    y = minigrad.tensor(rng.integers(0, 6, (cfg["batch"], cfg["size"], cfg["size"])))
    net = model
    if distributed:
        import minigrad.distributed as dist
        from minigrad.nn import SyncBatchNorm
        from minigrad.nn.parallel import DistributedDataParallel
        dist.init_process_group()
        model = SyncBatchNorm.convert_sync_batchnorm(model)
        net = DistributedDataParallel(model)
    return model, net, lambda: F.cross_entropy(net(x), y)


def worker_overlap(args):
    """Backward alone, backward with DDP's overlapped all-reduces, and the all-reduce of the gradients alone."""
    cfg = CONFIGS[args.config]
    model, net, loss_fn = _unet_step_parts(cfg, distributed=True)
    transport = _transport()
    def backward(sync):
        net.require_backward_grad_sync = sync
        model.zero_grad()
        loss = loss_fn()
        transport.barrier()
        start = time.perf_counter()
        loss.backward()
        return time.perf_counter() - start
    backward(True)
    runs = {"without": [], "with": []}
    for _ in range(args.repeats):  # alternating, so that a slow spell of the machine hits both alike
        runs["without"].append(backward(False))
        runs["with"].append(backward(True))
    times = {mode: statistics.median(values) for mode, values in runs.items()}
    times["spread"] = statistics.median(abs(a - b) for a, b in zip(runs["with"][1:], runs["with"][:-1])) \
        if args.repeats > 1 else 0.0
    grads = np.concatenate([p.grad.numpy().ravel() for p in model.parameters()])

    def reduce_all():
        transport.all_reduce(grads, "sum")
    transport.barrier()
    times["alone"] = _median_seconds(reduce_all, args.repeats)
    times["bytes"] = grads.nbytes
    times["buckets"] = len(net._bucket_list)
    if transport.rank == 0:
        print(json.dumps({"overlap": times}))


def worker_throughput(args):
    """Images per second of training steps (forward, backward, Adam) at the global batch ``processes × batch``."""
    import minigrad
    cfg = dict(CONFIGS[args.config], batch=args.batch)
    distributed = args.processes > 1
    model, net, loss_fn = _unet_step_parts(cfg, distributed)
    optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss_fn().backward()
        optimizer.step()
    seconds = _median_seconds(step, args.repeats)
    rank = 0
    if distributed:
        import minigrad.distributed as dist
        rank = dist.get_rank()
    if rank == 0:
        print(json.dumps({"throughput": {"seconds": seconds, "images": args.batch * args.processes,
                                         "params": sum(p.numel() for p in model.parameters())}}))


# ---------------------------------------------------------------------------- driver
TRANSPORT = ["mpi"]  # set by --transport


def launch(processes, threads, *worker_args):
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    command = [__file__, *worker_args, "--processes", str(processes)]
    if processes == 1:
        command = [sys.executable] + command
    elif TRANSPORT[0] == "mpi":
        command = ["mpiexec", "-n", str(processes), sys.executable] + command
    else:
        command = [sys.executable, "-m", "minigrad.distributed.run", "--nproc-per-node", str(processes)] + command
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"worker failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ring_seconds(nbytes, nodes, gbit_per_s):
    return 2 * (nodes - 1) / nodes * nbytes * 8 / (gbit_per_s * 1e9)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="full")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--parts", default="1,2,3,4", help="which of the parts above to run (default: 1,2,3,4)")
    parser.add_argument("--transport", choices=("mpi", "tcp"), default="mpi",
                        help="launch the processes with mpiexec (MPI) or python -m minigrad.distributed.run (TCP)")
    parser.add_argument("--worker", choices=("allreduce", "overlap", "throughput"), help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, ROOT)
        {"allreduce": worker_allreduce, "overlap": worker_overlap, "throughput": worker_throughput}[args.worker](args)
        return
    TRANSPORT[0] = args.transport
    load, peak = os.getloadavg()[0], sgemm_peak_gflops()
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f}, numpy SGEMM peak {peak:.1f} GFLOP/s; "
          f"transport {args.transport.upper()}")
    common = ["--config", args.config, "--repeats", str(args.repeats)]
    parts = {int(p) for p in args.parts.split(",")}
    if 1 in parts:
        bandwidth_table()
    if 2 in parts:
        overlap_figures(args, common)
    if parts & {3, 4}:
        one = throughput_figures(args, common)
        if 4 in parts:
            cluster_model(one)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def bandwidth_table():
    print(f"\n1. {'MPI_Allreduce' if TRANSPORT[0] == 'mpi' else 'all-reduce over TCP'}, 2 processes on this machine")
    print(f"{'bytes':>12} {'time (ms)':>10} {'algbw (GB/s)':>13} {'busbw (GB/s)':>13}")
    ring_factor = 2 * (2 - 1) / 2  # 2(n-1)/n for n = 2 processes
    for size, seconds in launch(2, 1, "--worker", "allreduce")["allreduce"]:
        algbw = size / seconds / 1e9
        print(f"{size:>12,} {seconds * 1e3:>10.3f} {algbw:>13.2f} {algbw * ring_factor:>13.2f}")


def overlap_figures(args, common):
    print(f"\n2. Overlap, U-Net '{args.config}', 2 processes x 1 thread, batch 1 each")
    overlap = launch(2, 1, "--worker", "overlap", *common)["overlap"]
    extra, alone = overlap["with"] - overlap["without"], overlap["alone"]
    print(f"backward (median of {args.repeats}, alternating) without the all-reduces {overlap['without']:.3f} s, with "
          f"DDP ({overlap['buckets']} buckets) {overlap['with']:.3f} s: DDP adds {extra:+.3f} s (run-to-run spread "
          f"{overlap['spread']:.3f} s); the all-reduce of the {overlap['bytes'] / 1e6:.1f} MB of gradients alone "
          f"takes {alone:.3f} s")
    if extra < overlap["spread"]:
        print("the added time is within the noise: the communication is hidden (or too small to see here)")
    else:
        print(f"the overlap hides {max(0.0, 1 - extra / alone):.0%} of the all-reduce time")


def throughput_figures(args, common):
    print(f"\n3. Throughput, U-Net '{args.config}', global batch 2")
    one = launch(1, 2, "--worker", "throughput", "--batch", "2", *common)["throughput"]
    two = launch(2, 1, "--worker", "throughput", "--batch", "1", *common)["throughput"]
    for label, r in (("1 process x 2 threads", one), ("2 processes x 1 thread", two)):
        print(f"{label}: {r['seconds']:.3f} s per step, {r['images'] / r['seconds']:.2f} images/s")
    print(f"ratio (2 processes / 1 process): {one['seconds'] / two['seconds']:.2f}x the images per second")
    return one


def cluster_model(one, node_cores=32):
    nbytes = one["params"] * 4
    measured = one["seconds"]
    faster = measured * (os.cpu_count() or 1) / node_cores  # the same work on a node_cores-core node, if it scaled
    print(f"\n4. Model of N machines: {one['params'] / 1e6:.1f} M gradients ({nbytes / 1e6:.0f} MB) per step. A ring "
          f"all-reduce takes 2(N-1)/N x bytes / bandwidth; with bucketed overlap only about the last bucket's share "
          f"stays exposed after backward. Step times: {measured:.2f} s measured here (batch 2), and {faster:.2f} s "
          f"assumed for a {node_cores}-core node.")
    print(f"{'Gb/s':>6} {'nodes':>6} {'all-reduce (s)':>15} {'eff., step ' + format(measured, '.2f'):>17} "
          f"{'eff., step ' + format(faster, '.2f'):>17} {'last 25 MB bucket':>18} {'last 5 MB bucket':>17}")
    for gbit in (10, 25, 100):
        for nodes in (2, 8, 64):
            t = ring_seconds(nbytes, nodes, gbit)
            last25, last5 = ring_seconds(25 * 2 ** 20, nodes, gbit), ring_seconds(5 * 2 ** 20, nodes, gbit)
            print(f"{gbit:>6} {nodes:>6} {t:>15.3f} {measured / (measured + t):>17.0%} {faster / (faster + t):>17.0%} "
                  f"{last25:>16.3f} s {last5:>15.3f} s")
    print("(efficiency: compute / (compute + all-reduce), none of it hidden; a bucket's column: the all-reduce "
          "left after backward when the rest overlaps it)")


if __name__ == "__main__":
    main()

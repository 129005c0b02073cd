"""``python -m minigrad.distributed.run``: start the ranks of a job on this machine, as torchrun
(``python -m torch.distributed.run``) does, without MPI.

    python -m minigrad.distributed.run --nproc-per-node 2 train.py --epochs 3
    python -m minigrad.distributed.run --nnodes 2 --node-rank 0 --master-addr HOST --master-port 29500 ...

Each worker gets torchrun's variables (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,
MASTER_PORT, ...), so ``init_process_group()`` joins them over TCP. When a worker fails, the others are stopped
and the launcher exits with its exit code; Ctrl-C or SIGTERM reaches every worker, and the launcher waits for
them to end as they choose. On one machine without
``--master-port``, a free port is taken. The machine's cores are shared out: each worker gets cores / workers
threads (OMP_NUM_THREADS and NUMBA_NUM_THREADS), unless the user set either.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time

__all__ = ["main", "parse_args", "worker_environments"]


def parse_args(argv=None):
    """torchrun's command line (the options a single-run job uses; both spellings, ``--nproc-per-node`` and
    ``--nproc_per_node``)."""
    parser = argparse.ArgumentParser(prog="python -m minigrad.distributed.run",
                                     description="Start the ranks of a minigrad.distributed job, as torchrun.")

    def option(name, **kwargs):
        parser.add_argument(f"--{name}", f"--{name.replace('-', '_')}", **kwargs)

    option("nnodes", default="1", help="number of machines (N, or N:N)")
    option("nproc-per-node", default="1", help="workers on this machine (a number, or 'cpu' / 'auto')")
    option("node-rank", type=int, default=0, help="this machine's rank among --nnodes")
    option("master-addr", default="127.0.0.1", help="address of the machine running rank 0")
    option("master-port", type=int, default=None, help="port rank 0 listens on (a free one on one machine)")
    option("rdzv-endpoint", default="", help="host:port, another way to give the two above")
    option("max-restarts", type=int, default=0, help="only 0: a failed job is not restarted")
    parser.add_argument("--standalone", action="store_true", help="one machine, a free port (the default here)")
    parser.add_argument("-m", "--module", action="store_true", help="run training_script as a module (python -m)")
    parser.add_argument("--no-python", "--no_python", action="store_true", help="run training_script as a program")
    parser.add_argument("training_script")
    parser.add_argument("training_script_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    nnodes = args.nnodes.split(":")
    if len(set(nnodes)) != 1 or not nnodes[0].isdigit() or int(nnodes[0]) < 1:
        parser.error(f"--nnodes {args.nnodes}: an elastic range is not supported; give one number")
    args.nnodes = int(nnodes[0])
    per_node = args.nproc_per_node
    if per_node in ("cpu", "auto"):
        args.nproc_per_node = os.cpu_count() or 1
    elif per_node.isdigit() and int(per_node) > 0:
        args.nproc_per_node = int(per_node)
    else:
        parser.error(f"--nproc-per-node {per_node}: give a number above 0, 'cpu' or 'auto'")
    if not 0 <= args.node_rank < args.nnodes:
        parser.error(f"--node-rank {args.node_rank} is not in 0..{args.nnodes - 1}")
    if args.max_restarts != 0:
        parser.error("--max-restarts: restarting failed workers is not supported")
    if args.rdzv_endpoint:
        host, _, port = args.rdzv_endpoint.rpartition(":")
        args.master_addr, args.master_port = host or args.master_addr, int(port)
    if args.master_port is None:
        if args.nnodes > 1:
            parser.error("--master-port is needed when the job spans machines")
        args.master_port = _free_port()
    return args


def _free_port():
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def worker_environments(args, environ=os.environ):
    """The environment of each worker on this machine, as torchrun's."""
    local, world = args.nproc_per_node, args.nproc_per_node * args.nnodes
    threads = str(max(1, (os.cpu_count() or 1) // local))
    shared = dict(environ, WORLD_SIZE=str(world), LOCAL_WORLD_SIZE=str(local), GROUP_RANK=str(args.node_rank),
                  GROUP_WORLD_SIZE=str(args.nnodes), ROLE_NAME="default", ROLE_WORLD_SIZE=str(world),
                  MASTER_ADDR=args.master_addr, MASTER_PORT=str(args.master_port), TORCHELASTIC_RUN_ID="none",
                  TORCHELASTIC_RESTART_COUNT="0", TORCHELASTIC_MAX_RESTARTS="0")
    if "OMP_NUM_THREADS" not in environ and "NUMBA_NUM_THREADS" not in environ and local > 1:
        shared.update(OMP_NUM_THREADS=threads, NUMBA_NUM_THREADS=threads)
    ranks = [args.node_rank * local + i for i in range(local)]
    return [dict(shared, RANK=str(rank), LOCAL_RANK=str(i), ROLE_RANK=str(rank)) for i, rank in enumerate(ranks)]


def _command(args):
    if args.no_python:
        return [args.training_script, *args.training_script_args]
    if args.module:
        return [sys.executable, "-u", "-m", args.training_script, *args.training_script_args]
    return [sys.executable, "-u", args.training_script, *args.training_script_args]


def _stop(workers, grace_s=5.0):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for worker in workers:
        try:
            worker.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _terminal_sent_it():
    """Whether a Ctrl-C came from the terminal to the whole foreground process group, workers included."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError):
        return False


def main(argv=None):
    """Start the workers and wait for them. When one fails, the others are stopped and its exit code is the
    launcher's. SIGTERM (and a Ctrl-C not already sent by the terminal) is passed on to every worker, which then
    end as they choose (a training script saves its checkpoint); the launcher waits for them all."""
    args = parse_args(argv)
    workers = [subprocess.Popen(_command(args), env=env) for env in worker_environments(args)]
    signalled = []

    def pass_on(signum, frame):
        signalled.append(signum)
        if signum != signal.SIGINT or not _terminal_sent_it():
            for worker in workers:
                if worker.returncode is None:
                    worker.send_signal(signum)

    previous = {s: signal.signal(s, pass_on) for s in (signal.SIGTERM, signal.SIGINT)}
    by_pid = {w.pid: i for i, w in enumerate(workers)}
    first_failure = 0
    try:
        while any(w.returncode is None for w in workers):
            # Workers in the order they end: the first to fail is the cause, the others usually its consequence.
            pid, status = os.waitpid(-1, 0)
            if pid not in by_pid:
                continue
            index = by_pid[pid]
            workers[index].returncode = code = os.waitstatus_to_exitcode(status)
            if code != 0 and not first_failure:
                first_failure = code if code > 0 else 128 - code
                if not signalled:
                    _stop(workers)
                    rank = args.node_rank * args.nproc_per_node + index
                    sys.stderr.write(f"minigrad.distributed.run: worker {index} (rank {rank}, pid {pid}) exited with "
                                     f"code {code}; the other workers were stopped\n")
        return first_failure
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())

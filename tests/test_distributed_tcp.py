"""minigrad.distributed without MPI: the ranks meet over TCP, started by ``python -m minigrad.distributed.run`` (as
torchrun) or by ``mp.spawn`` with ``init_process_group(rank=..., world_size=...)``. The same two-rank checks as on
MPI (tests/distributed/checks.py), scripts in PyTorch's idioms, and failures that end the job instead of hanging."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import minigrad
from minigrad.distributed.run import parse_args, worker_environments
from test_distributed import CHECK_NAMES, FAILING_RANK_SCRIPT, ROOT, TORCHRUN_SCRIPT

WITHOUT_MPI_LAUNCHER = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "PMIX_", "SLURM_"))}


def launch(n, *args, timeout=300, env=None):
    """``python -m minigrad.distributed.run --nproc-per-node n args...`` from the repository root."""
    command = [sys.executable, "-m", "minigrad.distributed.run", "--nproc-per-node", str(n), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=dict(WITHOUT_MPI_LAUNCHER, **(env or {})))


@pytest.fixture(scope="module")
def two_rank_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("tcp") / "results.json"
    done = launch(2, os.path.join("tests", "distributed", "checks.py"), str(out), timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_on_two_ranks_over_tcp(two_rank_results, name):
    assert set(two_rank_results) == set(CHECK_NAMES)
    assert two_rank_results[name] == "ok", two_rank_results[name]


def test_a_script_written_for_torchrun_runs_under_the_launcher(tmp_path):
    script = tmp_path / "ddp.py"
    script.write_text(TORCHRUN_SCRIPT)
    done = launch(2, str(script), str(tmp_path / "model.pth"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(minigrad.load(tmp_path / "model.pth", weights_only=True)) == {"weight", "bias"}


SPAWN_SCRIPT = '''import os, sys; sys.path.insert(0, %r)
import minigrad as torch
import minigrad.distributed as dist
import minigrad.multiprocessing as mp
import minigrad.nn as nn
from minigrad.nn.parallel import DistributedDataParallel as DDP


def ddp_setup(rank, world_size):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = sys.argv[2]
    dist.init_process_group(backend="gloo", rank=rank, world_size=world_size)


def main(rank, world_size, out):
    ddp_setup(rank, world_size)
    torch.manual_seed(0)
    model = DDP(nn.Linear(3, 2))
    x = torch.arange(12.0).reshape(4, 3)[rank * 2:rank * 2 + 2]  # each rank its half of one batch of 4
    model(x).pow(2).sum().backward()
    if rank == 0:
        torch.save({"grad": model.module.weight.grad, "weight": model.module.weight.detach()}, out)
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(main, args=(2, sys.argv[1]), nprocs=2)
''' % ROOT


def test_a_script_started_by_mp_spawn_averages_its_ranks_gradients(tmp_path):
    """PyTorch's DDP tutorial idiom (multigpu.py): mp.spawn, MASTER_ADDR/PORT set by the script, rank and
    world_size passed to init_process_group. The averaged gradient is the whole batch's (mean of the halves' sums)."""
    from minigrad.distributed.run import _free_port
    script = tmp_path / "spawned.py"
    script.write_text(SPAWN_SCRIPT)
    out = tmp_path / "grads.pt"
    done = subprocess.run([sys.executable, str(script), str(out), str(_free_port())], capture_output=True, text=True,
                          timeout=300, env=WITHOUT_MPI_LAUNCHER)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = minigrad.load(out, weights_only=True)
    minigrad.manual_seed(0)
    alone = minigrad.nn.Linear(3, 2)
    alone(minigrad.arange(12.0).reshape(4, 3)).pow(2).sum().backward()
    np.testing.assert_array_equal(saved["weight"].numpy(), alone.weight.detach().numpy())
    np.testing.assert_allclose(saved["grad"].numpy(), alone.weight.grad.numpy() / 2, rtol=1e-6)


def test_a_failing_rank_ends_the_job_with_its_traceback(tmp_path):
    script = tmp_path / "fails.py"
    script.write_text(FAILING_RANK_SCRIPT.format(backend="gloo"))
    start = time.monotonic()
    done = launch(2, str(script), timeout=120)
    assert done.returncode == 1 and time.monotonic() - start < 60
    assert "rank 1 fails here" in done.stderr and "worker 1 (rank 1" in done.stderr


def test_ranks_that_disagree_about_a_size_get_an_error(tmp_path):
    script = tmp_path / "sizes.py"
    script.write_text("import sys; sys.path.insert(0, %r)\n"
                      "import minigrad, minigrad.distributed as dist\n"
                      "dist.init_process_group()\n"
                      "dist.all_reduce(minigrad.ones(3 + dist.get_rank()))\n" % ROOT)
    done = launch(2, str(script), timeout=120)
    assert done.returncode != 0 and "tensors of different sizes" in done.stderr


def test_a_tcp_init_method_carries_rank_and_world_size(tmp_path):
    from minigrad.distributed.run import _free_port
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import minigrad, minigrad.distributed as dist\n"
            "rank = int(sys.argv[1])\n"
            "dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{sys.argv[2]}?rank={rank}&world_size=2')\n"
            "t = minigrad.tensor([float(rank + 1)]); dist.all_reduce(t, op=dist.ReduceOp.MAX)\n"
            "objects = [None, None]; dist.all_gather_object(objects, {'rank': rank})\n"
            "print(dist.get_backend(), t.item(), objects); dist.destroy_process_group()\n" % ROOT)
    port = str(_free_port())
    jobs = [subprocess.Popen([sys.executable, "-c", code, str(rank), port], stdout=subprocess.PIPE, text=True,
                             env=WITHOUT_MPI_LAUNCHER) for rank in (1, 0)]
    outputs = [job.communicate(timeout=120)[0] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0]
    assert all(o.strip() == "gloo 2.0 [{'rank': 0}, {'rank': 1}]" for o in outputs), outputs


def test_env_rendezvous_without_master_addr_is_pytorchs_error():
    code = ("import minigrad.distributed as dist\n"
            "try:\n    dist.init_process_group('gloo', rank=0, world_size=2)\n"
            "except ValueError as e:\n    print(e)\n")
    env = {k: v for k, v in WITHOUT_MPI_LAUNCHER.items() if k not in ("MASTER_ADDR", "MASTER_PORT")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
    assert "env:// rendezvous: environment variable MASTER_ADDR expected, but not set" in done.stdout, done.stderr


def test_the_launcher_gives_each_worker_torchruns_variables():
    args = parse_args(["--nnodes", "2", "--node_rank", "1", "--nproc-per-node", "3", "--master-addr", "10.0.0.1",
                       "--master_port", "29600", "train.py", "--lr", "0.1"])
    environments = worker_environments(args, environ={"PATH": "/bin"})
    assert [(e["RANK"], e["LOCAL_RANK"]) for e in environments] == [("3", "0"), ("4", "1"), ("5", "2")]
    first = environments[0]
    assert (first["WORLD_SIZE"], first["LOCAL_WORLD_SIZE"], first["GROUP_RANK"], first["MASTER_ADDR"],
            first["MASTER_PORT"], first["PATH"]) == ("6", "3", "1", "10.0.0.1", "29600", "/bin")
    assert args.training_script == "train.py" and args.training_script_args == ["--lr", "0.1"]
    kept = worker_environments(args, environ={"OMP_NUM_THREADS": "4"})[0]
    assert kept["OMP_NUM_THREADS"] == "4" and "NUMBA_NUM_THREADS" not in kept
    with pytest.raises(SystemExit):
        parse_args(["--nnodes", "2", "train.py"])  # several machines need an agreed port


SPAWN_FAILING = '''import os, sys; sys.path.insert(0, %r)
import minigrad.distributed as dist
import minigrad.multiprocessing as mp


def main(rank, world_size):
    if rank == 1:
        raise ValueError("rank 1 fails before joining")
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[1])
    dist.init_process_group("gloo", rank=rank, world_size=world_size)  # waits for rank 1 (30 minutes by default)


if __name__ == "__main__":
    try:
        mp.spawn(main, args=(2,), nprocs=2)
    except mp.ProcessRaisedException as error:
        print("raised:", error.error_index, "fails before joining" in str(error))
''' % ROOT


def test_mp_spawn_stops_the_other_ranks_when_one_fails(tmp_path):
    """PyTorch's spawn raises the first failure and ends the rest, rather than waiting for a rank that waits for
    the failed one."""
    from minigrad.distributed.run import _free_port
    script = tmp_path / "spawn_fails.py"
    script.write_text(SPAWN_FAILING)
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(script), str(_free_port())], capture_output=True, text=True,
                          timeout=120, env=WITHOUT_MPI_LAUNCHER)
    assert done.stdout.strip() == "raised: 1 True", done.stdout + done.stderr[-3000:]
    assert time.monotonic() - start < 60


TUTORIAL = '''import os, sys; sys.path.insert(0, %r)
import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def run(rank, size):
    """Blocking point-to-point, then non-blocking, then a collective."""
    tensor = torch.zeros(1)
    if rank == 0:
        tensor += 1
        dist.send(tensor=tensor, dst=1)
    else:
        dist.recv(tensor=tensor, src=0)
    req = dist.isend(tensor=tensor * 2, dst=1) if rank == 0 else dist.irecv(tensor=tensor, src=0)
    req.wait()
    group = dist.new_group([0, 1])
    total = torch.ones(1) * (rank + 1)
    dist.all_reduce(total, op=dist.ReduceOp.SUM, group=group)
    if rank == 1:
        dist.barrier()  # rank 0 prints first: their lines do not interleave
    print("Rank", rank, "has data", tensor[0].item(), "and", total.item(), flush=True)
    if rank == 0:
        dist.barrier()


def init_process(rank, size, fn, backend="gloo"):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = sys.argv[1]
    dist.init_process_group(backend, rank=rank, world_size=size)
    fn(rank, size)


if __name__ == "__main__":
    world_size = 2
    processes = []
    mp.set_start_method("spawn")
    for rank in range(world_size):
        p = mp.Process(target=init_process, args=(rank, world_size, run))
        p.start()
        processes.append(p)
    for p in processes:
        p.join()
''' % ROOT


def test_pytorchs_distributed_tutorial_ported_by_its_imports(tmp_path):
    """"Writing Distributed Applications with PyTorch": mp.Process ranks joining over TCP, send/recv,
    isend/irecv, a group and all_reduce."""
    from helpers import port_imports
    from minigrad.distributed.run import _free_port
    script = tmp_path / "tutorial.py"
    script.write_text(port_imports(TUTORIAL))
    done = subprocess.run([sys.executable, str(script), str(_free_port())], capture_output=True, text=True,
                          timeout=120, env=WITHOUT_MPI_LAUNCHER)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines() == ["Rank 0 has data 1.0 and 3.0", "Rank 1 has data 2.0 and 3.0"]

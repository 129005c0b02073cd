"""minigrad.distributed, DistributedDataParallel, SyncBatchNorm and DistributedSampler.

The multi-process checks run as ``mpiexec -n 2`` (tests/distributed/checks.py, once for all of them; needs
``pip install minigrad[distributed]``); the sampler and a world of one need no MPI."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import torch

import minigrad.utils.data as mdata
from minigrad.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HAVE_MPI = importlib.util.find_spec("mpi4py") is not None and shutil.which("mpiexec") is not None
needs_mpi = pytest.mark.skipif(not HAVE_MPI, reason="mpi4py and mpiexec are not installed "
                                                    "(pip install minigrad[distributed])")
CHECK_NAMES = ["collectives", "point_to_point_messages", "scatter_reduce_scatter_and_all_to_all",
               "rank_zero_weights_reach_every_rank",
               "syncbn_unet_on_two_ranks_equals_one_process_on_the_whole_batch",
               "syncbn_with_uneven_batches_float32", "plain_batchnorm_under_ddp_has_torchs_per_rank_semantics",
               "no_sync_accumulates_locally_then_averages_the_sum", "a_parameter_no_rank_used_keeps_no_gradient"]


def mpiexec(n, *args, timeout=600, env=None):
    """Run ``mpiexec -n n python args...`` from the repository root; the completed process."""
    command = ["mpiexec", "-n", str(n), sys.executable, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


@pytest.fixture(scope="module")
def two_rank_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("mpi") / "results.json"
    done = mpiexec(2, os.path.join("tests", "distributed", "checks.py"), str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


@needs_mpi
@pytest.mark.parametrize("name", CHECK_NAMES)
def test_on_two_ranks(two_rank_results, name):
    assert set(two_rank_results) == set(CHECK_NAMES)
    assert two_rank_results[name] == "ok", two_rank_results[name]


# A job whose rank 1 fails while rank 0 goes on to a collective (one of the backends' names to fill in)
FAILING_RANK_SCRIPT = ("import sys; sys.path.insert(0, %r)\n"
                       "import minigrad.distributed as dist\n"
                       "dist.init_process_group('{backend}')\n"
                       "if dist.get_rank() == 1:\n"
                       "    raise ValueError('rank 1 fails here')\n"
                       "dist.barrier()  # rank 0 would wait here forever\n" % ROOT)


@needs_mpi
def test_a_failing_rank_ends_the_job_with_its_traceback(tmp_path):
    script = tmp_path / "fails.py"
    script.write_text(FAILING_RANK_SCRIPT.format(backend="mpi"))
    start = time.monotonic()
    done = mpiexec(2, str(script), timeout=120)
    assert done.returncode != 0 and time.monotonic() - start < 60
    assert "rank 1 fails here" in done.stderr and "Traceback" in done.stderr


def test_world_of_one_without_a_launcher():
    code = ("import minigrad, minigrad.nn as nn, minigrad.distributed as dist\n"
            "from minigrad.nn.parallel import DistributedDataParallel as DDP\n"
            "assert not dist.is_initialized() and dist.is_available()\n"
            "dist.init_process_group('gloo')\n"
            "assert (dist.get_rank(), dist.get_world_size(), dist.is_initialized()) == (0, 1, True)\n"
            "t = minigrad.tensor([1.0, 2.0]); dist.all_reduce(t); dist.broadcast(t, 0); dist.barrier()\n"
            "assert t.tolist() == [1.0, 2.0]\n"
            "model = DDP(nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))))\n"
            "model(minigrad.randn(4, 2)).sum().backward()\n"
            "assert list(model.state_dict())[0] == 'module.0.weight' and model.module[0].weight.grad is not None\n"
            "dist.destroy_process_group(); print('ok')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "PMIX_", "SLURM_"))}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


@pytest.mark.parametrize("n,replicas,shuffle,drop_last,epoch", [
    (10, 2, True, False, 0), (10, 3, True, False, 1), (11, 4, False, False, 0), (11, 4, True, True, 3),
    (2, 5, True, False, 0), (7, 2, False, True, 0)])
def test_distributed_sampler_shards_as_torch(n, replicas, shuffle, drop_last, epoch):
    ours, theirs = [], []
    for rank in range(replicas):
        mine = DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=5, drop_last=drop_last)
        reference = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=5,
                                                        drop_last=drop_last)
        mine.set_epoch(epoch)
        reference.set_epoch(epoch)
        ours.append(list(mine))
        theirs.append(list(reference))
        assert len(mine) == len(reference)
    assert ours == theirs
    sampler = DistributedSampler(range(n), replicas, 0, shuffle=shuffle, seed=5, drop_last=drop_last)
    sampler.set_epoch(epoch)
    loader = mdata.DataLoader(range(n), batch_size=2, sampler=sampler)
    assert [int(i) for batch in loader for i in batch] == ours[0]
    with pytest.raises(ValueError, match="Invalid rank"):
        DistributedSampler(range(n), replicas, replicas)


@needs_mpi
def test_bench_ddp_runs_on_the_tiny_config():
    done = subprocess.run([sys.executable, "benchmarks/bench_ddp.py", "--config", "tiny", "--repeats", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for heading in ("1. MPI_Allreduce", "2. Overlap", "3. Throughput", "4. Model of N machines", "SGEMM peak"):
        assert heading in done.stdout


def test_torchrun_variables_from_the_launchers_variables():
    from minigrad.distributed.group import export_torchrun_environment
    environ = {"PMI_RANK": "1", "PMI_SIZE": "4", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "2"}
    export_torchrun_environment(environ)
    assert (environ["RANK"], environ["WORLD_SIZE"], environ["LOCAL_RANK"], environ["LOCAL_WORLD_SIZE"]) == \
        ("1", "4", "1", "2")
    environ = {"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "8", "RANK": "kept"}
    export_torchrun_environment(environ)
    assert environ["RANK"] == "kept" and environ["WORLD_SIZE"] == "8" and "LOCAL_RANK" not in environ
    environ = {}
    export_torchrun_environment(environ)
    assert environ == {}


# The DDP idiom of PyTorch's tutorials, with its imports changed: environment variables read before
# init_process_group, device_ids, the sampler's epoch, rank 0 saving ``model.module``'s weights.
TORCHRUN_SCRIPT = "import os, sys; sys.path.insert(0, %r)\n" % ROOT + '''
import minigrad as torch
import minigrad.distributed as dist
import minigrad.nn as nn
from minigrad.nn.parallel import DistributedDataParallel as DDP
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.utils.data.distributed import DistributedSampler

local_rank, world_size = int(os.environ["LOCAL_RANK"]), int(os.environ["WORLD_SIZE"])
dist.init_process_group(backend="gloo", init_method="env://")
assert dist.get_world_size() == world_size == 2 and dist.get_rank() == int(os.environ["RANK"])
torch.manual_seed(0)
model = DDP(nn.Linear(4, 1), device_ids=[local_rank] if torch.cuda.is_available() else None)
data = TensorDataset(torch.randn(16, 4), torch.randn(16, 1))
sampler = DistributedSampler(data)
loader = DataLoader(data, batch_size=4, sampler=sampler)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2):
    sampler.set_epoch(epoch)
    for x, y in loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
total = loss.detach().clone()
dist.all_reduce(total, op=dist.ReduceOp.SUM)
if dist.get_rank() == 0:
    torch.save(model.module.state_dict(), sys.argv[1])
dist.barrier()
dist.destroy_process_group()
'''


@needs_mpi
def test_a_script_written_for_torchrun_runs_under_mpiexec(tmp_path):
    """TORCHRUN_SCRIPT under mpiexec, which sets torchrun's variables from its own."""
    script = tmp_path / "ddp.py"
    script.write_text(TORCHRUN_SCRIPT)
    done = mpiexec(2, str(script), str(tmp_path / "model.pth"), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(torch.load(tmp_path / "model.pth", weights_only=True)) == {"weight", "bias"}

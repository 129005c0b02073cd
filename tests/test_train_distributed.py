"""``examples/train_unet.py --distributed`` under ``mpiexec -n 2`` and under ``python -m minigrad.distributed.run
--nproc-per-node 2`` (TCP): the same training as one process with the same global batch, resumable with another
number of processes, stopped cleanly on every rank by SIGTERM."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from test_distributed import HAVE_MPI, ROOT
from test_distributed_tcp import WITHOUT_MPI_LAUNCHER

needs_mpi = pytest.mark.skipif(not HAVE_MPI, reason="mpi4py and mpiexec are not installed "
                                                    "(pip install minigrad[distributed])")
LAUNCHERS = [pytest.param("mpiexec", marks=needs_mpi), "tcp"]
SCRIPT = os.path.join(ROOT, "examples", "train_unet.py")
SMALL = ["--train-images", "32", "--val-images", "8", "--image-size", "16", "--features", "4", "8",
         "--batch-size", "4", "--no-progress", "--workers", "0"]


def command(processes, launcher, *args):
    """``python SCRIPT --distributed args``, started as ``processes`` ranks by mpiexec or over TCP."""
    script = [SCRIPT, "--distributed", *SMALL, *args]
    if processes == 1:
        return [sys.executable, *script]
    if launcher == "mpiexec":
        return ["mpiexec", "-n", str(processes), sys.executable, *script]
    return [sys.executable, "-m", "minigrad.distributed.run", "--nproc-per-node", str(processes), *script]


def train(processes, out, *extra, launcher="mpiexec", timeout=600):
    done = subprocess.run(command(processes, launcher, "--out", str(out), *extra), capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=WITHOUT_MPI_LAUNCHER)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def records(out):
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def weights(path):
    with np.load(path) as data:
        return {k: data[k] for k in data.files if k.startswith("model")}


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_two_processes_train_as_one_with_the_global_batch(tmp_path, launcher):
    """SGD: its steps are linear in the gradients, which the two runs sum in another order (each process its half
    of the batch, then the all-reduce), to float32's rounding. Adam divides by sqrt(v): where a gradient is near 0
    that rounding becomes a step's size (measured after 2 epochs: SGD's weights 6e-8 apart, Adam's 1.5e-5)."""
    one = train(1, tmp_path / "one", "--epochs", "2", "--optimizer", "sgd")
    two = train(2, tmp_path / "two", "--epochs", "2", "--optimizer", "sgd", launcher=launcher)
    assert "2 processes" in two.stdout and two.stdout.count("epoch 2:") == 1  # rank 0 alone prints
    assert "2 processes" not in one.stdout
    ours, reference = records(tmp_path / "two"), records(tmp_path / "one")
    assert len(ours) == len(reference) == 2
    for a, b in zip(ours, reference):
        for key in ("train_loss", "val_loss", "pixel_accuracy"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-5, err_msg=key)
    first, second = weights(tmp_path / "two" / "checkpoint.npz"), weights(tmp_path / "one" / "checkpoint.npz")
    assert first.keys() == second.keys() and not any("module." in k for k in first)
    for key in first:
        np.testing.assert_allclose(first[key], second[key], rtol=1e-5, atol=1e-6, err_msg=key)
    assert (tmp_path / "two" / "predictions.png").exists()


@needs_mpi
def test_resume_with_another_number_of_processes(tmp_path):
    """1 epoch on 2 processes, resumed for a second on 1 process, equals 2 epochs on 1 process (a constant lr: the
    cosine's length depends on --epochs)."""
    train(2, tmp_path / "run", "--epochs", "1", "--scheduler", "none")
    resumed = train(1, tmp_path / "run", "--epochs", "2", "--scheduler", "none",
                    "--resume", str(tmp_path / "run" / "checkpoint.npz"))
    assert "resumed" in resumed.stdout
    train(1, tmp_path / "straight", "--epochs", "2", "--scheduler", "none")
    for a, b in zip(records(tmp_path / "run"), records(tmp_path / "straight")):
        np.testing.assert_allclose(a["train_loss"], b["train_loss"], rtol=1e-5)
        np.testing.assert_allclose(a["val_loss"], b["val_loss"], rtol=1e-5)


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_sigterm_stops_every_rank_at_one_step_and_saves(tmp_path, launcher):
    out = tmp_path / "long"
    job = subprocess.Popen(command(2, launcher, "--train-images", "512", "--epochs", "100", "--out", str(out)),
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=WITHOUT_MPI_LAUNCHER)
    deadline = time.monotonic() + 120
    while not (out / "metrics.jsonl").exists() or not (out / "metrics.jsonl").read_text():
        assert job.poll() is None and time.monotonic() < deadline, job.communicate()
        time.sleep(0.2)
    job.send_signal(signal.SIGTERM)  # what a batch system sends before it kills a job
    stdout, stderr = job.communicate(timeout=60)
    assert job.returncode == 130, stdout[-2000:] + stderr[-2000:]
    assert "interrupted" in stdout and "SIGTERM" in stderr
    resumed = train(2, out, "--train-images", "512", "--epochs", "3", "--resume", str(out / "checkpoint.npz"),
                    launcher=launcher)
    assert "resumed" in resumed.stdout


@needs_mpi
def test_a_global_batch_that_does_not_split_is_refused(tmp_path):
    done = subprocess.run(["mpiexec", "-n", "2", sys.executable, SCRIPT, "--distributed", *SMALL, "--batch-size", "3",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode != 0 and "does not split evenly over 2 processes" in done.stderr


def test_a_signal_during_the_stop_agreement_is_kept_for_the_next(monkeypatch):
    """The launcher forwards SIGTERM to every rank at once; a rank's handler often runs while the rank waits in the
    agreement's all-reduce. That agreement says go on (the flag was sent before), and the next must say stop: the
    request was once overwritten there, and when every rank lost it so the job trained on."""
    import importlib.util
    import minigrad.distributed as dist
    spec = importlib.util.spec_from_file_location("train_unet_under_test", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    stop = script.StopRequest(distributed=True, rank=1)

    def signal_arrives_meanwhile(flag, op=None):
        stop._handle(signal.SIGTERM, None)

    monkeypatch.setattr(dist, "all_reduce", signal_arrives_meanwhile)
    assert stop.agreed() is False  # (every rank's flag was 0 when sent)
    assert stop.agreed() is True

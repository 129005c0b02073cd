"""The benchmark scripts run end to end (tiny sizes: speed is measured by running them, not here)."""
import os
import subprocess
import sys

import pytest

import minigrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args, env=None):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


def test_bench_unet_tiny_config_prints_the_ratio():
    out = _run("benchmarks/bench_unet.py", "--config", "tiny", "--repeats", "1", "--warmup", "0")
    assert out.returncode == 0, out.stderr
    assert "time ratio minigrad/torch:" in out.stdout
    assert "minigrad on cpu" not in out.stdout and "CPU" in out.stdout


def test_bench_layers_runs_one_case():
    out = _run("benchmarks/bench_layers.py", "--only", "maxpool2d k2s2 b4", "--repeats", "1", "--warmup", "0",
               "--pause", "0")
    assert out.returncode == 0, out.stderr
    assert "maxpool2d k2s2 b4 16 @128" in out.stdout and "worst" in out.stdout


def test_bench_layers_gives_each_convolution_as_a_fraction_of_the_sgemm_peak():
    out = _run("benchmarks/bench_layers.py", "--only", "k1s1p0", "--repeats", "1", "--warmup", "0", "--pause", "0")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    peak = next(line for line in lines if line.startswith("SGEMM peak"))
    row = next(line for line in lines if line.strip().startswith("conv2d b4 16->6 k1s1p0 @128") and "%" in line)
    assert "GFLOP/s before" in peak and "minigrad" in row and "torch" in row
    assert any(line.startswith("minigrad: ") and "of 1 convolutions at 75% of the peak or more" in line
               for line in lines)


@pytest.mark.skipif(minigrad.cuda.is_available(), reason="a GPU is present: the benchmark would run")
def test_cuda_benchmark_without_a_gpu_says_how_to_get_one():
    out = _run("benchmarks/bench_unet.py", "--device", "cuda", "--config", "tiny", env={"NUMBA_ENABLE_CUDASIM": "0"})
    assert out.returncode != 0
    assert "NUMBA_ENABLE_CUDASIM=1" in out.stderr


def test_cuda_benchmark_refuses_memory_and_startup():
    out = _run("benchmarks/bench_unet.py", "--device", "cuda", "--memory")
    assert out.returncode == 2 and "CPU path" in out.stderr


def test_gpu_model_reports_kernel_resources_and_a_modelled_step():
    pytest.importorskip("numba_cuda", reason="the cuda extra (numba-cuda with ptxas) is not installed")
    out = _run("benchmarks/gpu_model.py", env={"NUMBA_ENABLE_CUDASIM": "0"})
    assert out.returncode == 0, out.stderr
    assert "linalg._sgemm" in out.stdout and "occupancy" in out.stdout and "TFLOP/s" in out.stdout


def test_gpu_check_script_is_valid_bash_and_names_its_parts():
    script = os.path.join(ROOT, "benchmarks", "gpu_check.sh")
    assert subprocess.run(["bash", "-n", script]).returncode == 0
    text = open(script).read()
    for part in ("tests/cuda", "gpu_sgemm.py", "bench_layers.py --device cuda", "bench_unet.py --device cuda"):
        assert part in text


def test_wake_latency_prints_both_pools():
    out = _run("benchmarks/wake_latency.py", "--calls", "3", "--pauses", "0.0001")
    assert out.returncode == 0, out.stderr
    assert "Numba parallel loop median" in out.stdout and "SGEMM median" in out.stdout

#!/usr/bin/env bash
# The GPU check, in one run of under 8 minutes on a machine with an NVIDIA GPU, CUDA's PyTorch and numba-cuda:
#   1. the CUDA tests on the real GPU (tests/cuda, the same files the simulator runs in CI);
#   2. SGEMM: minigrad's kernel against cuBLAS (torch.matmul, TF32 off), and whether a steady training step
#      allocates from the driver (the caching allocator);
#   3. bench_layers.py --device cuda and bench_unet.py --device cuda --config full against PyTorch CUDA in true FP32,
#      with ratios, TFLOP/s and the fraction of the GPU's FP32 peak.
# Usage: bash benchmarks/gpu_check.sh [output folder]   (default: $OUT when set, else ./gpu_check_out)
# Each part has its own time limit, so that one slow part cannot take the others' time; the logs land in the folder.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-gpu_check_out}}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python=${PYTHON:-python3}
status=0

part() {  # part <seconds> <log name> <command...>
    local limit=$1 log=$2
    shift 2
    echo "== $* (limit ${limit} s)"
    local start=$SECONDS
    timeout "$limit" "$@" 2>&1 | tee "$out/$log"
    local code=${PIPESTATUS[0]}
    echo "== exit $code after $((SECONDS - start)) s"
    [ "$code" -eq 0 ] || status=1
}

nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv 2>&1 | tee "$out/gpu.txt"
part 150 cuda_tests.log "$python" -m pytest -q -x tests/cuda
part 60 sgemm.log "$python" benchmarks/gpu_sgemm.py
part 120 layers.log "$python" benchmarks/bench_layers.py --device cuda --repeats 5 --pause 0
part 120 unet.log "$python" benchmarks/bench_unet.py --device cuda --config full --repeats 5
echo "logs in $out"
exit $status

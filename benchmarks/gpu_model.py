"""The expected speed of minigrad's CUDA path, from a model, for sessions without a GPU.

    python benchmarks/gpu_model.py            # H100 SXM figures; --gpu h200 for an H200

1. Resources: every hot CUDA kernel is compiled to PTX for sm_90 with the signature the framework launches it with,
   then assembled by ``ptxas -v`` (from the numba-cuda[cu12] extra, no GPU needed): registers per thread, shared
   memory per block, spills. From those and the launch's block size, the occupancy on a Hopper SM (65536
   registers, 2048 threads, 228 KiB of shared memory, 32 blocks at most).
2. Time: the U-Net full-config training step (batch 1, 3x256x256, features 64-512) as its GEMMs (forward, input
   and weight gradients of every convolution, from the architecture of minigrad.models.UNet) and its memory-bound
   passes (im2col/col2im columns, BatchNorm+ReLU, pooling, Adam), each the larger of FLOPs / (FP32 peak x
   efficiency) and bytes / bandwidth. The SGEMM efficiency is an assumption, printed with the result: a
   register-tiled 128x128x8 kernel without vector loads reaches roughly 50-70% of cuBLAS on large GEMMs in
   published step-by-step SGEMM studies, and cuBLAS about 80-90% of the FP32 peak.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

GPUS = {  # FP32 (non-tensor) peak TFLOP/s, memory bandwidth TB/s, SMs
    "h100": dict(name="H100 SXM", fp32_tflops=67.0, bandwidth_tbs=3.35, sms=132),
    "h200": dict(name="H200", fp32_tflops=67.0, bandwidth_tbs=4.8, sms=132),
}
SM = dict(registers=65536, threads=2048, shared_bytes=228 * 1024, blocks=32, reserved_shared=1024)

# (family.kernel, threads per block as launched) for the kernels of a training step
HOT_KERNELS = [("linalg._sgemm", 256), ("conv._im2col", 256), ("conv._col2im", 256), ("conv._sum_samples", 256),
               ("norm._channel_stats", 256), ("norm._scale_shift", 256), ("norm._grad_sums", 256),
               ("norm._grad_input", 256), ("pool._max_pool", 256), ("pool._max_pool_backward", 256),
               ("optim._adam", 256), ("loss._ce_forward", 256), ("loss._ce_backward", 256)]


def ptxas_path():
    """ptxas from the nvidia-cuda-nvcc wheel that numba-cuda[cu12] installs, else one on the PATH."""
    import nvidia.cuda_nvcc
    for folder in nvidia.cuda_nvcc.__path__:  # a namespace package: no __file__
        candidate = os.path.join(folder, "bin", "ptxas")
        if os.path.exists(candidate):
            return candidate
    return "ptxas"


def resources(name, threads):
    """(registers, shared bytes, spill bytes, occupancy, seconds to compile to PTX) of a registered kernel's first
    signature on sm_90."""
    from numba import cuda
    from minigrad.backends.cuda import _runtime
    fn, signatures = _runtime.KERNELS[name]
    start = time.perf_counter()
    ptx, _ = cuda.compile_ptx(fn, signatures[0], cc=(9, 0))
    seconds = time.perf_counter() - start
    with tempfile.NamedTemporaryFile("w", suffix=".ptx", delete=False) as f:
        f.write(ptx)
    try:
        report = subprocess.run([ptxas_path(), "-arch=sm_90", "-v", f.name, "-o", os.devnull],
                                capture_output=True, text=True, check=True).stderr
    finally:
        os.unlink(f.name)
    registers = int(re.search(r"Used (\d+) registers", report).group(1))
    shared = sum(int(n) for n in re.findall(r"(\d+) bytes smem", report))
    spills = sum(int(n) for n in re.findall(r"(\d+) bytes spill (?:stores|loads)", report))
    per_warp = -(-registers * 32 // 256) * 256  # registers are given to warps in units of 256
    blocks = min(SM["blocks"], SM["threads"] // threads, SM["registers"] // (per_warp * threads // 32))
    if shared:
        blocks = min(blocks, SM["shared_bytes"] // (shared + SM["reserved_shared"]))
    return registers, shared, spills, blocks * threads / SM["threads"], seconds


def unet_layers(size=256, features=(64, 128, 256, 512), in_channels=3, classes=6):
    """(kind, C_in, C_out, k, output H*W) of every convolution in minigrad.models.UNet, batch 1."""
    layers, channels, side = [], in_channels, size
    for f in features:
        layers += [("conv", channels, f, 3, side * side), ("conv", f, f, 3, side * side)]
        channels, side = f, side // 2
    bottom = 2 * features[-1]
    layers += [("conv", channels, bottom, 3, side * side), ("conv", bottom, bottom, 3, side * side)]
    for f in reversed(features):
        side *= 2
        layers += [("convT", 2 * f, f, 2, side * side), ("conv", 2 * f, f, 3, side * side),
                   ("conv", f, f, 3, side * side)]
    layers.append(("conv", features[0], classes, 1, size * size))
    return layers


def step_model(gpu, sgemm_efficiency, memory_efficiency=0.8):
    """Seconds of the training step's GEMMs and memory passes on ``gpu`` (a model: see the module's docstring)."""
    peak = gpu["fp32_tflops"] * 1e12 * sgemm_efficiency
    bandwidth = gpu["bandwidth_tbs"] * 1e12 * memory_efficiency
    gemm_s = memory_s = flops = 0.0
    for kind, cin, cout, k, pixels in unet_layers():
        taps = k * k
        if kind == "convT":  # stride 2 = kernel: each input pixel meets each tap once
            pixels //= 4
        layer_flops = 2 * cin * cout * taps * pixels
        flops += 3 * layer_flops  # forward, input gradient, weight gradient
        gemm_s += 3 * layer_flops / peak
        if k > 1:  # im2col (forward, weight gradient) and col2im (input gradient): columns written and read
            columns = cin * taps * pixels * 4 if kind == "conv" else cout * taps * pixels * 4
            memory_s += 3 * 2 * columns / bandwidth
        activation = cout * (pixels * (4 if kind == "convT" else 1)) * 4
        memory_s += 6 * activation / bandwidth  # BatchNorm+ReLU forward (read, write), backward (2 reads, 1 write)
    parameters = 31.0e6
    memory_s += parameters * 4 * 7 / bandwidth  # Adam: p, g, m, v read; p, m, v written
    return flops, gemm_s, memory_s


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpu", choices=sorted(GPUS), default="h100")
    args = parser.parse_args()
    gpu = GPUS[args.gpu]
    import importlib
    import pkgutil
    import minigrad.backends.cuda as cuda_backend
    for module in pkgutil.iter_modules(cuda_backend.__path__):
        importlib.import_module(f"minigrad.backends.cuda.{module.name}")
    print("kernel resources on sm_90 (numba.cuda.compile_ptx, then ptxas -v), occupancy on a Hopper SM:")
    print(f"{'kernel':<28}{'threads':>8}{'registers':>10}{'smem B':>8}{'spills B':>9}{'occupancy':>10}"
          f"{'PTX compile s':>14}")
    total = 0.0
    for name, threads in HOT_KERNELS:
        registers, shared, spills, occupancy, seconds = resources(name, threads)
        total += seconds
        print(f"{name:<28}{threads:>8}{registers:>10}{shared:>8}{spills:>9}{occupancy:>10.0%}{seconds:>14.2f}")
    print(f"compiling these {len(HOT_KERNELS)} kernels to PTX took {total:.1f} s on this CPU (a first GPU run also "
          f"pays the driver's PTX-to-SASS step, not measured here)")
    print(f"\nU-Net full config training step on an {gpu['name']} ({gpu['fp32_tflops']:.0f} TFLOP/s FP32, "
          f"{gpu['bandwidth_tbs']} TB/s):")
    for label, efficiency in (("minigrad, SGEMM at 35% of peak (low)", 0.35),
                              ("minigrad, SGEMM at 50% of peak (expected)", 0.50),
                              ("cuDNN-like, 80% of peak", 0.80)):
        flops, gemm_s, memory_s = step_model(gpu, efficiency)
        total = gemm_s + memory_s
        print(f"  {label:<44} GEMMs {gemm_s * 1e3:6.1f} ms + memory passes {memory_s * 1e3:5.1f} ms "
              f"= {total * 1e3:6.1f} ms  ({flops / total / 1e12:5.1f} TFLOP/s)")
    print("  not counted: the host's launch cost. A numba-cuda launch takes about 10-30 us of Python, and a step makes\n"
          "  about 450 launches (per convolution about 8: im2col, GEMMs, col2im, sums; per BatchNorm about 8; one Adam\n"
          "  kernel per parameter): 5-14 ms, which overlaps the GPU's work only while the GPU is the slower side.")


if __name__ == "__main__":
    main()

"""Forward + backward of each U-Net layer, minigrad against PyTorch on the same cores (or the same GPU).

    python benchmarks/bench_layers.py                 # every case
    python benchmarks/bench_layers.py --only convT    # the cases whose name contains "convT"
    python benchmarks/bench_layers.py --cold-cache    # first-call column = Numba compile time
    python benchmarks/bench_layers.py --device cuda   # on the GPU, against PyTorch CUDA in true FP32 (TF32 off)
    python benchmarks/bench_layers.py --device cuda --torch-precision default   # PyTorch with its TF32 defaults

Each case is one line in CASES; ``first call`` (Numba compile or cache load) is reported apart from the
median run time. GFLOP/s counts 2 flops per multiply-add of the forward pass and of each gradient computed.
On the CPU, the SGEMM peak is measured before and after the cases (numpy's float32 2048^3 matmul, best of 3), and
each convolution's GFLOP/s is also given as a fraction of it, with how many reach the issue's 75%.
"""
import argparse
import os
import platform
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]  # common.py, and minigrad itself when it is not installed
if "--cold-cache" in sys.argv:  # before common compiles (or loads) the first Numba kernel
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="minigrad-numba-cache-")
import common  # noqa: E402  (imports minigrad, starts its threads, then imports torch)
from options import add_device_arguments  # noqa: E402
from sgemm import sgemm_peak_gflops  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402


DEVICES = {"minigrad": "cpu", "torch": "cpu"}  # set by --device / --torch-device


def _train_step(layer, x, grad, device):
    """The same code drives both libraries: zero the gradients, forward, backward with a fixed upstream gradient."""
    params = list(layer.parameters())

    def step():
        for p in params:
            p.grad = None
        x.grad = None
        layer(x).backward(grad)
    return common.synchronized(step, device)


def _pair_of_layers(make, input_shape, input_grad, seed=0):
    """The minigrad and PyTorch layers with the same weights, inputs and upstream gradient."""
    import minigrad
    ours_on, theirs_on = DEVICES["minigrad"], DEVICES["torch"]
    theirs = make(torch.nn)
    ours = make(minigrad.nn)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(ours_on), theirs.to(theirs_on)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(input_shape).astype(np.float32)
    with torch.no_grad():
        out_shape = tuple(theirs(torch.from_numpy(x).to(theirs_on)).shape)
    g = rng.standard_normal(out_shape).astype(np.float32)
    mx = minigrad.tensor(x, requires_grad=input_grad, device=ours_on)
    tx = torch.tensor(x, requires_grad=input_grad, device=theirs_on)
    return (_train_step(ours, mx, minigrad.tensor(g, device=ours_on), ours_on),
            _train_step(theirs, tx, torch.from_numpy(g).to(theirs_on), theirs_on))


def conv2d_case(batch, cin, cout, size, kernel=3, stride=1, padding=1, bias=False, input_grad=True, network=""):
    """``network``: a prefix naming the network of a layer that is not the U-Net's (the fractions of the SGEMM peak
    count only the U-Net's cases, whose names start with "conv")."""
    out = (size + 2 * padding - kernel) // stride + 1
    flops = 2 * batch * cout * cin * kernel * kernel * out * out * (3 if input_grad else 2)
    name = f"{network}conv2d b{batch} {cin}->{cout} k{kernel}s{stride}p{padding} @{size}" + \
        ("" if input_grad else " (no dx)")
    return common.Case(name, flops, lambda: _pair_of_layers(
        lambda nn: nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=bias),
        (batch, cin, size, size), input_grad))


def conv_transpose2d_case(batch, cin, cout, size, kernel=2, stride=2, bias=True):
    flops = 2 * batch * cin * cout * kernel * kernel * size * size * 3
    name = f"convT b{batch} {cin}->{cout} k{kernel}s{stride} @{size}"
    return common.Case(name, flops, lambda: _pair_of_layers(
        lambda nn: nn.ConvTranspose2d(cin, cout, kernel, stride=stride, bias=bias), (batch, cin, size, size), True))


def layer_case(name, make, input_shape, flops):
    """A memory-bound layer (norm, pooling, resize): its GFLOP/s counts elementwise operations, forward+backward."""
    return common.Case(name, flops, lambda: _pair_of_layers(make, input_shape, True))


# A convolution at this fraction of the SGEMM peak or more counts as fast (issue 13's bar).
PEAK_FRACTION = 0.75


def print_fractions_of_peak(results, peak):
    """Each convolution's forward+backward GFLOP/s as a fraction of the SGEMM peak, for both libraries."""
    convolutions = [r for r in results if r.name.startswith("conv")]
    if not convolutions:
        return
    print(f"convolutions as a fraction of the SGEMM peak ({peak:.1f} GFLOP/s):")
    for r in convolutions:
        ours, theirs = common.gflops(r.flops, r.minigrad_s) / peak, common.gflops(r.flops, r.torch_s) / peak
        print(f"  {r.name:<44} minigrad {ours:6.1%}   torch {theirs:6.1%}")
    for side, seconds in (("minigrad", "minigrad_s"), ("torch", "torch_s")):
        fast = sum(common.gflops(r.flops, getattr(r, seconds)) >= PEAK_FRACTION * peak for r in convolutions)
        print(f"{side}: {fast} of {len(convolutions)} convolutions at {PEAK_FRACTION:.0%} of the peak or more")


_RESNET18_STAGES = ((64, 1), (128, 2), (256, 2), (512, 2))  # output channels and first stride of each stage


def _resnet18_cifar(nn):
    """ResNet-18 for 32x32 images in either library: a 3x3 stem, four stages of two basic blocks (two 3x3
    convolutions with batch norms, a 1x1 projection on the shortcut where the shape changes), average pool, linear."""
    class Basic(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                                      nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            return nn.functional.relu(self.body(x) + self.shortcut(x))

    layers, cin = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()], 64
    for cout, stride in _RESNET18_STAGES:
        layers += [Basic(cin, cout, stride), Basic(cout, cout, 1)]
        cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))


def _resnet18_cifar_multiply_adds():
    """The multiply-adds of one 32x32 image's forward pass through _resnet18_cifar's convolutions."""
    total, cin, size = 3 * 64 * 9 * 32 * 32, 64, 32
    for cout, stride in _RESNET18_STAGES:
        size //= stride
        total += (cin * cout * 9 + 3 * cout * cout * 9) * size * size  # four 3x3 convolutions
        total += cin * cout * size * size if stride != 1 or cin != cout else 0  # the projection
        cin = cout
    return total


# (expansion, output channels, blocks, first stride) of MobileNetV2's stages as CIFAR scripts set them (stride 1
# where ImageNet's network halves 32x32 images early)
_MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                        (6, 320, 1, 1))


def _mobilenet_v2_cifar(nn):
    """MobileNetV2 for 32x32 images in either library: inverted residual blocks (1x1 expansion, depthwise 3x3, 1x1
    projection, batch norms and ReLUs; the input added back where the shape is kept), a 1x1 convolution to 1280
    channels, average pool, linear."""
    class Inverted(nn.Module):
        def __init__(self, cin, cout, expansion, stride):
            super().__init__()
            wide = cin * expansion
            self.body = nn.Sequential(
                nn.Conv2d(cin, wide, 1, bias=False), nn.BatchNorm2d(wide), nn.ReLU(),
                nn.Conv2d(wide, wide, 3, stride, 1, groups=wide, bias=False), nn.BatchNorm2d(wide), nn.ReLU(),
                nn.Conv2d(wide, cout, 1, bias=False), nn.BatchNorm2d(cout))
            self.keeps_shape = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.keeps_shape else self.body(x)

    layers, cin = [nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU()], 32
    for expansion, cout, blocks, stride in _MOBILENET_V2_STAGES:
        for block in range(blocks):
            layers.append(Inverted(cin, cout, expansion, stride if block == 0 else 1))
            cin = cout
    return nn.Sequential(*layers, nn.Conv2d(320, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, 10))


def _mobilenet_v2_cifar_multiply_adds():
    """The multiply-adds of one 32x32 image's forward pass through _mobilenet_v2_cifar's convolutions."""
    total, cin, size = 3 * 32 * 9 * 32 * 32, 32, 32
    for expansion, cout, blocks, stride in _MOBILENET_V2_STAGES:
        for block in range(blocks):
            wide, before = cin * expansion, size
            size //= stride if block == 0 else 1
            total += cin * wide * before * before + wide * 9 * size * size + wide * cout * size * size
            cin = cout
    return total + 320 * 1280 * size * size


# The U-Net of the project at its two benchmark sizes: small (batch 4, 128x128, features 16-128) and
# full (batch 1, 256x256, features 64-512). Norm and pooling layers add their cases here too.
CASES = [
    conv2d_case(4, 3, 16, 128, input_grad=False),
    conv2d_case(4, 16, 16, 128),
    conv2d_case(4, 32, 32, 64),
    conv2d_case(4, 64, 64, 32),
    conv2d_case(4, 128, 128, 16),
    conv2d_case(4, 256, 256, 8),
    conv_transpose2d_case(4, 256, 128, 8),
    conv_transpose2d_case(4, 128, 64, 16),
    conv_transpose2d_case(4, 64, 32, 32),
    conv_transpose2d_case(4, 32, 16, 64),
    conv2d_case(4, 16, 6, 128, kernel=1, padding=0, bias=True),
    conv2d_case(4, 32, 32, 64, stride=2),
    conv2d_case(1, 3, 64, 256, input_grad=False),
    conv2d_case(1, 64, 64, 256),
    conv2d_case(1, 128, 128, 128),
    conv2d_case(1, 512, 512, 32),
    conv2d_case(1, 1024, 1024, 16),
    conv_transpose2d_case(1, 128, 64, 128),
    conv_transpose2d_case(1, 1024, 512, 16),
    # Norm, pooling and resize (ops per element: batchnorm ~13 for statistics, normalisation and the two backward
    # passes; max pool one compare per window element plus the scatter; bilinear 6 forward and 8 backward per output).
    layer_case("batchnorm2d b4 16 @128", lambda nn: nn.BatchNorm2d(16), (4, 16, 128, 128), 13 * 4 * 16 * 128 * 128),
    layer_case("batchnorm2d b4 128 @16", lambda nn: nn.BatchNorm2d(128), (4, 128, 16, 16), 13 * 4 * 128 * 16 * 16),
    layer_case("batchnorm2d b1 64 @256", lambda nn: nn.BatchNorm2d(64), (1, 64, 256, 256), 13 * 64 * 256 * 256),
    layer_case("batchnorm1d b4096 512", lambda nn: nn.BatchNorm1d(512), (4096, 512), 13 * 4096 * 512),
    layer_case("maxpool2d k2s2 b4 16 @128", lambda nn: nn.MaxPool2d(2), (4, 16, 128, 128), 5 * 4 * 16 * 64 * 64),
    layer_case("maxpool2d k2s2 b1 64 @256", lambda nn: nn.MaxPool2d(2), (1, 64, 256, 256), 5 * 64 * 128 * 128),
    layer_case("maxpool2d k3s2p1 b4 16 @128", lambda nn: nn.MaxPool2d(3, 2, 1), (4, 16, 128, 128), 10 * 4 * 16 * 64 * 64),
    layer_case("upsample bilinear x2 b4 32 @64", lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"),
               (4, 32, 64, 64), 14 * 4 * 32 * 128 * 128),
    layer_case("upsample nearest x2 b4 32 @64", lambda nn: nn.Upsample(scale_factor=2), (4, 32, 64, 64),
               2 * 4 * 32 * 128 * 128),
    # Softmaxes and the loss (ops per element, forward+backward, with exp and log counted as one each: log_softmax
    # over the classes of a segmentation's logits ~8, softmax over an attention score's rows ~8, cross-entropy ~10)
    layer_case("log_softmax dim1 b8 6 @128", lambda nn: nn.LogSoftmax(1), (8, 6, 128, 128), 8 * 8 * 6 * 128 * 128),
    layer_case("softmax rows b32 4x64x64", lambda nn: nn.Softmax(-1), (32, 4, 64, 64), 8 * 32 * 4 * 64 * 64),
    layer_case("cross_entropy b8 6 @128", lambda nn: _cross_entropy_layer(nn, (8, 6, 128, 128)), (8, 6, 128, 128),
               10 * 8 * 6 * 128 * 128),
    layer_case("cross_entropy b256 1000", lambda nn: _cross_entropy_layer(nn, (256, 1000)), (256, 1000),
               10 * 256 * 1000),
    # Depthwise 3x3 convolutions of MobileNet-style networks (not U-Net layers: their names do not start with
    # "conv", so the fraction-of-peak count above leaves them out; 3 passes of 9 multiply-adds per output).
    layer_case("depthwise 3x3 s1 b32 96 @16", lambda nn: nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False),
               (32, 96, 16, 16), 3 * 2 * 9 * 32 * 96 * 16 * 16),
    layer_case("depthwise 3x3 s2 b32 144 @8", lambda nn: nn.Conv2d(144, 144, 3, 2, 1, groups=144, bias=False),
               (32, 144, 8, 8), 3 * 2 * 9 * 32 * 144 * 4 * 4),
    layer_case("depthwise 3x3 s1 b32 32 @32", lambda nn: nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False),
               (32, 32, 32, 32), 3 * 2 * 9 * 32 * 32 * 32 * 32),
    # A MobileNetV2/EfficientNet block (1x1 expand, depthwise 3x3, swish, squeeze-and-excitation gate, 1x1 project):
    # the flops of its convolutions only.
    layer_case("inverted residual block b32 24x6 @16", lambda nn: _inverted_residual(nn, 24, 6),
               (32, 24, 16, 16), 3 * 2 * 32 * 16 * 16 * (24 * 144 * 2 + 144 * 9)),
    # ResNet-18 as CIFAR scripts define it (3x3 stem, no pooling before the four stages): its 3x3 convolutions on
    # 4x4 images and of stride 2 take the pixel tiles (conv_pixel_tile_kernels), then the whole network.
    *[conv2d_case(32, cin, cout, size, stride=stride, network="resnet18 ")
      for cin, cout, size, stride in ((64, 64, 32, 1), (128, 128, 16, 1), (256, 256, 8, 1), (512, 512, 4, 1),
                                      (64, 128, 32, 2), (128, 256, 16, 2), (256, 512, 8, 2))],
    layer_case("resnet18 cifar b32, whole network", lambda nn: _resnet18_cifar(nn), (32, 3, 32, 32),
               3 * 32 * _resnet18_cifar_multiply_adds() * 2),
    # MobileNetV2 as CIFAR scripts define it: its late stages' 1x1 convolutions on 8x8 and 4x4 planes
    layer_case("mobilenetv2 cifar b32, whole network", lambda nn: _mobilenet_v2_cifar(nn), (32, 3, 32, 32),
               3 * 32 * _mobilenet_v2_cifar_multiply_adds() * 2),
]


def _cross_entropy_layer(nn, logits_shape, seed=1):
    """``F.cross_entropy`` of the logits against fixed random class indices, as a module of either library."""
    library = torch if nn is torch.nn else sys.modules["minigrad"]
    classes = np.random.default_rng(seed).integers(0, logits_shape[1], (logits_shape[0],) + logits_shape[2:])
    target = library.tensor(classes)

    class Loss(nn.Module):
        def forward(self, logits):
            return nn.functional.cross_entropy(logits, target.to(logits.device))
    return Loss()


def _inverted_residual(nn, channels, expansion):
    """The block as a Sequential of both libraries' modules; the gate multiplies through a small Module."""
    wide = channels * expansion

    class Gate(nn.Module):
        def __init__(self):
            super().__init__()
            self.reduce, self.expand = nn.Conv2d(wide, wide // 24, 1), nn.Conv2d(wide // 24, wide, 1)

        def forward(self, x):
            squeezed = nn.functional.adaptive_avg_pool2d(x, 1)
            return x * self.expand(nn.functional.silu(self.reduce(squeezed))).sigmoid()

    return nn.Sequential(nn.Conv2d(channels, wide, 1, bias=False), nn.BatchNorm2d(wide), nn.SiLU(),
                         nn.Conv2d(wide, wide, 3, padding=1, groups=wide, bias=False), nn.BatchNorm2d(wide),
                         nn.SiLU(), Gate(), nn.Conv2d(wide, channels, 1, bias=False), nn.BatchNorm2d(channels))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries (default: Numba's)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per library and case (median)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds after the first call")
    parser.add_argument("--pause", type=float, default=0.2,
                        help="seconds of settling (one busy core) before each timed call, so that the other "
                             "library's idle threads have stopped spinning")
    parser.add_argument("--only", default=None, help="run the cases whose name contains this text")
    parser.add_argument("--cold-cache", action="store_true",
                        help="compile every Numba kernel afresh (an empty cache), so 'first call' is compile time")
    add_device_arguments(parser)
    args = parser.parse_args()
    import minigrad
    threads = common.set_threads(args.threads)
    DEVICES.update(minigrad=args.device, torch=args.torch_device or args.device)
    devices = common.configure_device(args.device, args.torch_device, args.torch_precision)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {threads} threads each; "
          f"minigrad {minigrad.__version__}, torch {torch.__version__}, numpy {np.__version__}; {devices}")
    load_before = os.getloadavg()[0]
    on_cpu = args.device == "cpu" and DEVICES["torch"] == "cpu"
    peak = sgemm_peak_gflops() if on_cpu else None
    results = common.run(CASES, args.repeats, args.warmup, args.pause, only=args.only)
    print(f"load average (other processes compete for the cores): {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    if on_cpu:
        peak_after = sgemm_peak_gflops()
        print(f"SGEMM peak (numpy float32 2048^3, best of 3): {peak:.1f} GFLOP/s before, {peak_after:.1f} after")
        print_fractions_of_peak(results, max(peak, peak_after))
    what = "compile" if args.cold_cache else "cache load"
    print(f"import minigrad: {common.IMPORT_SECONDS:.2f} s; first conv2d (Numba {what}): "
          f"{common.FIRST_CONV_SECONDS:.2f} s; first calls of the cases (Numba {what} + one run): "
          f"{sum(r.first_call_s for r in results):.2f} s in total")
    for label, group in (("all cases", results), ("convolutions", [r for r in results if r.name.startswith("conv")])):
        if group:
            worst = max(group, key=lambda r: r.ratio)
            print(f"time ratio minigrad/torch, {label}: median {np.median([r.ratio for r in group]):.2f}, "
                  f"worst {worst.ratio:.2f} ({worst.name})")


if __name__ == "__main__":
    main()

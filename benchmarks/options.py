"""Command-line options shared by the benchmarks (a module without heavy imports: bench_unet parses its
arguments before torch is loaded)."""


def add_device_arguments(parser):
    """--device, --torch-device and --torch-precision, shared with bench_unet.py."""
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where both libraries run")
    parser.add_argument("--torch-device", choices=("cpu", "cuda"), default=None,
                        help="PyTorch's device when it differs from --device (a smoke test of minigrad's CUDA path "
                             "where torch has no CUDA; the ratio then compares nothing)")
    parser.add_argument("--torch-precision", choices=("fp32", "default"), default="fp32",
                        help="on CUDA: fp32 turns PyTorch's TF32 off (minigrad computes in float32); default keeps "
                             "PyTorch's own TF32 settings")

"""Command-line options and the environment shared by the benchmarks (a module without heavy imports:
bench_unet parses its arguments and starts its memory-measuring children before torch is loaded)."""
import os


def user_environment():
    """os.environ as the user gave it, without the thread settings minigrad's import added (minigrad/__init__.py):
    what PyTorch would see without minigrad, and what child processes get (minigrad sets them again itself)."""
    import minigrad
    return {name: value for name, value in os.environ.items() if name not in minigrad._THREAD_ENV_SET}


def restore_user_environment():
    """Drop minigrad's thread settings from os.environ: call it before ``import torch``, once the libraries that
    read them (numpy's OpenBLAS, Numba's OpenMP pool) have started."""
    import minigrad
    for name in minigrad._THREAD_ENV_SET:
        os.environ.pop(name, None)


def add_device_arguments(parser):
    """--device, --torch-device and --torch-precision, shared with bench_unet.py."""
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where both libraries run")
    parser.add_argument("--torch-device", choices=("cpu", "cuda"), default=None,
                        help="PyTorch's device when it differs from --device (a smoke test of minigrad's CUDA path "
                             "where torch has no CUDA; the ratio then compares nothing)")
    parser.add_argument("--torch-precision", choices=("fp32", "default"), default="fp32",
                        help="on CUDA: fp32 turns PyTorch's TF32 off (minigrad computes in float32); default keeps "
                             "PyTorch's own TF32 settings")

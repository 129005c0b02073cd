"""``compare`` (tests/helpers.py) on device 'cuda'.

The minigrad inputs and upstream gradients are made on the device, so the
forward values and every input gradient checked against PyTorch are the ones
the CUDA kernels computed; the op must return its outputs on the device.
"""
from helpers import compare


def compare_cuda(fn, torch_fn=None, **kwargs):
    """``compare(fn, ...)`` with ``fn`` run on device 'cuda' (its outputs must stay there); ``torch_fn`` (default
    ``fn``) runs on PyTorch's CPU."""
    return compare(fn, torch_fn=torch_fn or fn, device="cuda", **kwargs)

"""The first run: compile the backward pass's kernels in a second process while the forward pass compiles its own.

With an empty Numba cache, the first training step compiles about 18 kernels, one after another: Numba
compiles under Python's lock, so one process uses one core, and a new user waited 20 s for the first step.
The forward pass's kernels and the backward pass's are about half of that each. So when the first CPU
convolution finds the cache empty, it starts a Python process running ``compile_backward_kernels``: that process
calls the backward-pass operations on tiny float32 inputs, in the order a training step needs them, and its
compiled kernels land in Numba's on-disk cache. When the step's backward pass reaches a kernel, Numba loads it
from there instead of compiling it. A kernel the helper has not finished yet is compiled again, except the
step's last ones (max pooling's gradient, Adam), whose callers wait for the helper a moment (``await_helper``).

It starts at most once per process, only with an empty cache and at least 2 usable cores, only on the first
process of a machine under MPI or srun, and not at all with ``MINIGRAD_COMPILE_AHEAD=0``. The helper is
stopped when the process that started it exits, and it writes nothing but Numba's cache files.
"""
import atexit
import os
import subprocess
import sys
import time

import numpy as np

_started = False
helper = None  # the process started, if any


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _index_path(kernel):
    """The path of a kernel's index file in Numba's cache (Numba's own bookkeeping), or None."""
    try:
        return kernel._cache._cache_file._index_path
    except AttributeError:
        return None


def _cache_is_empty():
    """Whether the slowest backward kernel has never been compiled into Numba's cache (its index file missing)."""
    from .conv_weight_tile_kernels import _shifted_weight_grad
    index = _index_path(_shifted_weight_grad)
    return index is not None and not os.path.exists(index)


def await_helper(kernel, timeout=3.0):
    """Before this process first calls ``kernel``, one of the helper's: while the helper is still running and has
    not cached it yet, wait for it (at most ``timeout`` seconds) rather than compile it a second time here; Numba
    then loads it from the cache. The step's last kernels (max pooling's gradient, Adam) are ready a fraction of a
    second after the step reaches them: compiling them again cost the first step 0.8-1.0 s each."""
    if helper is None or kernel.signatures or helper.poll() is not None:
        return
    index = _index_path(kernel)
    deadline = time.monotonic() + timeout
    while index is not None and not os.path.exists(index) and helper.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def start_once():
    """Start the helper process if the first step would otherwise compile every kernel on one core."""
    global _started, helper
    if _started:
        return
    _started = True
    if os.environ.get("MINIGRAD_COMPILE_AHEAD", "1") == "0" or _usable_cores() < 2:
        return
    # LOCAL_RANK: set by torchrun, and by minigrad.distributed's import under mpiexec or srun
    if os.environ.get("LOCAL_RANK", "0") != "0" or not _cache_is_empty():
        return
    env = dict(os.environ, MINIGRAD_COMPILE_AHEAD="0", NUMBA_NUM_THREADS="1")
    command = [sys.executable, "-c", f"import {__name__} as m; m.compile_backward_kernels()"]
    try:
        helper = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    except OSError:
        return
    atexit.register(_stop, helper)


def _stop(process):
    if process.poll() is None:
        process.terminate()
        process.wait()


def compile_backward_kernels():
    """Run each backward-pass kernel of a U-Net training step once, on tiny float32 inputs, in the order the step
    needs them: cross-entropy's log_softmax, BatchNorm(+ReLU), the convolutions' weight and input gradients, max
    pooling, Adam.
    The shifted weight gradient comes first: the step's first weight gradients need it. The transposed
    convolutions' gradients use the forward pass's kernel (``move_patches``), already compiled there."""
    from . import conv, norm, optim, pool, softmaxes
    f32 = np.float32

    def ones(*shape):
        return np.ones(shape, f32)
    one = (1, 1)
    # (cross-entropy over (N, C, H, W) logits: log_softmax's backward at the targets)
    softmaxes.log_softmax_backward_at_targets(ones(1, 2, 4), np.zeros((1, 4), np.int64), ones(1, 4),
                                              np.ones(4, np.bool_), ones(1, 2, 4))
    wide = 16  # channels enough for a whole block of the shifted weight gradient (3 would be folded: the same kernels)
    conv.conv2d_weight_grad(ones(1, wide, 8, 8), ones(1, wide, 8, 8), ones(wide, wide, 3, 3), one, one, one, 1)
    channels = np.ones(4, f32)  # (the statistics have the input's dtype)
    norm.batch_norm_backward(ones(2, 4, 3, 3), ones(2, 4, 3, 3), channels, channels, ones(4), ones(4),
                             True, True, (True, True, True))
    pool.max_pool2d_backward(ones(1, 1, 2, 2), np.zeros((1, 1, 2, 2), np.int64), (1, 1, 4, 4))
    for size in (4, optim.SERIAL_BELOW):  # a bias (one thread) and a weight (all threads)
        optim.adam_step(ones(size), ones(size), ones(size), ones(size), None, 0.9, 0.999, 1e-8, 0.0, 1e-3, 1.0,
                        False, False)

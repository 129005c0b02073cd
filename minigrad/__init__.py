"""minigrad: a small deep-learning framework with PyTorch's API, whose kernels are compiled by Numba."""
import os

# How idle worker threads wait, set before the thread pools start; a user's own setting wins.
# - Numba's OpenMP workers spin after each parallel loop unless told to sleep; spinning workers steal the
#   cores from numpy's BLAS between im2col and GEMM (convolutions measured 2-10x slower on 2 cores).
# - numpy's OpenBLAS workers likewise keep polling (with sched_yield) for up to 2^28 cycles after each GEMM,
#   slowing the Numba loops that follow (a small U-Net step measured 25% faster with 2^4). OpenBLAS reads this
#   when numpy loads it: it counts only when minigrad is imported before numpy (or when the user exports it).
_THREAD_ENV = {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_THREAD_TIMEOUT": "4"}
_THREAD_ENV_SET = tuple(name for name in _THREAD_ENV if name not in os.environ)  # those minigrad set itself
for _name in _THREAD_ENV_SET:
    os.environ[_name] = _THREAD_ENV[_name]

from .autograd import no_grad, enable_grad, is_grad_enabled, set_grad_enabled  # noqa: F401
from .device import device  # noqa: F401
from .random import manual_seed, get_rng_state, set_rng_state  # noqa: F401
from .tensor import (Tensor, Size, float16, float32, float64, int32, int64, uint8, bool_,  # noqa: F401
                     long, double, _install_methods)
from .creation import (tensor, as_tensor, from_numpy, zeros, ones, full, empty, randn, rand,  # noqa: F401
                       randint, arange, linspace, zeros_like, ones_like, full_like, randn_like, rand_like)
from .ops.elementwise import (add, sub, mul, div, neg, pow, exp, log, sqrt, abs, clamp,  # noqa: F401,A004
                              maximum, minimum, where, lt, le, gt, ge, eq, ne, isfinite)
from .ops.reduce import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.activation import *  # noqa: F401,F403
from .utils.gradcheck import gradcheck  # noqa: F401
from . import nn, optim  # noqa: E402,F401
from . import cuda  # noqa: E402,F401

_install_methods()
bool = bool_  # noqa: A001  torch.bool
float = float32  # noqa: A001  torch.float
int = int32  # noqa: A001  torch.int

__version__ = "0.1.0"

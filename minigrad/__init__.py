"""minigrad: a small deep-learning framework with PyTorch's API, whose kernels are compiled by Numba."""
from ._threads import THREAD_ENV_SET as _THREAD_ENV_SET  # first: thread settings precede numpy and Numba
from ._memory import KEPT as _FREED_MEMORY_KEPT  # noqa: F401  (malloc keeps freed blocks: no page faults per step)

from .autograd import (no_grad, enable_grad, is_grad_enabled, set_grad_enabled, inference_mode,  # noqa: F401
                       is_inference_mode_enabled)
from .device import device  # noqa: F401
from .random import (manual_seed, initial_seed, seed, get_rng_state, set_rng_state, Generator,  # noqa: F401
                     default_generator)
from .tensor import (Tensor, Size, numel, float16, float32, float64, int32, int64, uint8, bool_,  # noqa: F401
                     long, double, int8, int16, uint16, uint32, uint64, complex64, complex128, _install_methods)
from .creation import (tensor, as_tensor, from_numpy, zeros, ones, full, empty, randn, rand,  # noqa: F401
                       randint, randperm, eye, empty_like, arange, linspace, zeros_like, ones_like, full_like, randn_like, rand_like,
                       multinomial, bernoulli, logspace, tril_indices, triu_indices, vander, randint_like, poisson,
                       binomial)
from .ops.elementwise import (add, sub, mul, div, neg, pow, exp, log, log1p, sqrt, abs, clamp,  # noqa: F401,A004
                              maximum, minimum, where, lt, le, gt, ge, eq, ne, isfinite, masked_fill)
from .ops.ternary import lerp, addcmul, addcdiv  # noqa: F401
from .ops.unary import *  # noqa: F401,F403,A004  (round shadows the builtin, as torch.round)
from .ops.trigonometric import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.incomplete_gamma import igamma, igammac  # noqa: F401
from .ops.cholesky_forms import cholesky_solve, cholesky_inverse, triangular_solve  # noqa: F401
from .ops.lu import lu_unpack, legacy_lu as lu, legacy_lu_solve as lu_solve  # noqa: F401
from .ops.householder import orgqr, geqrf, ormqr  # noqa: F401
from .ops.elementwise_more import *  # noqa: F401,F403
from .ops.aliases import *  # noqa: F401,F403
from .ops.dtypes import *  # noqa: F401,F403
from .ops.combine import *  # noqa: F401,F403
from .ops.products import *  # noqa: F401,F403
from .ops.statistics import *  # noqa: F401,F403
from .ops.tensor_extras import *  # noqa: F401,F403
from .ops.real_numbers import *  # noqa: F401,F403
from .ops.complex_numbers import *  # noqa: F401,F403
from .ops.short_time_fourier import stft, istft  # noqa: F401
from .ops.integer import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.rearrange import *  # noqa: F401,F403
from .ops.sort import *  # noqa: F401,F403
from .ops.vector_norm import norm, nuclear_norm, frobenius_norm  # noqa: F401
from .ops.selection import *  # noqa: F401,F403
from .ops.scan import cumsum, cumprod, logcumsumexp, diff, prod  # noqa: F401
from .ops.scatter import *  # noqa: F401,F403
from .ops.distance import cdist, pdist, pairwise_distance, cosine_similarity  # noqa: F401
from .ops.shape import t  # noqa: F401
from .ops.linalg import *  # noqa: F401,F403
from .ops.activation import *  # noqa: F401,F403
from .ops.composite_activation import hardshrink, softmin  # noqa: F401
from .ops.activation import torch_softmax as softmax, torch_log_softmax as log_softmax  # noqa: F401,E402
from .ops.compare import allclose, isclose, equal  # noqa: F401
from .runtime import (set_num_threads, get_num_threads, use_deterministic_algorithms,  # noqa: F401
                      are_deterministic_algorithms_enabled, set_float32_matmul_precision,
                      get_float32_matmul_precision, get_num_interop_threads, set_num_interop_threads,
                      get_default_device, set_default_device, is_deterministic_algorithms_warn_only_enabled,
                      set_warn_always, is_warn_always_enabled, set_flush_denormal, is_vulkan_available,
                      compiled_with_cxx11_abi, set_deterministic_debug_mode, get_deterministic_debug_mode)
from .utils.gradcheck import gradcheck  # noqa: F401
from . import nn, optim  # noqa: E402,F401
from .ops.functional_forms import *  # noqa: E402,F401,F403
from .ops.calculus import *  # noqa: E402,F401,F403
from . import cuda, utils, amp, backends, distributed, linalg, testing, special, func, fft  # noqa: E402,F401
from .ops.matrix import inv as inverse, det, legacy_slogdet as slogdet, logdet, pinv as pinverse, matrix_power  # noqa: E402,F401
from .ops.matrix import legacy_svd as svd, legacy_qr as qr  # noqa: E402,F401  (torch.svd's V; torch.qr)
from .ops.matrix import legacy_cholesky as cholesky  # noqa: E402,F401  (deprecated torch.cholesky)
from .amp import (autocast, GradScaler, is_autocast_enabled, set_autocast_enabled, get_autocast_dtype,  # noqa: E402,F401
                  set_autocast_dtype, get_autocast_gpu_dtype, get_autocast_cpu_dtype, is_autocast_cpu_enabled,
                  set_autocast_cpu_enabled, set_autocast_gpu_dtype, set_autocast_cpu_dtype, clear_autocast_cache,
                  is_autocast_cache_enabled, set_autocast_cache_enabled)
from .interop import from_dlpack, to_dlpack  # noqa: E402,F401
from . import accelerator, multiprocessing, onnx, sparse  # noqa: E402,F401
from . import compiler, jit, profiler, _dynamo  # noqa: E402,F401
from . import cpu, version  # noqa: E402,F401
from .windows import *  # noqa: E402,F401,F403
from .control_flow import cond  # noqa: E402,F401
from .special import i0  # noqa: E402,F401  (torch.i0)
from .ops.matrix_exp import matrix_exp  # noqa: E402,F401
from .compiler import compile_model as compile  # noqa: E402,F401,A001  (torch.compile; the built-in elsewhere)
from .func import vmap  # noqa: E402,F401
from .anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled  # noqa: E402,F401
from .anomaly_mode import set_detect_anomaly as set_anomaly_enabled  # noqa: E402,F401  (torch.set_anomaly_enabled)
from .sparse import sparse_coo_tensor, spmm  # noqa: E402,F401
from .memory_format import (memory_format, contiguous_format, channels_last, channels_last_3d,  # noqa: E402,F401
                            preserve_format, layout, strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr,
                            sparse_bsc, jagged)
from .serialization import save, load  # noqa: E402,F401
from .tensor_info import set_printoptions  # noqa: E402,F401
from .storage import TypedStorage, UntypedStorage  # noqa: E402,F401
from .legacy import *  # noqa: E402,F401,F403

import math as _math  # noqa: E402
import numpy as _np  # noqa: E402
_install_methods()
from .numpy_names import install as _install_numpy_names  # noqa: E402  (torch.sum(x, axis=1), as PyTorch)
_install_numpy_names(globals(), [_name for _name in list(globals()) if not _name.startswith("_")])
bool = bool_  # noqa: A001  torch.bool
float = float32  # noqa: A001  torch.float
int = int32  # noqa: A001  torch.int
half = float16  # torch.half
dtype = _np.dtype  # torch.dtype: minigrad's dtypes are numpy's
short = int16  # torch.short
cfloat, cdouble = complex64, complex128  # torch.cfloat, torch.cdouble
from .ops.complex_numbers import complex_from_parts as complex  # noqa: E402,A001  torch.complex
pi, e, inf, nan, newaxis = _math.pi, _math.e, _math.inf, _math.nan, None  # torch.pi ... torch.newaxis

__version__ = version.__version__

from . import out_argument as _out_argument  # noqa: E402
_out_argument.install(globals(), linalg, special)  # PyTorch's out= keyword

# torch.autograd's submodules, importable by their dotted names (autograd is a module, not a package)
import sys as _sys  # noqa: E402
from . import autograd_functional as _autograd_functional, profiler as _profiler  # noqa: E402
from . import autograd_nodes as _autograd_graph, custom_function as _autograd_function  # noqa: E402
_sys.modules[__name__ + ".autograd.functional"] = _autograd_functional
_sys.modules[__name__ + ".autograd.profiler"] = _profiler
_sys.modules[__name__ + ".autograd.graph"] = _autograd_graph
_sys.modules[__name__ + ".autograd.function"] = _autograd_function
autograd.profiler = _profiler  # noqa: F821  (the module imported by ``from .autograd import ...``)


def __getattr__(name):
    """``torch.distributions`` and ``torch.hub``, imported at their first use (40 ms of import time saved),
    ``torch.mps`` and ``torch.xpu`` (absent devices), with
    the gamma samplers ``torch._standard_gamma`` and ``torch._sample_dirichlet``; and ``torch.range``, kept out of
    this module's globals so that Python's ``range`` is not shadowed here."""
    if name == "range":
        from .creation import inclusive_range
        return inclusive_range
    if name in ("_standard_gamma", "_sample_dirichlet"):
        from .distributions import gamma_family
        return getattr(gamma_family, name)
    if name in ("distributions", "hub"):
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in ("mps", "xpu"):
        from . import absent_accelerators
        return getattr(absent_accelerators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

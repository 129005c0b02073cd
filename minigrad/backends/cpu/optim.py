"""CPU kernels: in-place SGD and Adam updates over flat parameter arrays, each element by the rule that the CUDA
kernels share (``backends/elements/optim.py``)."""
import numpy as np
from numba import njit, prange

from . import compile_ahead
from .jit import fused_multiply_add, kernel
from .. import checks
from ..elements import optim as elements, with_fused_multiply_add

__all__ = ["sgd_step", "adam_step"]


_sgd_element = njit(inline="always")(with_fused_multiply_add(elements.sgd_element, fused_multiply_add))
_adam_element = njit(inline="always")(with_fused_multiply_add(elements.adam_element, fused_multiply_add))

# Starting a parallel loop costs 40-60 us here (the sleeping workers are woken); below this many elements a
# single thread finishes first (an Adam step of 4096 elements: 17 us serial, 50-60 us parallel), and a U-Net has
# dozens of such small tensors (biases, BatchNorm's weights).
SERIAL_BELOW = 8192


@njit(inline="always")
def _sgd_at(i, p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    p[i], b = _sgd_element(p[i], g[i], buf[i], lr, momentum, keep, weight_decay, decay, use_momentum, nesterov,
                           maximize, first_step)
    if use_momentum:
        buf[i] = b


@kernel(parallel=True)
def _sgd_parallel(p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    for i in prange(p.size):
        _sgd_at(i, p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step)


@kernel()
def _sgd_serial(p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    for i in range(p.size):
        _sgd_at(i, p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step)


@njit(inline="always")
def _adam_at(i, p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
             bias2_sqrt, amsgrad, maximize):
    p[i], m[i], v[i], peak = _adam_element(p[i], g[i], m[i], v[i], v_max[i], w1, rest1, lerp_from_start, beta2, w2,
                                           eps, weight_decay, decay, step_size, bias2_sqrt, amsgrad, maximize)
    if amsgrad:  # (without amsgrad v_max is v's own array: not written twice)
        v_max[i] = peak


@kernel(parallel=True)
def _adam_parallel(p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                   bias2_sqrt, amsgrad, maximize):
    for i in prange(p.size):
        _adam_at(i, p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                 bias2_sqrt, amsgrad, maximize)


@kernel()
def _adam_serial(p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                 bias2_sqrt, amsgrad, maximize):
    for i in range(p.size):
        _adam_at(i, p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                 bias2_sqrt, amsgrad, maximize)


def _flat(a):
    if not a.flags.c_contiguous:
        raise ValueError("optimizer kernels update parameters in place and need contiguous arrays")
    return a.reshape(-1)


def sgd_step(param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov, maximize, first_step):
    """One ``torch.optim.SGD`` update of ``param`` (and its momentum buffer) in place.

    Scalars such as 1 - dampening are formed in double precision, then rounded, as PyTorch passes them:
    forming them in float32 would bias every step by up to one float32 ulp of the difference.
    """
    checks.same_shape("sgd_step", "param", param, grad=grad, momentum_buffer=momentum_buffer)
    checks.same_dtype("sgd_step", "param", param, grad=grad, momentum_buffer=momentum_buffer)
    f = param.dtype.type
    buf = _flat(momentum_buffer) if momentum_buffer is not None else _flat(param)
    kernel = _sgd_serial if param.size < SERIAL_BELOW else _sgd_parallel
    kernel(_flat(param), np.ascontiguousarray(grad).reshape(-1), buf, f(lr), f(momentum), f(1 - dampening),
           f(weight_decay), weight_decay != 0, momentum != 0, bool(nesterov), bool(maximize), bool(first_step))


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, beta1, beta2, eps, weight_decay, step_size,
              bias_correction2_sqrt, amsgrad, maximize):
    """One ``torch.optim.Adam`` update of ``param`` and its moment estimates in place.

    1 - beta1 and 1 - beta2 are formed in double precision, then rounded, as PyTorch passes them: in float32,
    1 - float32(0.999) is off by 1.3e-5 (relative), a bias of every step that compounds over training.
    """
    checks.same_shape("adam_step", "param", param, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq,
                      max_exp_avg_sq=max_exp_avg_sq if amsgrad else None)
    checks.same_dtype("adam_step", "param", param, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq,
                      max_exp_avg_sq=max_exp_avg_sq if amsgrad else None)
    f = param.dtype.type
    v_max = _flat(max_exp_avg_sq) if amsgrad else _flat(exp_avg_sq)
    kernel = _adam_serial if param.size < SERIAL_BELOW else _adam_parallel
    compile_ahead.await_helper(kernel)
    kernel(_flat(param), np.ascontiguousarray(grad).reshape(-1), _flat(exp_avg), _flat(exp_avg_sq), v_max,
           *elements.lerp_weights(f, beta1), f(beta2), f(1 - beta2), f(eps), f(weight_decay), weight_decay != 0,
           f(step_size), f(bias_correction2_sqrt), bool(amsgrad), bool(maximize))


"""CUDA kernels: in-place SGD and Adam updates over flat float32 parameter arrays, one thread per element, each
element by the rule the CPU kernels share (``backends/elements/optim.py``)."""

import numpy as np
from numba import cuda

from .. import checks
from ..elements import optim as elements, with_fused_multiply_add
from ._runtime import F32, b1, device_function, f32, flat, float32_only, fused_multiply_add, grid, kernel

__all__ = ["sgd_step", "adam_step"]

_sgd_element = device_function(with_fused_multiply_add(elements.sgd_element, fused_multiply_add))
_adam_element = device_function(with_fused_multiply_add(elements.adam_element, fused_multiply_add))


@kernel((F32, F32, F32, f32, f32, f32, f32, b1, b1, b1, b1, b1))
def _sgd(p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    i = cuda.grid(1)
    while i < p.size:
        new_p, b = _sgd_element(p[i], g[i], buf[i], lr, momentum, keep, weight_decay, decay, use_momentum, nesterov,
                                maximize, first_step)
        p[i] = new_p
        if use_momentum:
            buf[i] = b
        i += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, f32, f32, b1, f32, f32, f32, f32, b1, f32, f32, b1, b1))
def _adam(p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size, bias2_sqrt,
          amsgrad, maximize):
    i = cuda.grid(1)
    while i < p.size:
        new_p, new_m, new_v, peak = _adam_element(p[i], g[i], m[i], v[i], v_max[i], w1, rest1, lerp_from_start, beta2,
                                                  w2, eps, weight_decay, decay, step_size, bias2_sqrt, amsgrad,
                                                  maximize)
        p[i], m[i], v[i] = new_p, new_m, new_v
        if amsgrad:  # (without amsgrad v_max is v's own array: not written twice)
            v_max[i] = peak
        i += cuda.gridsize(1)


def _flat(a):
    if not a.is_c_contiguous():
        raise ValueError("optimizer kernels update parameters in place and need contiguous arrays")
    return flat(a)


def sgd_step(param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov, maximize, first_step):
    """One ``torch.optim.SGD`` update of ``param`` (and its momentum buffer) in place; 1 - dampening is formed in
    double precision, then rounded, as on the CPU (and as PyTorch passes it)."""
    checks.same_shape("sgd_step", "param", param, grad=grad, momentum_buffer=momentum_buffer)
    param, grad = float32_only("SGD", param, grad)
    buf = _flat(float32_only("SGD", momentum_buffer)) if momentum_buffer is not None else _flat(param)
    f = np.float32
    if param.size:
        _sgd[grid(param.size)](_flat(param), flat(grad), buf, f(lr), f(momentum), f(1 - dampening), f(weight_decay),
                               weight_decay != 0, momentum != 0, bool(nesterov), bool(maximize), bool(first_step))


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, beta1, beta2, eps, weight_decay, step_size,
              bias_correction2_sqrt, amsgrad, maximize):
    """One ``torch.optim.Adam`` update of ``param`` and its moment estimates in place; 1 - beta1 and 1 - beta2 are
    formed in double precision, then rounded, as on the CPU: in float32, 1 - float32(0.999) is off by 1.3e-5
    (relative), a bias of every step."""
    checks.same_shape("adam_step", "param", param, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq,
                      max_exp_avg_sq=max_exp_avg_sq if amsgrad else None)
    param, grad, exp_avg, exp_avg_sq = float32_only("Adam", param, grad, exp_avg, exp_avg_sq)
    v_max = _flat(float32_only("Adam", max_exp_avg_sq)) if amsgrad else _flat(exp_avg_sq)
    f = np.float32
    if param.size:
        _adam[grid(param.size)](_flat(param), flat(grad), _flat(exp_avg), _flat(exp_avg_sq), v_max,
                                *elements.lerp_weights(f, beta1), f(beta2), f(1 - beta2), f(eps), f(weight_decay),
                                weight_decay != 0, f(step_size), f(bias_correction2_sqrt), bool(amsgrad),
                                bool(maximize))

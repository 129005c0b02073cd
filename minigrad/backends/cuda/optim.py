"""CUDA kernels: in-place SGD and Adam updates over flat float32 parameter arrays, mirroring
``backends/cpu/optim.py`` (the same arithmetic, PyTorch's, one thread per element)."""
import math

import numpy as np
from numba import cuda, float32

from .. import checks
from ._runtime import F32, b1, f32, flat, float32_only, grid, kernel

__all__ = ["sgd_step", "adam_step"]


@kernel((F32, F32, F32, f32, f32, f32, f32, b1, b1, b1))
def _sgd(p, g, buf, lr, momentum, keep, weight_decay, nesterov, maximize, first_step):
    zero = float32(0)
    i = cuda.grid(1)
    while i < p.size:
        d = -g[i] if maximize else g[i]
        if weight_decay != zero:
            d = d + weight_decay * p[i]
        if momentum != zero:
            b = d if first_step else momentum * buf[i] + keep * d
            buf[i] = b
            d = d + momentum * b if nesterov else b
        p[i] = p[i] - lr * d
        i += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, f32, f32, f32, f32, f32, f32, f32, b1, b1))
def _adam(p, g, m, v, v_max, w1, beta2, w2, eps, weight_decay, step_size, bias2_sqrt, amsgrad, maximize):
    one = float32(1)
    i = cuda.grid(1)
    while i < p.size:
        d = -g[i] if maximize else g[i]
        if weight_decay != float32(0):
            d = d + weight_decay * p[i]
        # torch's lerp(m, d, w1), w1 = 1 - beta1, in its two forms (the one used depends on w1)
        if w1 < float32(0.5):
            m[i] = m[i] + w1 * (d - m[i])
        else:
            m[i] = d - (d - m[i]) * (one - w1)
        v[i] = v[i] * beta2 + w2 * d * d
        if amsgrad:
            if v[i] > v_max[i]:
                v_max[i] = v[i]
            denom = math.sqrt(v_max[i]) / bias2_sqrt + eps
        else:
            denom = math.sqrt(v[i]) / bias2_sqrt + eps
        p[i] = p[i] - step_size * (m[i] / denom)
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
                               bool(nesterov), bool(maximize), bool(first_step))


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
        _adam[grid(param.size)](_flat(param), flat(grad), _flat(exp_avg), _flat(exp_avg_sq), v_max, f(1 - beta1),
                                f(beta2), f(1 - beta2), f(eps), f(weight_decay), f(step_size), f(bias_correction2_sqrt),
                                bool(amsgrad), bool(maximize))

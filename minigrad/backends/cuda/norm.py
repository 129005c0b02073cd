"""CUDA kernels: batch normalisation (train and eval, forward and backward), mirroring ``backends/cpu/norm.py``.

The input is seen as (N, C, L). Per-channel sums run one block per channel,
its threads striding over the channel's N*L values, then a shared-memory tree;
the statistics are two-pass (mean, then squared deviations) in float32, where
the CPU backend sums in float64 as PyTorch's CPU kernel does: float32 (C,)
device arrays in both. The element rules, with their FMAs, are the CPU's. The pointwise passes (normalise, input gradient)
run one thread per element with the per-channel coefficients from a tiny kernel.
"""
import math

import numpy as np
from numba import cuda, float32, float64

from ..elements import norm as elements, with_fused_multiply_add
from ._runtime import F32, MAX_BLOCKS, SIMULATOR, b1, device_function, empty, f32, f64, flat, grid, i64, kernel, \
    float32_only, fused_multiply_add

__all__ = ["batch_norm_train_forward", "batch_norm_eval_forward", "batch_norm_backward",
           "batch_norm_update_stats"]

THREADS = 16 if SIMULATOR else 256  # per channel block (a power of two)

_coefficients_of = device_function(with_fused_multiply_add(elements.coefficients, fused_multiply_add))
_normalize = device_function(with_fused_multiply_add(elements.normalize, fused_multiply_add))
_relu_passes = device_function(with_fused_multiply_add(elements.relu_passes, fused_multiply_add))
_input_gradient = device_function(with_fused_multiply_add(elements.input_gradient, fused_multiply_add))
_eval_input_gradient = device_function(elements.eval_input_gradient)
_running_statistics = device_function(with_fused_multiply_add(elements.running_statistics, fused_multiply_add))
_placeholder = {}


@device_function
def _block_sum(buf, value):
    """The sum of ``value`` over the block's threads, returned to every thread."""
    t = cuda.threadIdx.x
    buf[t] = value
    cuda.syncthreads()
    step = THREADS // 2
    while step > 0:
        if t < step:
            buf[t] += buf[t + step]
        cuda.syncthreads()
        step //= 2
    total = buf[0]
    cuda.syncthreads()
    return total


@kernel((F32, F32, F32, F32, i64, i64, i64, f32))
def _channel_stats(mean, var_sum, invstd, x, N, C, L, eps):
    """Per channel: mean, sum of squared deviations (two passes) and 1/sqrt(var + eps)."""
    buf = cuda.shared.array(THREADS, float32)
    c = cuda.blockIdx.x
    count = N * L
    while c < C:
        s = float32(0)
        j = cuda.threadIdx.x
        while j < count:
            s += x[((j // L) * C + c) * L + j % L]
            j += THREADS
        m = _block_sum(buf, s) / float32(count)
        q = float32(0)
        j = cuda.threadIdx.x
        while j < count:
            d = x[((j // L) * C + c) * L + j % L] - m
            q += d * d
            j += THREADS
        q = _block_sum(buf, q)
        if cuda.threadIdx.x == 0:
            mean[c] = m
            var_sum[c] = q
            invstd[c] = float32(1) / math.sqrt(q / float32(count) + eps)
        c += cuda.gridDim.x


@kernel((F32, F32, F32, F32, F32, F32, b1, b1))
def _coefficients(scale, shift, mean, invstd, weight, bias, has_weight, has_bias):
    """scale = γ/σ, shift = β − mean·γ/σ per channel (γ = 1, β = 0 when absent)."""
    c = cuda.grid(1)
    while c < scale.size:
        scale[c], shift[c] = _coefficients_of(invstd[c], weight[c] if has_weight else float32(1),
                                              bias[c] if has_bias else float32(0), mean[c])
        c += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, i64, i64, b1))
def _scale_shift(out, x, scale, shift, C, L, relu):
    """y = x·scale[c] + shift[c], then max(y, 0) when relu (NaN stays NaN)."""
    t = cuda.grid(1)
    while t < out.size:
        c = (t // L) % C
        out[t] = _normalize(x[t], scale[c], shift[c], relu, float32(0))
        t += cuda.gridsize(1)


@kernel((F32, F32, f32))
def _invstd_of(invstd, var, eps):
    c = cuda.grid(1)
    while c < var.size:
        invstd[c] = float32(1) / math.sqrt(var[c] + eps)
        c += cuda.gridsize(1)


@kernel((F32, F32, f64))
def _invstd_in_float64_of(invstd, var, eps):
    c = cuda.grid(1)
    while c < var.size:
        invstd[c] = float32(1.0 / math.sqrt(float64(var[c]) + eps))
        c += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, F32, i64, i64, i64, b1))
def _grad_sums(sum_g, sum_gx, g, x, mean, scale, shift, N, C, L, relu):
    """Per channel Σg and Σg·(x − mean), g zeroed where the output was clipped by the relu."""
    buf = cuda.shared.array(THREADS, float32)
    c = cuda.blockIdx.x
    count = N * L
    while c < C:
        sg = float32(0)
        sgx = float32(0)
        j = cuda.threadIdx.x
        while j < count:
            at = ((j // L) * C + c) * L + j % L
            xv = x[at]
            gv = g[at] if _relu_passes(xv, scale[c], shift[c], relu, float32(0)) else float32(0)
            sg += gv
            sgx += gv * (xv - mean[c])
            j += THREADS
        total_g = _block_sum(buf, sg)
        total_gx = _block_sum(buf, sgx)
        if cuda.threadIdx.x == 0:
            sum_g[c] = total_g
            sum_gx[c] = total_gx
        c += cuda.gridDim.x


@kernel((F32, F32, F32, F32, F32, F32, F32, F32, F32, i64, i64, b1, b1))
def _grad_input(out, g, x, invstd, weight, mean_g, mean, k, scale_shift, C, L, relu, training):
    """gx = (g - mean_g[c] - (x - mean[c]) * k[c]) * invstd[c] * weight[c] in training, g * invstd[c] * weight[c]
    in eval; ``scale_shift`` holds scale then shift (relu mask)."""
    t = cuda.grid(1)
    while t < out.size:
        c = (t // L) % C
        xv = x[t]
        gv = g[t] if _relu_passes(xv, scale_shift[c], scale_shift[C + c], relu, float32(0)) else float32(0)
        if training:
            out[t] = _input_gradient(gv, xv, invstd[c], weight[c], mean_g[c], mean[c], k[c])
        else:
            out[t] = _eval_input_gradient(gv, invstd[c], weight[c])
        t += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, F32, F32, F32, b1, f32))
def _grad_coefficients(mean_g, k, grad_w, grad_b, sum_g, sum_gx, invstd, training, count):
    c = cuda.grid(1)
    while c < mean_g.size:
        mean_g[c] = sum_g[c] / count if training else float32(0)
        k[c] = sum_gx[c] * invstd[c] * invstd[c] / count if training else float32(0)
        grad_w[c] = sum_gx[c] * invstd[c]
        grad_b[c] = sum_g[c]
        c += cuda.gridsize(1)


@kernel((F32, F32, F32, F32, f32, f32, f32))
def _update_stats(running_mean, running_var, mean, var_sum, momentum, keep, count_less_one):
    c = cuda.grid(1)
    while c < mean.size:
        running_mean[c], running_var[c] = _running_statistics(mean[c], var_sum[c], running_mean[c], running_var[c],
                                                              momentum, keep, count_less_one, True)
        c += cuda.gridsize(1)


def _ncl(x):
    shape = tuple(x.shape)
    return shape[0], shape[1], math.prod(shape[2:])


def _or_placeholder(a, C):
    """The array, or C ones standing for an absent γ or β (its flag tells the kernel to ignore it)."""
    if a is not None:
        return float32_only("batch_norm", a)
    if _placeholder.get(C) is None:
        from .creation import full
        _placeholder[C] = full((C,), 1.0, np.float32)
    return _placeholder[C]


def _normalise(x, mean, invstd, weight, bias, relu):
    N, C, L = _ncl(x)
    coef = empty((2 * C,), np.float32)
    scale, shift = coef[:C], coef[C:]
    _coefficients[grid(C)](scale, shift, mean, invstd, _or_placeholder(weight, C), _or_placeholder(bias, C),
                           weight is not None, bias is not None)
    out = empty(tuple(x.shape), np.float32)
    if out.size:
        _scale_shift[grid(out.size)](flat(out), flat(x), scale, shift, C, L, bool(relu))
    return out, coef


def batch_norm_train_forward(x, weight, bias, eps, relu=False):
    """Normalise with the batch statistics. Returns (y, mean, invstd, var_sum), statistics float32 (C,); var_sum
    is the sum of squared deviations (``batch_norm_update_stats``)."""
    x = float32_only("batch_norm", x)
    N, C, L = _ncl(x)
    mean, var_sum, invstd = (empty((C,), np.float32) for _ in range(3))
    _channel_stats[min(C, MAX_BLOCKS), THREADS](mean, var_sum, invstd, flat(x), N, C, L, np.float32(eps))
    return _normalise(x, mean, invstd, weight, bias, relu)[0], mean, invstd, var_sum


def batch_norm_eval_forward(x, running_mean, running_var, weight, bias, eps, relu=False):
    """Normalise with given statistics. Returns (y, mean, invstd, grad_invstd), statistics float32 (C,);
    grad_invstd, the gradients' 1/sqrt(var + eps), is taken in float64 and rounded once, as the CPU's."""
    x, mean, var = float32_only("batch_norm", x, running_mean, running_var)
    invstd, grad_invstd = empty((var.size,), np.float32), empty((var.size,), np.float32)
    _invstd_of[grid(var.size)](invstd, var, np.float32(eps))
    _invstd_in_float64_of[grid(var.size)](grad_invstd, var, np.float64(eps))
    return _normalise(x, mean, invstd, weight, bias, relu)[0], mean, invstd, grad_invstd


def batch_norm_backward(g, x, mean, invstd, weight, bias, training, relu, needs, grad_invstd=None):
    """Gradients (input, weight, bias) of batch norm, each None unless asked for in ``needs``.

    Training: gx = (γ/σ)·(g − Σg/M − x̂·Σ(g·x̂)/M); eval (statistics constant): gx = g·γ/σ.
    gγ = Σ(g·x̂), gβ = Σg, with x̂ = (x − mean)/σ; with relu, g is first zeroed where y ≤ 0 (y formed with
    ``invstd``). The gradients' 1/σ is ``grad_invstd`` where given, else ``invstd``.
    """
    g, x = float32_only("batch_norm", g, x)
    N, C, L = _ncl(x)
    scale_shift = empty((2 * C,), np.float32)
    _coefficients[grid(C)](scale_shift[:C], scale_shift[C:], mean, invstd, _or_placeholder(weight, C),
                           _or_placeholder(bias, C), weight is not None, bias is not None)
    sum_g, sum_gx = empty((C,), np.float32), empty((C,), np.float32)
    _grad_sums[min(C, MAX_BLOCKS), THREADS](sum_g, sum_gx, flat(g), flat(x), mean, scale_shift[:C],
                                            scale_shift[C:], N, C, L, bool(relu))
    invstd = invstd if grad_invstd is None else grad_invstd
    mean_g, k, grad_w, grad_b = (empty((C,), np.float32) for _ in range(4))
    _grad_coefficients[grid(C)](mean_g, k, grad_w, grad_b, sum_g, sum_gx, invstd, bool(training), np.float32(N * L))
    gx = None
    if needs[0]:
        gx = empty(tuple(x.shape), np.float32)
        if gx.size:
            _grad_input[grid(gx.size)](flat(gx), flat(g), flat(x), invstd, _or_placeholder(weight, C), mean_g, mean,
                                       k, scale_shift, C, L, bool(relu), bool(training))
    return gx, grad_w if needs[1] else None, grad_b if needs[2] else None


def batch_norm_update_stats(running_mean, running_var, mean, var_sum, momentum, count):
    """In place: running ← momentum·batch + (1 − momentum)·running with the UNBIASED batch variance
    var_sum / (count − 1) (``elements.running_statistics``)."""
    momentum = np.float32(momentum)
    _update_stats[grid(mean.size)](running_mean, running_var, mean, var_sum, momentum, np.float32(1) - momentum,
                                   np.float32(count - 1))

"""CPU kernels: batch normalisation over (N, C, *) arrays, forward and backward, optionally fused with ReLU.

The per-channel sums run over N·H·W elements (two million for an 8×512×512
batch), so they are accumulated in float64 on purpose: a float32 running sum
loses about log2(N·H·W) bits, float64 keeps the statistics exact to float32
precision (PyTorch's CPU kernel accumulates in double too). The variance is
one pass over data shifted by the channel's first value, so a large mean
does not cancel the digits of a small variance. Everything elementwise stays
in the input's dtype with per-channel coefficients cast to it.
"""
import numpy as np
from numba import njit, prange

from .jit import kernel
from .. import checks
from ..elements import norm as elements

__all__ = ["batch_norm_train_forward", "batch_norm_eval_forward", "batch_norm_backward",
           "batch_norm_update_stats"]

_normalize = njit(inline="always")(elements.normalize)
_relu_passes = njit(inline="always")(elements.relu_passes)
_input_gradient = njit(inline="always")(elements.input_gradient)


# "reassoc" lets LLVM split a channel's float64 sums into vector lanes added at the end: without it each sum is one
# chain of dependent additions, 4-5 cycles each (in a small U-Net step, the 18 layers' statistics took 1.2-1.5 ms
# instead of 4.5-4.9, their gradient sums 2.3-2.5 instead of 7.6-9.6). No flag that assumes finite values: NaN and
# Inf still reach the sums, in any order.
@kernel(parallel=True, fastmath={"reassoc"})
def _channel_stats(x):
    """Mean and biased variance of every channel of x (N, C, L), in float64; parallel over channels."""
    N, C, L = x.shape
    mean = np.empty(C, np.float64)
    var = np.empty(C, np.float64)
    count = N * L
    for c in prange(C):
        shift = np.float64(x[0, c, 0])
        total = 0.0
        squares = 0.0
        for n in range(N):
            for l in range(L):
                d = np.float64(x[n, c, l]) - shift
                total += d
                squares += d * d
        m = total / count
        mean[c] = shift + m
        var[c] = max(squares / count - m * m, 0.0)
    return mean, var


@kernel(parallel=True)
def _scale_shift(x, scale, shift, relu):
    """y = x·scale[c] + shift[c] (then max(y, 0) when relu; NaN stays NaN); parallel over (n, c) planes."""
    N, C, L = x.shape
    out = np.empty_like(x)
    zero = x.dtype.type(0)
    for p in prange(N * C):
        n = p // C
        c = p % C
        a = scale[c]
        b = shift[c]
        for l in range(L):
            out[n, c, l] = _normalize(x[n, c, l], a, b, relu, zero)
    return out


@kernel(parallel=True, fastmath={"reassoc"})
def _grad_sums(g, x, mean, scale, shift, relu):
    """Per channel Σg and Σg·(x − mean) in float64; parallel over channels.

    With relu, g is zeroed where y = x·scale + shift ≤ 0 (a NaN y lets g through, as PyTorch's ReLU;
    an infinite g where y ≤ 0 gives NaN, the price of the branch-free mask).
    """
    N, C, L = x.shape
    sum_g = np.empty(C, np.float64)
    sum_gx = np.empty(C, np.float64)
    zero = x.dtype.type(0)
    for c in prange(C):
        m = mean[c]
        a = scale[c]
        b = shift[c]
        sg = 0.0
        sgx = 0.0
        for n in range(N):
            if relu:
                for l in range(L):
                    xv = x[n, c, l]
                    # A 0/1 factor, not a branch: a data-dependent branch here costs 5× (mispredictions).
                    gv = np.float64(g[n, c, l]) * np.float64(_relu_passes(xv, a, b, relu, zero))
                    sg += gv
                    sgx += gv * (np.float64(xv) - m)
            else:
                for l in range(L):
                    gv = np.float64(g[n, c, l])
                    sg += gv
                    sgx += gv * (np.float64(x[n, c, l]) - m)
        sum_g[c] = sg
        sum_gx[c] = sgx
    return sum_g, sum_gx


@kernel(parallel=True)
def _grad_input(g, x, gain, mean_g, mean, k, scale, shift, relu):
    """gx = gain[c]·(g − mean_g[c] − (x − mean[c])·k[c]), g zeroed where y ≤ 0 when relu; parallel over planes.

    With mean_g = k = 0 this is the eval-mode gradient g·γ/σ.
    """
    N, C, L = x.shape
    out = np.empty_like(x)
    zero = x.dtype.type(0)
    for p in prange(N * C):
        n = p // C
        c = p % C
        gn, mg, mu, kc = gain[c], mean_g[c], mean[c], k[c]
        a = scale[c]
        b = shift[c]
        for l in range(L):
            xv = x[n, c, l]
            gv = g[n, c, l] if _relu_passes(xv, a, b, relu, zero) else zero
            out[n, c, l] = _input_gradient(gv, xv, gn, mg, mu, kc)
    return out


def _as_ncl(a):
    """View (N, C, *) as contiguous (N, C, L); 2-D (N, C) becomes (N, C, 1)."""
    a = np.ascontiguousarray(a)
    return a.reshape(a.shape[0], a.shape[1], -1)


def _coefficients(mean, invstd, weight, bias, dtype):
    """scale = γ/σ and shift = β − mean·γ/σ per channel, in float64 then cast to the data's dtype."""
    gamma = 1.0 if weight is None else weight.astype(np.float64)
    beta = 0.0 if bias is None else bias.astype(np.float64)
    scale = invstd * gamma
    shift = beta - mean * scale
    return np.asarray(scale, dtype).reshape(-1), np.asarray(shift, dtype).reshape(-1)


def _check_channels(op, x, **per_channel):
    """Every per-channel array holds one value per channel of x (N, C, *)."""
    if x.ndim < 2:
        raise ValueError(f"{op}: expected input of at least 2 dimensions (N, C, ...), got shape {tuple(x.shape)}")
    for name, array in per_channel.items():
        checks.size_is(op, name, array, x.shape[1])


def batch_norm_train_forward(x, weight, bias, eps, relu=False):
    """Normalise with the batch statistics. Returns (y, mean, invstd, biased_var), statistics float64 (C,)."""
    _check_channels("batch_norm", x, weight=weight, bias=bias)
    x3 = _as_ncl(x)
    if x3.shape[0] * x3.shape[2] == 0:
        raise ValueError(f"batch_norm: expected more than 0 values per channel when training, got input of "
                         f"shape {tuple(x.shape)}")
    mean, var = _channel_stats(x3)
    invstd = 1.0 / np.sqrt(var + eps)
    scale, shift = _coefficients(mean, invstd, weight, bias, x.dtype)
    return _scale_shift(x3, scale, shift, relu).reshape(x.shape), mean, invstd, var


def batch_norm_eval_forward(x, running_mean, running_var, weight, bias, eps, relu=False):
    """Normalise with given statistics. Returns (y, mean, invstd), statistics float64 (C,)."""
    _check_channels("batch_norm", x, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    mean = running_mean.astype(np.float64)
    invstd = 1.0 / np.sqrt(running_var.astype(np.float64) + eps)
    scale, shift = _coefficients(mean, invstd, weight, bias, x.dtype)
    return _scale_shift(_as_ncl(x), scale, shift, relu).reshape(x.shape), mean, invstd


def batch_norm_backward(g, x, mean, invstd, weight, bias, training, relu, needs):
    """Gradients (input, weight, bias) of batch norm, each None unless asked for in ``needs``.

    Training: gx = (γ/σ)·(g − Σg/M − x̂·Σ(g·x̂)/M); eval (statistics constant): gx = g·γ/σ.
    gγ = Σ(g·x̂), gβ = Σg, with x̂ = (x − mean)/σ; with relu, g is first zeroed where y ≤ 0.
    """
    checks.same_shape("batch_norm_backward", "input", x, grad=g)
    _check_channels("batch_norm_backward", x, mean=mean, invstd=invstd, weight=weight, bias=bias)
    dtype = x.dtype
    x3, g3 = _as_ncl(x), _as_ncl(g)
    scale, shift = _coefficients(mean, invstd, weight, bias, dtype)
    mean_d = mean.astype(dtype)
    if needs[1] or needs[2] or (needs[0] and training):
        sum_g, sum_gx = _grad_sums(g3, x3, mean, scale, shift, relu)
    gx = gw = gb = None
    if needs[0]:
        count = x3.shape[0] * x3.shape[2]
        gain = invstd if weight is None else invstd * weight.astype(np.float64)
        if training:
            mean_g = sum_g / count
            k = sum_gx * invstd * invstd / count
        else:
            mean_g = k = np.zeros_like(invstd)
        gx = _grad_input(g3, x3, gain.astype(dtype), mean_g.astype(dtype), mean_d, k.astype(dtype),
                         scale, shift, relu).reshape(x.shape)
    if needs[1]:
        gw = (sum_gx * invstd).astype(dtype)
    if needs[2]:
        gb = sum_g.astype(dtype)
    return gx, gw, gb


def batch_norm_update_stats(running_mean, running_var, mean, var, momentum, count):
    """In place: running ← (1 − momentum)·running + momentum·batch (in float64), with the UNBIASED batch variance."""
    checks.same_shape("batch_norm_update_stats", "running_mean", running_mean, running_var=running_var, mean=mean,
                      var=var)
    unbiased = var * (count / (count - 1))
    running_mean[...] = momentum * mean + (1.0 - momentum) * running_mean.astype(np.float64)
    running_var[...] = momentum * unbiased + (1.0 - momentum) * running_var.astype(np.float64)

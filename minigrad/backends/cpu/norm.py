"""CPU kernels: batch normalisation over (N, C, *) arrays, forward and backward, optionally fused with ReLU.

The statistics are PyTorch's, to the last bit: each channel's mean is its sum in float64 over N·H·W elements
(two million for an 8×512×512 batch: a float32 running sum would lose about log2(N·H·W) bits), divided and
rounded to the input's dtype; the sum of squared deviations from that rounded mean adds squares formed in the
input's dtype, in float64 again, and is rounded once. 1/sqrt(var + eps) is taken in float64 and rounded. The
output is x·scale + shift with PyTorch's roundings (``elements/norm.py``). The gradients' sums add each plane in the
lanes of PyTorch's AVX2 vector, the planes in float64. Inputs of one value per plane ((N, C), (N, C, 1, 1)) are
rows to PyTorch, summed in its threads' buffers: ``batch_norm_rows.py``.
"""
import numpy as np
from numba import njit, prange

from . import batch_norm_rows
from .half import not_widened
from .jit import fused_multiply_add, kernel
from .softmaxes import folded_lanes, vector_total
from .. import checks
from ..elements import norm as elements, with_fused_multiply_add

__all__ = ["batch_norm_train_forward", "batch_norm_eval_forward", "batch_norm_backward",
           "batch_norm_update_stats"]

_coefficients_of = njit(inline="always")(with_fused_multiply_add(elements.coefficients, fused_multiply_add))
_normalize = njit(inline="always")(with_fused_multiply_add(elements.normalize, fused_multiply_add))
_relu_passes = njit(inline="always")(with_fused_multiply_add(elements.relu_passes, fused_multiply_add))
_input_gradient = njit(inline="always")(with_fused_multiply_add(elements.input_gradient, fused_multiply_add))
_eval_input_gradient = njit(inline="always")(elements.eval_input_gradient)
_running_statistics = njit(inline="always")(with_fused_multiply_add(elements.running_statistics,
                                                                     fused_multiply_add))


def _stats_of_channels(x, fused_squares):
    """Each channel's mean and sum of squared deviations, of x's dtype (N, C, L), as PyTorch's CPU kernel forms
    them (module docstring); parallel over channels. With ``fused_squares`` each deviation is widened to float64 and
    its square fused into the sum (PyTorch's order for a batch of no more rows than threads: ``batch_norm_rows``)."""
    N, C, L = x.shape
    mean = np.empty(C, x.dtype)
    var_sum = np.empty(C, x.dtype)
    count = N * L
    for c in prange(C):
        total = 0.0
        for n in range(N):
            for l in range(L):
                total += np.float64(x[n, c, l])
        mean[c] = total / count
        m = mean[c]
        squares = 0.0
        if fused_squares:
            for n in range(N):
                for l in range(L):
                    d = np.float64(x[n, c, l] - m)
                    squares = fused_multiply_add(d, d, squares)
        else:
            for n in range(N):
                for l in range(L):
                    d = x[n, c, l] - m
                    squares += np.float64(d * d)
        var_sum[c] = squares
    return mean, var_sum


_stats_body = njit(inline="always")(_stats_of_channels)


# "reassoc" lets LLVM split a channel's float64 sums into vector lanes added at the end: without it each sum is one
# chain of dependent additions, 4-5 cycles each (in a small U-Net step, the 18 layers' statistics took 1.2-1.5 ms
# instead of 4.5-4.9, their gradient sums 2.3-2.5 instead of 7.6-9.6). No flag that assumes finite values: NaN and
# Inf still reach the sums, in any order. For float32 data the order of float64 additions can change the rounded
# result only by a double rounding (once in hundreds of millions); float64 data is summed in PyTorch's order.
@kernel(parallel=True, fastmath={"reassoc"})
def _channel_stats_any_order(x):
    return _stats_body(x, False)


@kernel(parallel=True)
def _channel_stats_in_order(x, fused_squares):
    return _stats_body(x, fused_squares)


def _channel_stats(x3):
    """(mean, var_sum) per channel of x (N, C, L), in PyTorch's order: rows of channels in its threads' buffers
    when they outnumber its threads (``batch_norm_rows``), fewer rows down each channel with fused squares, planes
    by ``_stats_of_channels``."""
    if batch_norm_rows.takes_rows(x3):
        if batch_norm_rows.in_thread_buffers(x3.shape[0]):
            return batch_norm_rows.row_stats(x3[:, :, 0])
        return _channel_stats_in_order(x3, True)
    x3 = x3.astype(_statistics_dtype(x3), copy=False)
    return _channel_stats_in_order(x3, False) if x3.dtype == np.float64 else _channel_stats_any_order(x3)


@kernel()
def _channel_coefficients(invstd, weight, bias, mean):
    """(scale, shift) per channel, of the statistics' dtype (``elements.coefficients``)."""
    C = invstd.shape[0]
    scale = np.empty_like(invstd)
    shift = np.empty_like(invstd)
    for c in range(C):
        scale[c], shift[c] = _coefficients_of(invstd[c], weight[c], bias[c], mean[c])
    return scale, shift


@kernel()
def _running_update(running_mean, running_var, mean, var_sum, momentum, keep, count_less_one, fused):
    for c in range(mean.shape[0]):
        running_mean[c], running_var[c] = _running_statistics(mean[c], var_sum[c], running_mean[c], running_var[c],
                                                              momentum, keep, count_less_one, fused)


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


def _normalized(x3, scale, shift, relu):
    """``_scale_shift`` of (N, C, L); planes of one value as rows (``batch_norm_rows``), the same values."""
    if x3.shape[2] == 1:
        return batch_norm_rows.row_scale_shift(x3[:, :, 0], scale, shift, relu)
    return _scale_shift(x3, scale, shift, relu)


@njit(inline="always")
def _masked(g, x, l, a, b, relu, zero):
    """g[l] where the fused ReLU lets it through (always without one): a 0/1 factor, not a branch (a
    data-dependent branch costs 5 times more here, mispredicted)."""
    return g[l] * x.dtype.type(_relu_passes(x[l], a, b, relu, zero))


@kernel(vectorized=True)  # (at -O1, or with the lanes in an array, 2-3 times slower)
def _eight_lane_sums(g, x, mean, a, b, relu):
    """``_plane_sums`` of a plane of 8 float32 values or more, the vector's 8 lanes held in 16 scalars."""
    zero = x.dtype.type(0)
    size = x.size
    whole = size - size % 8
    s0, s1, s2, s3 = (_masked(g, x, 0, a, b, relu, zero), _masked(g, x, 1, a, b, relu, zero),
                      _masked(g, x, 2, a, b, relu, zero), _masked(g, x, 3, a, b, relu, zero))
    s4, s5, s6, s7 = (_masked(g, x, 4, a, b, relu, zero), _masked(g, x, 5, a, b, relu, zero),
                      _masked(g, x, 6, a, b, relu, zero), _masked(g, x, 7, a, b, relu, zero))
    d0, d1, d2, d3 = (x[0] - mean) * s0, (x[1] - mean) * s1, (x[2] - mean) * s2, (x[3] - mean) * s3
    d4, d5, d6, d7 = (x[4] - mean) * s4, (x[5] - mean) * s5, (x[6] - mean) * s6, (x[7] - mean) * s7
    for start in range(8, whole, 8):
        v0, v1, v2, v3 = (_masked(g, x, start, a, b, relu, zero), _masked(g, x, start + 1, a, b, relu, zero),
                          _masked(g, x, start + 2, a, b, relu, zero), _masked(g, x, start + 3, a, b, relu, zero))
        v4, v5, v6, v7 = (_masked(g, x, start + 4, a, b, relu, zero), _masked(g, x, start + 5, a, b, relu, zero),
                          _masked(g, x, start + 6, a, b, relu, zero), _masked(g, x, start + 7, a, b, relu, zero))
        s0, s1, s2, s3, s4, s5, s6, s7 = s0 + v0, s1 + v1, s2 + v2, s3 + v3, s4 + v4, s5 + v5, s6 + v6, s7 + v7
        d0 += (x[start] - mean) * v0
        d1 += (x[start + 1] - mean) * v1
        d2 += (x[start + 2] - mean) * v2
        d3 += (x[start + 3] - mean) * v3
        d4 += (x[start + 4] - mean) * v4
        d5 += (x[start + 5] - mean) * v5
        d6 += (x[start + 6] - mean) * v6
        d7 += (x[start + 7] - mean) * v7
    lanes = np.array([s0, s1, s2, s3, s4, s5, s6, s7])
    deviations = np.array([d0, d1, d2, d3, d4, d5, d6, d7])
    for l in range(whole, size):  # (the last, partial vector: PyTorch's compiler fuses its products into the sums)
        gv = _masked(g, x, l, a, b, relu, zero)
        lanes[l - whole] += gv
        deviations[l - whole] = fused_multiply_add(x[l] - mean, gv, deviations[l - whole])
    return folded_lanes(lanes), folded_lanes(deviations)


@njit(inline="always")
def _plane_sums(g, x, mean, a, b, relu, width):
    """(sum of g, sum of g * (x - mean)) over one (sample, channel) plane, as PyTorch's backward adds them: in
    the ``width`` lanes of its vector, the first vector's values, then each lane its values (the last, partial
    vector's products fused into their sums), the lanes summed as ``vector_total`` sums them; planes shorter
    than a vector add one by one. With relu, g is zeroed where y = x * scale + shift <= 0 (a NaN y lets g
    through, as PyTorch's ReLU)."""
    zero = x.dtype.type(0)
    size = x.size
    if size < width:
        total = zero
        dotted = zero
        for l in range(size):
            gv = _masked(g, x, l, a, b, relu, zero)
            total += gv
            dotted += (x[l] - mean) * gv
        return total, dotted
    if width == 8:
        return _eight_lane_sums(g, x, mean, a, b, relu)
    lanes = np.zeros(width, x.dtype)
    deviations = np.zeros(width, x.dtype)
    whole = size - size % width
    for l in range(whole):
        gv = _masked(g, x, l, a, b, relu, zero)
        lanes[l % width] += gv
        deviations[l % width] += (x[l] - mean) * gv
    for l in range(whole, size):
        gv = _masked(g, x, l, a, b, relu, zero)
        lanes[l - whole] += gv
        deviations[l - whole] = fused_multiply_add(x[l] - mean, gv, deviations[l - whole])
    return vector_total(lanes), vector_total(deviations)


@kernel(parallel=True)
def _grad_sums(g, x, mean, scale, shift, relu, width):
    """Per channel the sums of g and of g * (x - mean) in float64, in PyTorch's order: each plane's in its
    vector's lanes (``_plane_sums``), the planes' added in float64 one sample after another; parallel over
    channels."""
    N, C, L = x.shape
    sum_g = np.empty(C, np.float64)
    sum_gx = np.empty(C, np.float64)
    for c in prange(C):
        sg = 0.0
        sgx = 0.0
        for n in range(N):
            plane_g, plane_gx = _plane_sums(g[n, c], x[n, c], mean[c], scale[c], shift[c], relu, width)
            sg += np.float64(plane_g)
            sgx += np.float64(plane_gx)
        sum_g[c] = sg
        sum_gx[c] = sgx
    return sum_g, sum_gx


@kernel(parallel=True)
def _grad_input(g, x, invstd, weight, mean_g, mean, k, scale, shift, relu, training):
    """gx = (g - mean_g[c] - (x - mean[c]) * k[c]) * invstd[c] * weight[c] in training, g * invstd[c] * weight[c]
    in eval, g zeroed where y <= 0 when relu; parallel over planes."""
    N, C, L = x.shape
    out = np.empty_like(x)
    zero = x.dtype.type(0)
    for p in prange(N * C):
        n = p // C
        c = p % C
        a = scale[c]
        b = shift[c]
        if not training:  # (the choice outside the loop over the plane, which then vectorizes)
            for l in range(L):
                gv = g[n, c, l] if _relu_passes(x[n, c, l], a, b, relu, zero) else zero
                out[n, c, l] = _eval_input_gradient(gv, invstd[c], weight[c])
            continue
        for l in range(L):
            xv = x[n, c, l]
            gv = g[n, c, l] if _relu_passes(xv, a, b, relu, zero) else zero
            out[n, c, l] = _input_gradient(gv, xv, invstd[c], weight[c], mean_g[c], mean[c], k[c])
    return out


def _gradient_sums(g3, x3, mean, scale, shift, relu):
    """(Σg, Σg·(x − mean)) per channel of (N, C, L), g masked by the fused ReLU: rows by ``batch_norm_rows``, planes
    in the lanes of PyTorch's AVX2 vectors (8 floats or 4 doubles)."""
    if batch_norm_rows.takes_rows(x3):
        return batch_norm_rows.row_grad_sums(g3[:, :, 0], x3[:, :, 0], mean, scale, shift, relu)
    return _grad_sums(g3, x3, mean, scale, shift, relu, 32 // x3.dtype.itemsize)


def _input_gradient_of(g3, x3, invstd, weight, mean_g, mean, k, scale, shift, relu, training):
    """The input gradient of (N, C, L) (``_grad_input``), rows by ``batch_norm_rows`` with PyTorch's roundings."""
    if batch_norm_rows.takes_rows(x3):
        return batch_norm_rows.row_input_gradient(g3[:, :, 0], x3[:, :, 0], invstd, weight, mean_g, mean, k, scale,
                                                  shift, relu, training)
    return _grad_input(g3, x3, invstd, weight, mean_g, mean, k, scale, shift, relu, training)


def _as_ncl(a):
    """View (N, C, *) as contiguous (N, C, L); 2-D (N, C) becomes (N, C, 1)."""
    a = np.ascontiguousarray(a)
    return a.reshape(a.shape[0], a.shape[1], -1)


def _coefficients(mean, invstd, weight, bias):
    """scale = γ/σ and shift = β − mean·γ/σ per channel, of the statistics' dtype (γ = 1, β = 0 when absent)."""
    dtype, channels = invstd.dtype, invstd.shape[0]
    gamma = np.ones_like(invstd) if weight is None else np.ascontiguousarray(weight, dtype)
    beta = np.zeros_like(invstd) if bias is None else np.ascontiguousarray(bias, dtype)
    checks.size_is("batch_norm", "weight", gamma, channels)  # (the kernel reads one of each per channel)
    checks.size_is("batch_norm", "bias", beta, channels)
    checks.size_is("batch_norm", "mean", mean, channels)
    return _channel_coefficients(invstd.reshape(-1), gamma.reshape(-1), beta.reshape(-1),
                                 np.ascontiguousarray(mean, dtype).reshape(-1))


def _statistics_dtype(x):
    """The dtype the statistics are kept in: the input's, float32 for half precision (PyTorch's opmath type)."""
    return np.dtype(np.float32) if x.dtype == np.float16 else x.dtype


def _check_channels(op, x, **per_channel):
    """Every per-channel array holds one value per channel of x (N, C, *)."""
    if x.ndim < 2:
        raise ValueError(f"{op}: expected input of at least 2 dimensions (N, C, ...), got shape {tuple(x.shape)}")
    for name, array in per_channel.items():
        checks.size_is(op, name, array, x.shape[1])


def batch_norm_train_forward(x, weight, bias, eps, relu=False):
    """Normalise with the batch statistics. Returns (y, mean, invstd, var_sum), statistics (C,) of the input's
    dtype (float32 for half precision); var_sum is the sum of squared deviations (``batch_norm_update_stats``)."""
    _check_channels("batch_norm", x, weight=weight, bias=bias)
    x3 = _as_ncl(x)
    if x3.shape[0] * x3.shape[2] == 0:
        raise ValueError(f"batch_norm: expected more than 0 values per channel when training, got input of "
                         f"shape {tuple(x.shape)}")
    mean, var_sum = _channel_stats(x3)
    dtype = mean.dtype
    var = var_sum / dtype.type(x3.shape[0] * x3.shape[2])  # (PyTorch divides by the count as a float)
    invstd = _inverse_std(var.astype(np.float64), eps).astype(dtype)
    scale, shift = _coefficients(mean, invstd, weight, bias)
    return _normalized(x3, scale.astype(x.dtype), shift.astype(x.dtype), relu).reshape(x.shape), mean, invstd, \
        var_sum


def _inverse_std(var, eps):
    """1/sqrt(var + eps), 0 where both are 0 (PyTorch's InvStd), in var's dtype."""
    with np.errstate(divide="ignore"):
        return np.where((var != 0) | (eps != 0), 1 / np.sqrt(var + var.dtype.type(eps)), 0).astype(var.dtype)


def batch_norm_eval_forward(x, running_mean, running_var, weight, bias, eps, relu=False):
    """Normalise with given statistics. Returns (y, mean, invstd, grad_invstd), statistics of the input's dtype
    (float32 for half precision) (C,). PyTorch takes 1/sqrt(var + eps) twice: in that dtype for the output
    (invstd), in float64, rounded once, for the gradients (grad_invstd: its backward recomputes it so)."""
    _check_channels("batch_norm", x, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    dtype = _statistics_dtype(x)
    mean = np.ascontiguousarray(running_mean, dtype)
    invstd = (1 / np.sqrt(np.asarray(running_var, dtype) + dtype.type(eps))).astype(dtype)
    grad_invstd = (1 / np.sqrt(np.asarray(running_var, np.float64) + eps)).astype(dtype)
    scale, shift = _coefficients(mean, invstd, weight, bias)
    return _normalized(_as_ncl(x), scale.astype(x.dtype), shift.astype(x.dtype), relu).reshape(x.shape), mean, \
        invstd, grad_invstd


def batch_norm_backward(g, x, mean, invstd, weight, bias, training, relu, needs, grad_invstd=None):
    """Gradients (input, weight, bias) of batch norm, each None unless asked for in ``needs``.

    Training: gx = (γ/σ)·(g − Σg/M − x̂·Σ(g·x̂)/M); eval (statistics constant): gx = g·γ/σ.
    gγ = Σ(g·x̂), gβ = Σg, with x̂ = (x − mean)/σ; with relu, g is first zeroed where y ≤ 0 (y formed with
    ``invstd``). The gradients' 1/σ is ``grad_invstd`` where given (eval mode: ``batch_norm_eval_forward``'s),
    else ``invstd``.
    """
    checks.same_shape("batch_norm_backward", "input", x, grad=g)
    _check_channels("batch_norm_backward", x, mean=mean, invstd=invstd, weight=weight, bias=bias,
                    grad_invstd=grad_invstd)
    dtype = x.dtype
    x3, g3 = _as_ncl(x), _as_ncl(g)
    scale, shift = (c.astype(dtype) for c in _coefficients(mean, invstd, weight, bias))
    mean_d = mean.astype(dtype)
    invstd = (invstd if grad_invstd is None else grad_invstd).astype(np.float64)
    if needs[1] or needs[2] or (needs[0] and training):
        sum_g, sum_gx = _gradient_sums(g3, x3, mean_d, scale, shift, relu)
    gx = gw = gb = None
    if needs[0]:
        count = x3.shape[0] * x3.shape[2]
        invstd_d = invstd.astype(dtype)
        if training:  # (PyTorch's: k = dotp * invstd * invstd / M in the input's dtype, mean_g = sum / M in float64)
            mean_g = (sum_g / count).astype(dtype)
            k = sum_gx.astype(dtype) * invstd_d * invstd_d / dtype.type(count)
        else:
            mean_g = k = np.zeros_like(invstd_d)
        gamma = np.ones_like(invstd_d) if weight is None else weight.astype(dtype)
        gx = _input_gradient_of(g3, x3, invstd_d, gamma, mean_g, mean_d, k, scale, shift, relu,
                                bool(training)).reshape(x.shape)
    if needs[1]:
        gw = (sum_gx * invstd).astype(dtype)
    if needs[2]:
        gb = sum_g.astype(dtype)
    return gx, gw, gb


@not_widened  # (it updates the running statistics in place)
def batch_norm_update_stats(running_mean, running_var, mean, var_sum, momentum, count):
    """In place: running ← momentum·batch + (1 − momentum)·running with the UNBIASED batch variance
    var_sum / (count − 1), rounded as PyTorch's (``elements.running_statistics``)."""
    checks.same_shape("batch_norm_update_stats", "running_mean", running_mean, running_var=running_var, mean=mean,
                      var_sum=var_sum)
    dtype = np.dtype(np.float32) if running_mean.dtype == np.float16 else running_mean.dtype
    new_mean, new_var = running_mean.astype(dtype), running_var.astype(dtype)  # (copies: the kernel's own arrays)
    momentum = dtype.type(momentum)
    _running_update(new_mean, new_var, mean.astype(dtype), var_sum.astype(dtype), momentum,
                    dtype.type(1) - momentum, dtype.type(count - 1), dtype == np.float32)
    running_mean[...], running_var[...] = new_mean, new_var

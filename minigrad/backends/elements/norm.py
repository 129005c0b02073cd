"""BatchNorm's per-element rules, forward and backward, optionally fused with a ReLU (see ``backends/elements``).

Rounded as PyTorch's CPU kernels round them: its compiler fuses x * scale + shift (and the shift's
bias - mean * scale) into FMA instructions, and updates the running variance with one FMA while the running mean
is a plain sum of two rounded products. ``zero`` is passed in, of the arrays' type: a literal 0 would make a
float32 kernel compute in float64."""
from . import fused_multiply_add


def coefficients(invstd, weight, bias, mean):
    """(scale, shift) of one channel: scale = weight * invstd, shift = bias - mean * scale (one FMA)."""
    scale = invstd * weight
    return scale, fused_multiply_add(-mean, scale, bias)


def normalize(x, scale, shift, relu, zero):
    """y = x*scale + shift (one FMA), then max(y, 0) when ``relu``; a NaN stays NaN, as PyTorch's BatchNorm then
    ReLU."""
    y = fused_multiply_add(x, scale, shift)
    return zero if relu and y < zero else y


def relu_passes(x, scale, shift, relu, zero):
    """Whether the output's gradient reaches the normalisation: always without ``relu``, else where y > 0 or
    y is NaN (PyTorch's ReLU passes the gradient of a NaN); y formed as ``normalize`` forms it."""
    return not (relu and fused_multiply_add(x, scale, shift) <= zero)


def input_gradient(g, x, invstd, weight, mean_g, mean, k):
    """gx = (g - mean_g - (x - mean) * k) * invstd * weight, as PyTorch's compiled kernel forms it (the product and
    the difference one FMA), g being 0 where the fused ReLU clipped y (``relu_passes``). In training
    mean_g = sum(g)/M and k = sum(g*(x - mean)) * invstd^2 / M; in eval mean_g = k = 0."""
    return fused_multiply_add(-(x - mean), k, g - mean_g) * invstd * weight


def eval_input_gradient(g, invstd, weight):
    """gx = g * invstd * weight in eval mode (the statistics constant), as PyTorch's kernel forms it: the input
    takes no part, so an inf or NaN input does not reach the gradient."""
    return g * invstd * weight


def running_statistics(mean, var_sum, running_mean, running_var, momentum, keep, count_less_one, fused):
    """One channel's running (mean, variance) after a batch: momentum * batch + keep * running, keep = 1 -
    momentum (formed in the statistics' dtype), with the unbiased variance var_sum / (count - 1); the
    variance's sum is one FMA when ``fused`` (PyTorch's float32 kernel; its float64 one rounds each step)."""
    new_mean = momentum * mean + keep * running_mean
    unbiased = var_sum / count_less_one
    if fused:
        return new_mean, fused_multiply_add(momentum, unbiased, keep * running_var)
    return new_mean, momentum * unbiased + keep * running_var

"""BatchNorm's per-element rules, forward and backward, optionally fused with a ReLU (see ``backends/elements``).

``zero`` is passed in, of the arrays' type: a literal 0 would make a float32 kernel compute in float64."""


def normalize(x, scale, shift, relu, zero):
    """y = x*scale + shift, then max(y, 0) when ``relu``; a NaN stays NaN, as PyTorch's BatchNorm then ReLU."""
    y = x * scale + shift
    return zero if relu and y < zero else y


def relu_passes(x, scale, shift, relu, zero):
    """Whether the output's gradient reaches the normalisation: always without ``relu``, else where y > 0 or
    y is NaN (PyTorch's ReLU passes the gradient of a NaN)."""
    return not (relu and x * scale + shift <= zero)


def input_gradient(g, x, gain, mean_g, mean, k):
    """gx = gain*(g - mean_g - (x - mean)*k), g being 0 where the fused ReLU clipped y (``relu_passes``). In
    training gain = gamma/sigma, mean_g = sum(g)/M and k = sum(g*(x - mean))/(M*sigma^2); in eval mean_g = k = 0."""
    return gain * (g - mean_g - (x - mean) * k)

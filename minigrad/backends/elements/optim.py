"""One parameter element's optimizer update, as PyTorch computes it (see ``backends/elements``)."""
import math


def sgd_element(p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    """``torch.optim.SGD`` on one element: returns (new p, new momentum buffer). ``keep`` is 1 - dampening; the
    first step sets the buffer to the gradient."""
    d = -g if maximize else g
    if decay:
        d = d + weight_decay * p
    if use_momentum:
        buf = d if first_step else momentum * buf + keep * d
        d = d + momentum * buf if nesterov else buf
    return p - lr * d, buf


def adam_element(p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                 bias2_sqrt, amsgrad, maximize):
    """``torch.optim.Adam`` on one element: returns (new p, m, v, v_max). ``w1`` = 1 - beta1 and ``rest1`` = 1 - w1
    give torch's lerp(m, d, w1) in the form it takes (``lerp_from_start``: w1 < 0.5); ``w2`` = 1 - beta2."""
    d = -g if maximize else g
    if decay:
        d = d + weight_decay * p
    m = m + w1 * (d - m) if lerp_from_start else d - (d - m) * rest1
    v = v * beta2 + w2 * d * d
    if amsgrad:
        v_max = v if v > v_max else v_max
        denominator = math.sqrt(v_max) / bias2_sqrt + eps
    else:
        denominator = math.sqrt(v) / bias2_sqrt + eps
    return p - step_size * (m / denominator), m, v, v_max


def lerp_weights(scalar_type, beta1):
    """(w1, 1 - w1, w1 < 0.5) on the host for ``adam_element``, w1 = 1 - beta1 formed in double then rounded to the
    parameters' ``scalar_type``, as PyTorch passes it (for w1 >= 0.5, 1 - w1 is exact in float32: forming it here
    is what torch's kernel computes)."""
    w1 = scalar_type(1 - beta1)
    return w1, scalar_type(1 - w1), bool(w1 < 0.5)

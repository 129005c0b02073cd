"""One parameter element's optimizer update, as PyTorch computes it (see ``backends/elements``)."""
import math

from . import fused_multiply_add


def sgd_element(p, g, buf, lr, momentum, keep, weight_decay, decay, use_momentum, nesterov, maximize, first_step):
    """``torch.optim.SGD`` on one element: returns (new p, new momentum buffer). ``keep`` is 1 - dampening; the
    first step sets the buffer to the gradient. PyTorch's ``add(other, alpha=...)`` is a vector FMA, so its weight
    decay, momentum buffer, Nesterov look-ahead and step each round once (two roundings left 9% of the parameters
    1 ulp from PyTorch's after one plain SGD step)."""
    d = -g if maximize else g
    if decay:
        d = fused_multiply_add(p, weight_decay, d)  # grad.add(param, alpha=weight_decay)
    if use_momentum:
        buf = d if first_step else fused_multiply_add(d, keep, momentum * buf)  # buf.mul_(m).add_(d, alpha=keep)
        d = fused_multiply_add(buf, momentum, d) if nesterov else buf
    return fused_multiply_add(d, -lr, p), buf  # param.add_(d, alpha=-lr)


def adam_element(p, g, m, v, v_max, w1, rest1, lerp_from_start, beta2, w2, eps, weight_decay, decay, step_size,
                 bias2_sqrt, amsgrad, maximize):
    """``torch.optim.Adam`` on one element: returns (new p, m, v, v_max). ``w1`` = 1 - beta1 and ``rest1`` = 1 - w1
    give torch's lerp(m, d, w1) in the form it takes (``lerp_from_start``: w1 < 0.5); ``w2`` = 1 - beta2."""
    d = -g if maximize else g
    if decay:
        d = fused_multiply_add(p, weight_decay, d)  # grad.add(param, alpha=weight_decay)
    # exp_avg.lerp_(d, w1), PyTorch's vector lerp: an FMA from the nearer end; exp_avg_sq.mul_(beta2).addcmul_(d, d,
    # value=w2), whose (w2 * d) * d + v its compiler fuses
    m = fused_multiply_add(w1, d - m, m) if lerp_from_start else fused_multiply_add(-rest1, d - m, d)
    v = fused_multiply_add(w2 * d, d, v * beta2)
    if amsgrad:
        v_max = v if v > v_max else v_max
        denominator = math.sqrt(v_max) / bias2_sqrt + eps
    else:
        denominator = math.sqrt(v) / bias2_sqrt + eps
    # param.addcdiv_(m, denominator, value=-step_size): PyTorch's kernel forms (value * m) / denominator
    return p + (-step_size * m) / denominator, m, v, v_max


def lerp_weights(scalar_type, beta1):
    """(w1, 1 - w1, w1 < 0.5) on the host for ``adam_element``, w1 = 1 - beta1 formed in double then rounded to the
    parameters' ``scalar_type``, as PyTorch passes it (for w1 >= 0.5, 1 - w1 is exact in float32: forming it here
    is what torch's kernel computes)."""
    w1 = scalar_type(1 - beta1)
    return w1, scalar_type(1 - w1), bool(w1 < 0.5)

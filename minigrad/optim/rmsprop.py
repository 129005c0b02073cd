"""``optim.RMSprop``: steps scaled by a running mean of squared gradients, in PyTorch's order of operations
(written with tensor ops, so it runs on every backend)."""
from .optimizer import ElementwiseOptimizer, check_nonnegative, decayed_gradient


def _lerp(start, end, weight):
    """``torch.lerp`` in its two-sided form: from the nearer end, as PyTorch computes it."""
    return start + (end - start) * weight if weight < 0.5 else end - (end - start) * (1 - weight)


class RMSprop(ElementwiseOptimizer):
    """``torch.optim.RMSprop``: v = α·v + (1 − α)·g²; with ``centered``, m = lerp(m, g, 1 − α) and the
    denominator is √(v − m²) + eps, else √v + eps; with ``momentum``, b = μ·b + g / denominator and
    p −= lr·b, else p −= lr·g / denominator."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_nonnegative(("learning rate", lr), ("epsilon value", eps), ("momentum value", momentum),
                          ("weight_decay value", weight_decay), ("alpha value", alpha))
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))

    def buffers(self, group):
        return ("square_avg", *(["momentum_buffer"] if group["momentum"] > 0 else []),
                *(["grad_avg"] if group["centered"] else []))

    def update(self, p, group, state):
        alpha, lr = group["alpha"], group["lr"]
        g = decayed_gradient(p, group)
        square_avg = state["square_avg"]
        square_avg.copy_(square_avg * alpha + g * (1 - alpha) * g)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.copy_(_lerp(grad_avg, g, 1 - alpha))
            denominator = (square_avg - grad_avg * grad_avg).sqrt() + group["eps"]
        else:
            denominator = square_avg.sqrt() + group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf.copy_(buf * group["momentum"] + g / denominator)
            p.copy_(p + buf * -lr)
        else:
            p.copy_(p + g * -lr / denominator)

"""``optim.RMSprop``: steps scaled by a running mean of squared gradients, in PyTorch's order of operations
(written with tensor ops, so it runs on every backend)."""
from ..autograd import no_grad
from .optimizer import Optimizer, decayed_gradient


def _lerp(start, end, weight):
    """``torch.lerp`` in its two-sided form: from the nearer end, as PyTorch computes it."""
    return start + (end - start) * weight if weight < 0.5 else end - (end - start) * (1 - weight)


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``: v = α·v + (1 − α)·g²; with ``centered``, m = lerp(m, g, 1 − α) and the
    denominator is √(v − m²) + eps, else √v + eps; with ``momentum``, b = μ·b + g / denominator and
    p −= lr·b, else p −= lr·g / denominator."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if lr < 0 or eps < 0 or momentum < 0 or weight_decay < 0 or alpha < 0:
            raise ValueError(f"RMSprop: invalid lr={lr}, eps={eps}, momentum={momentum}, "
                             f"weight_decay={weight_decay} or alpha={alpha}")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            alpha, lr = group["alpha"], group["lr"]
            for p in self._params_with_grad(group):
                state = self._zero_state(p, "square_avg", *(["momentum_buffer"] if group["momentum"] > 0 else []),
                                         *(["grad_avg"] if group["centered"] else []))
                state["step"] += 1
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
        return loss

"""``optim.NAdam``: Adam with Nesterov momentum, whose momentum factor warms up, in PyTorch's order of operations
(written with tensor ops, so it runs on every backend)."""
import numpy as np

from ..tensor import default_float
from .optimizer import ElementwiseOptimizer, check_adam_family, check_nonnegative, decayed_gradient


def weight_decayed(p, group):
    """The gradient, with ``decoupled_weight_decay`` the parameter shrunk by lr·weight_decay first (AdamW's way),
    else PyTorch's L2 term added to the gradient."""
    if group["decoupled_weight_decay"] and group["weight_decay"] != 0:
        p.mul_(1 - group["lr"] * group["weight_decay"])
        return -p.grad if group["maximize"] else p.grad
    return decayed_gradient(p, group)


class NAdam(ElementwiseOptimizer):
    """``torch.optim.NAdam``: μ_t = β1 (1 − ½·0.96^(t·ψ)), m = lerp(m, g, 1 − β1), v = β2·v + (1 − β2)·g²,
    p −= lr (1 − μ_t)/(1 − Πμ) · g/d + lr μ_(t+1)/(1 − Πμ·μ_(t+1)) · m/d, d = √(v / (1 − β2^t)) + eps; the
    product Πμ is rounded to the default dtype at each step, as PyTorch's 0-d tensor (the state's ``mu_product``, a
    number here)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_family(lr, betas, eps, weight_decay)
        check_nonnegative(("momentum_decay value", momentum_decay))
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def buffers(self, group):
        return "exp_avg", "exp_avg_sq"

    def update(self, p, group, state):
        (beta1, beta2), lr, decay, step = group["betas"], group["lr"], group["momentum_decay"], state["step"]
        g = weight_decayed(p, group)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        # (the product is a float32 tensor in PyTorch: each factor is rounded to float32 and multiplied)
        stored = default_float().type  # PyTorch's mu_product is a tensor of the default dtype
        mu_product = float(stored(float(state.get("mu_product", 1.0))) * stored(mu))
        state["mu_product"] = mu_product
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.lerp_(g, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        denominator = (exp_avg_sq / (1 - beta2 ** step)).sqrt() + group["eps"]
        p.addcdiv_(g, denominator, value=-lr * (1.0 - mu) / (1.0 - mu_product))
        p.addcdiv_(exp_avg, denominator, value=-lr * mu_next / (1.0 - mu_product * mu_next))

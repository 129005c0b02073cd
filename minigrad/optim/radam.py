"""``optim.RAdam``: Adam whose adaptive step is rectified by the variance of its estimate, plain momentum SGD in
the first steps, in PyTorch's order of operations (written with tensor ops, so it runs on every backend)."""
from .nadam import weight_decayed
from .optimizer import ElementwiseOptimizer, check_adam_family


class RAdam(ElementwiseOptimizer):
    """``torch.optim.RAdam``: m = lerp(m, g, 1 − β1), v = β2·v + (1 − β2)·g², ρ_t = ρ∞ − 2t·β2^t/(1 − β2^t); where
    ρ_t > 5, p −= lr · m/(1 − β1^t) · √(1 − β2^t)/(√v + eps) · r_t (r_t the rectification), else
    p −= lr · m/(1 − β1^t)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_family(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable, differentiable=differentiable))

    def buffers(self, group):
        return "exp_avg", "exp_avg_sq"

    def update(self, p, group, state):
        (beta1, beta2), lr, step = group["betas"], group["lr"], state["step"]
        g = weight_decayed(p, group)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.lerp_(g, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        correction1, correction2 = 1 - beta1 ** step, 1 - beta2 ** step
        corrected = exp_avg / correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / correction2
        if rho_t > 5.0:
            rectification = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # (a number divided by a tensor is the tensor's reciprocal times the number, in PyTorch)
            adaptive = (exp_avg_sq.sqrt() + group["eps"]).reciprocal() * correction2 ** 0.5
            p.add_(corrected * lr * adaptive * rectification, alpha=-1.0)
        else:
            p.add_(corrected * lr, alpha=-1.0)

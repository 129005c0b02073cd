"""``optim.Adamax``: Adam with the infinity norm in place of the second moment, in PyTorch's order of operations
(written with tensor ops, so it runs on every backend)."""
from .optimizer import ElementwiseOptimizer, check_adam_family, decayed_gradient


class Adamax(ElementwiseOptimizer):
    """``torch.optim.Adamax``: m = lerp(m, g, 1 − β1), u = max(β2·u, |g| + eps), p −= lr / (1 − β1^t) · m / u
    (m is the state's ``exp_avg``, u its ``exp_inf``)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_family(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, differentiable=differentiable,
                                      capturable=capturable))

    def buffers(self, group):
        return "exp_avg", "exp_inf"

    def update(self, p, group, state):
        beta1, beta2 = group["betas"]
        g = decayed_gradient(p, group)
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        exp_avg.lerp_(g, 1 - beta1)
        exp_inf.copy_((exp_inf * beta2).maximum(g.abs() + group["eps"]))
        p.addcdiv_(exp_avg, exp_inf, value=-(group["lr"] / (1 - beta1 ** state["step"])))

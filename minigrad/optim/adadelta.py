"""``optim.Adadelta``: steps whose size comes from running means of squared gradients and squared updates, in
PyTorch's order of operations (written with tensor ops, so it runs on every backend)."""
from .optimizer import ElementwiseOptimizer, check_nonnegative, decayed_gradient


class Adadelta(ElementwiseOptimizer):
    """``torch.optim.Adadelta``: v = ρ·v + (1 − ρ)·g², Δ = √(u + eps) / √(v + eps) · g, u = ρ·u + (1 − ρ)·Δ²,
    p −= lr·Δ (v is the state's ``square_avg``, u its ``acc_delta``)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_nonnegative(("learning rate", lr))
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(("epsilon value", eps), ("weight_decay value", weight_decay))
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def buffers(self, group):
        return "square_avg", "acc_delta"

    def update(self, p, group, state):
        rho, eps = group["rho"], group["eps"]
        g = decayed_gradient(p, group)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg.copy_(square_avg * rho + g * (1 - rho) * g)
        delta = (acc_delta + eps).sqrt() / (square_avg + eps).sqrt() * g
        acc_delta.copy_(acc_delta * rho + delta * (1 - rho) * delta)
        p.copy_(p + delta * -group["lr"])

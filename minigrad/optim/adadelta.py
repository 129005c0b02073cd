"""``optim.Adadelta``: steps whose size comes from running means of squared gradients and squared updates, in
PyTorch's order of operations (written with tensor ops, so it runs on every backend)."""
from ..autograd import no_grad
from .optimizer import Optimizer, decayed_gradient


class Adadelta(Optimizer):
    """``torch.optim.Adadelta``: v = ρ·v + (1 − ρ)·g², Δ = √(u + eps) / √(v + eps) · g, u = ρ·u + (1 − ρ)·Δ²,
    p −= lr·Δ (v is the state's ``square_avg``, u its ``acc_delta``)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        for name, value in (("learning rate", lr), ("epsilon value", eps), ("weight_decay value", weight_decay)):
            if not value >= 0:
                raise ValueError(f"Invalid {name}: {value}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            rho, eps = group["rho"], group["eps"]
            for p in self._params_with_grad(group):
                state = self._zero_state(p, "square_avg", "acc_delta")
                state["step"] += 1
                g = decayed_gradient(p, group)
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                square_avg.copy_(square_avg * rho + g * (1 - rho) * g)
                delta = (acc_delta + eps).sqrt() / (square_avg + eps).sqrt() * g
                acc_delta.copy_(acc_delta * rho + delta * (1 - rho) * delta)
                p.copy_(p + delta * -group["lr"])
        return loss

"""``optim.ASGD``: averaged SGD, with a decaying step size and a running average of the weights (written with
tensor ops, so it runs on every backend)."""
import numpy as np

from ..tensor import default_float
from .optimizer import ElementwiseOptimizer, check_nonnegative, decayed_gradient


def _as_stored(value):
    """A number rounded as PyTorch's 0-d state tensors (eta, mu) round it: to the default dtype (float32 unless
    set_default_dtype chose float64), whatever the parameter's."""
    return np.array(value, dtype=default_float()).item()


class ASGD(ElementwiseOptimizer):
    """``torch.optim.ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)``: p = p·(1 − λ·η)
    − η·g; the average ``ax`` follows p (ax += μ·(p − ax), or ax = p while μ is 1); then
    η = lr / (1 + λ·lr·t)^α and μ = 1 / max(1, t − t0). State: ``eta``, ``mu``, ``ax``."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_nonnegative(("learning rate", lr), ("weight_decay value", weight_decay))
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def buffers(self, group):
        return ("ax",)

    def update(self, p, group, state):
        lr, lambd = group["lr"], group["lambd"]
        if state["step"] == 1:
            state["eta"], state["mu"] = _as_stored(lr), 1.0
        g = decayed_gradient(p, group)
        eta = state["eta"]
        p.mul_(1 - lambd * eta)
        p.add_(g, alpha=-eta)
        ax = state["ax"]
        if state["mu"] != 1:
            ax.add_((p - ax) * state["mu"])
        else:
            ax.copy_(p)
        step = state["step"]
        state["eta"] = _as_stored(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"] = _as_stored(1 / max(1, step - group["t0"]))

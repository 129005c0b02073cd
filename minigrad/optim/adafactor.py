"""``torch.optim.Adafactor`` (Shazeer and Stern, 2018, in PyTorch's form): Adam's second moment kept factored, a
row and a column mean of g^2 for each matrix (a vector's kept whole), no first moment; the step is relative to
the parameter's RMS and clipped by the update's RMS."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """``torch.optim.Adafactor(params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0)``:
    at step t, beta2 = 1 - t^beta2_decay; row_var, col_var (or variance) are lerped toward the mean squared
    gradient; the update is g / sqrt(row_var col_var / mean(row_var)), divided by max(1, RMS(update) / d) and
    scaled by max(eps2, RMS(p)) min(lr, 1/sqrt(t)); weight decay multiplies p by 1 - lr * weight_decay."""

    complex_refusal = "Adafactor does not support complex parameters"

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                      weight_decay=weight_decay, foreach=foreach, maximize=maximize))

    own_shaped_state = ("row_var", "col_var")

    def _state(self, p):
        state = self.state.get(p)
        if not state:
            if p.grad.ndim > 1:
                state = self.state[p] = {"step": 0.0,
                                         "row_var": p.new_zeros(*p.shape[:-1], 1),
                                         "col_var": p.new_zeros(*p.shape[:-2], 1, p.shape[-1])}
            else:
                state = self.state[p] = {"step": 0.0, "variance": p.new_zeros(*p.shape)}
        return state

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (eps1, eps2), d = group["lr"], group["eps"], group["d"]
            for p in self._params_with_grad(group):
                grad = -p.grad if group["maximize"] else p.grad
                state = self._state(p)
                state["step"] += 1
                step = float(state["step"])
                eps1_p = float(np.finfo(np.dtype(p.dtype)).eps) if eps1 is None else eps1
                weight = step ** group["beta2_decay"]
                relative = min(lr, 1 / step ** 0.5)
                alpha = max(eps2, p.norm(2).item() / p.numel() ** 0.5) * relative
                if group["weight_decay"] != 0:
                    p.mul_(1 - lr * group["weight_decay"])
                if grad.ndim > 1:
                    row, column = state["row_var"], state["col_var"]
                    row.lerp_(grad.norm(dim=-1, keepdim=True).square() / grad.shape[-1], weight)
                    column.lerp_(grad.norm(dim=-2, keepdim=True).square() / grad.shape[-2], weight)
                    estimate = (row @ column) / row.mean(dim=-2, keepdim=True).clamp(min=eps1_p)
                else:
                    state["variance"].lerp_(grad * grad, weight)
                    estimate = state["variance"].clone()
                update = estimate.clamp(min=eps1_p * eps1_p).rsqrt() * grad
                denominator = max(1.0, update.norm(2).item() / (update.numel() ** 0.5 * d))
                p.add_(update, alpha=-alpha / denominator)
        return loss

"""``optim.Rprop``: each weight's step size grows while its gradient keeps its sign and shrinks when the sign
flips; only the gradient's sign moves the weight (written with tensor ops, so it runs on every backend)."""
from ..ops.compare import where
from .optimizer import ElementwiseOptimizer


class Rprop(ElementwiseOptimizer):
    """``torch.optim.Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))``: with s the sign of
    g·g_prev, the step size is multiplied by etaplus (s > 0), etaminus (s < 0) or 1, clamped to step_sizes; where
    s < 0 the gradient is taken as 0 (and remembered so); p −= sign(g)·step_size. State: ``prev``, ``step_size``."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def buffers(self, group):
        return "prev", "step_size"

    def update(self, p, group, state):
        etaminus, etaplus = group["etas"]
        smallest, largest = group["step_sizes"]
        g = -p.grad if group["maximize"] else p.grad
        prev, step_size = state["prev"], state["step_size"]
        if state["step"] == 1:
            step_size.fill_(group["lr"])
        agreement = (g * prev).sign()
        plus, minus, one = (g.new_full((), value) for value in (etaplus, etaminus, 1.0))  # (in p's dtype)
        factor = where(agreement > 0, plus, where(agreement < 0, minus, one))
        step_size.copy_((step_size * factor).clamp(smallest, largest))
        g = where(factor == etaminus, 0.0, g)
        p.addcmul_(g.sign(), step_size, value=-1)
        prev.copy_(g)

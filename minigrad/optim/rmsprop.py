"""``optim.RMSprop`` and ``optim.Adagrad``: adaptive steps from running squares of the gradient, in PyTorch's
order of operations (written with tensor ops, so they run on every backend)."""
from ..autograd import no_grad
from ..creation import full_like, zeros_like
from .optimizer import Optimizer


def _gradient(p, group):
    """The gradient a step uses: negated with ``maximize``, plus ``weight_decay`` · p (PyTorch's L2 term)."""
    g = -p.grad if group["maximize"] else p.grad
    return g + p * group["weight_decay"] if group["weight_decay"] != 0 else g


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
                state = self.state.get(id(p))
                if state is None:
                    state = self.state[id(p)] = {"step": 0.0, "square_avg": zeros_like(p)}
                    if group["momentum"] > 0:
                        state["momentum_buffer"] = zeros_like(p)
                    if group["centered"]:
                        state["grad_avg"] = zeros_like(p)
                state["step"] += 1
                g = _gradient(p, group)
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


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``: s += g², p −= clr·g / (√s + eps) with clr = lr / (1 + (step − 1)·lr_decay)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if lr < 0 or lr_decay < 0 or weight_decay < 0 or initial_accumulator_value < 0 or eps < 0:
            raise ValueError(f"Adagrad: invalid lr={lr}, lr_decay={lr_decay}, weight_decay={weight_decay}, "
                             f"initial_accumulator_value={initial_accumulator_value} or eps={eps}")
        if fused:
            raise RuntimeError("Adagrad: fused=True is not supported by minigrad")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # PyTorch creates Adagrad's state at construction
            for p in group["params"]:
                self.state[id(p)] = {"step": 0.0, "sum": full_like(p, group["initial_accumulator_value"])}

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                state = self.state.setdefault(id(p), {"step": 0.0, "sum": full_like(
                    p, group["initial_accumulator_value"])})  # a group added after construction
                state["step"] += 1
                g = _gradient(p, group)
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"].copy_(state["sum"] + g * g)
                p.copy_(p + g * -clr / (state["sum"].sqrt() + group["eps"]))
        return loss

"""``optim.Adagrad``: steps scaled by the root of the summed squared gradients, in PyTorch's order of operations
(written with tensor ops, so it runs on every backend)."""
from ..autograd import no_grad
from ..creation import full_like
from .optimizer import Optimizer, check_nonnegative, decayed_gradient


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``: s += g², p −= clr·g / (√s + eps) with clr = lr / (1 + (step − 1)·lr_decay)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_nonnegative(("learning rate", lr), ("lr_decay value", lr_decay), ("weight_decay value", weight_decay),
                          ("initial_accumulator_value value", initial_accumulator_value), ("epsilon value", eps))
        if fused:
            raise RuntimeError("Adagrad: fused=True is not supported by minigrad")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # PyTorch creates Adagrad's state at construction
            for p in group["params"]:
                self.state[p] = {"step": 0.0, "sum": _initial_sum(p, group)}

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                state = self.state.get(p)
                if not state:  # a group added after construction
                    state = self.state[p] = {"step": 0.0, "sum": _initial_sum(p, group)}
                state["step"] += 1
                g = decayed_gradient(p, group)
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"].copy_(state["sum"] + g * g)
                p.copy_(p + g * -clr / (state["sum"].sqrt() + group["eps"]))
        return loss


def _initial_sum(p, group):
    """The sum's first value, as PyTorch's: initial_accumulator_value, in both parts of a complex parameter's."""
    value = group["initial_accumulator_value"]
    return full_like(p, complex(value, value) if p.dtype.kind == "c" else value)

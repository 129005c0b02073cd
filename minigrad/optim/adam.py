"""``optim.Adam`` and ``optim.AdamW``, with PyTorch's bias corrections and optional AMSGrad."""
import math

from ..autograd import no_grad
from .optimizer import Optimizer, check_adam_family


class Adam(Optimizer):
    """``torch.optim.Adam``: m = lerp(m, g, 1 − β1), v = β2·v + (1 − β2)·g², p −= lr/(1 − β1^t) ·
    m / (√v / √(1 − β2^t) + eps); ``weight_decay`` adds wd·p to g (L2), or with ``decoupled_weight_decay``
    (AdamW) multiplies p by 1 − lr·wd first."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_adam_family(lr, betas, eps, weight_decay)
        # (foreach, capturable, differentiable and fused are PyTorch's implementation choices: kept in the groups)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in self._params_with_grad(group):
                B = p.backend
                state = self._zero_state(p, "exp_avg", "exp_avg_sq", *(["max_exp_avg_sq"] if group["amsgrad"] else []))
                state["step"] += 1
                step = state["step"]
                weight_decay = group["weight_decay"]
                if group.get("decoupled_weight_decay", False) and weight_decay != 0:
                    B.mul(p.array, B.scalar(1 - group["lr"] * weight_decay, p.dtype), out=p.array)
                    weight_decay = 0
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                max_sq = state.get("max_exp_avg_sq")
                B.adam_step(p.array, p.grad.array, state["exp_avg"].array, state["exp_avg_sq"].array,
                            None if max_sq is None else max_sq.array, beta1, beta2, group["eps"], weight_decay,
                            group["lr"] / bias_correction1, math.sqrt(bias_correction2), group["amsgrad"],
                            group["maximize"])
        return loss


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay, p *= 1 − lr·wd before the Adam step."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

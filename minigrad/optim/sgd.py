"""``optim.SGD``: stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""
from ..autograd import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_nonnegative


class SGD(Optimizer):
    """``torch.optim.SGD`` with PyTorch's update: buf = momentum·buf + (1 − dampening)·g, p −= lr·buf
    (g + momentum·buf with Nesterov); the first step sets buf = g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        check_nonnegative(("learning rate", lr), ("momentum value", momentum), ("weight_decay value", weight_decay))
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        # (foreach, differentiable and fused are PyTorch's implementation choices: accepted and kept in the groups)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss, as in PyTorch."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                buf = None
                first = True
                if group["momentum"] != 0:  # as PyTorch, plain SGD keeps no per-parameter state
                    state = self.state[p]
                    first = "momentum_buffer" not in state
                    if first:
                        state["momentum_buffer"] = Tensor._wrap(p.backend.full(p.shape, 0.0, p.dtype), p.device)
                    buf = state["momentum_buffer"]
                p.backend.sgd_step(p.array, p.grad.array, None if buf is None else buf.array, group["lr"],
                                   group["momentum"], group["dampening"], group["weight_decay"],
                                   group["nesterov"], group["maximize"], first)
        return loss

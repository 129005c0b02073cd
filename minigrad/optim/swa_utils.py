"""``torch.optim.swa_utils``: weight averaging (stochastic weight averaging and exponential moving averages)
and its learning-rate schedule, and recomputing BatchNorm statistics for averaged weights."""
import copy
import math

from .. import creation
from ..autograd import no_grad
from ..nn.module import Module
from .lr_scheduler import LRScheduler

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_avg_fn", "get_swa_avg_fn", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn"]


def get_ema_avg_fn(decay=0.999):
    """The exponential moving average: decay * averaged + (1 - decay) * current (as a lerp, PyTorch's)."""
    def ema_update(averaged, current, num_averaged):
        return decay * averaged + (1 - decay) * current
    return ema_update


def get_swa_avg_fn():
    """The running mean: averaged + (current - averaged) / (n + 1)."""
    def swa_update(averaged, current, num_averaged):
        return averaged + (current - averaged) / (num_averaged + 1)
    return swa_update


def get_ema_multi_avg_fn(decay=0.999):
    """``get_ema_avg_fn`` over lists of tensors, in place."""
    def ema_update(averaged_list, current_list, num_averaged):
        for averaged, current in zip(averaged_list, current_list):
            averaged.lerp_(current, 1 - decay)
    return ema_update


def get_swa_multi_avg_fn():
    """The running mean over lists of tensors, in place, as a lerp toward the current weights by 1 / (n + 1)
    (PyTorch's rounding)."""
    def swa_update(averaged_list, current_list, num_averaged):
        for averaged, current in zip(averaged_list, current_list):
            averaged.lerp_(current, 1 / (float(num_averaged) + 1))
    return swa_update


class AveragedModel(Module):
    """``torch.optim.swa_utils.AveragedModel(model, device=None, avg_fn=None, multi_avg_fn=None,
    use_buffers=False)``: a copy of ``model`` whose parameters (and buffers with ``use_buffers``) are averaged
    by ``update_parameters``; the running mean by default. State: ``module.*`` and ``n_averaged``."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", creation.tensor(0, device=device or "cpu"))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _tensors(self, model):
        if self.use_buffers:
            return list(model.parameters()) + list(model.buffers())
        return list(model.parameters())

    @no_grad()
    def update_parameters(self, model):
        """Average ``model``'s current weights into this copy (the first call copies them)."""
        for averaged, current in zip(self._tensors(self.module), self._tensors(model)):
            current = current.detach().to(averaged.device)
            if int(self.n_averaged) == 0:
                averaged.copy_(current)
            elif averaged.is_floating_point():
                if self.avg_fn is not None and self.multi_avg_fn is None:
                    averaged.copy_(self.avg_fn(averaged, current, self.n_averaged.to(averaged.device)))
                else:
                    (self.multi_avg_fn or get_swa_multi_avg_fn())([averaged], [current], self.n_averaged)
        if not self.use_buffers:  # buffers follow the model's
            for own, theirs in zip(self.module.buffers(), model.buffers()):
                own.copy_(theirs.detach().to(own.device))
        self.n_averaged.add_(1)


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute every BatchNorm's running statistics with one pass over ``loader`` (cumulative averages, as
    PyTorch's: momentum None during the pass)."""
    norms = [m for m in model.modules() if hasattr(m, "running_mean") and hasattr(m, "momentum")]
    if not norms:
        return
    momenta = {}
    for norm in norms:
        norm.running_mean.zero_()
        norm.running_var.fill_(1)
        momenta[norm] = norm.momentum
        norm.momentum = None
        if getattr(norm, "num_batches_tracked", None) is not None:
            norm.num_batches_tracked.zero_()
    was_training = model.training
    model.train()
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for norm, momentum in momenta.items():
        norm.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler, warns_outside_step=False):  # (PyTorch's SWALR does not warn)
    """``torch.optim.swa_utils.SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos')``: each group's
    lr annealed from its value to ``swa_lr`` over ``anneal_epochs`` steps, then held."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        swa_lrs = swa_lr if isinstance(swa_lr, (list, tuple)) else [swa_lr] * len(optimizer.param_groups)
        if len(swa_lrs) != len(optimizer.param_groups):
            raise ValueError(f"swa_lr must have the same length as optimizer.param_groups: swa_lr has "
                             f"{len(swa_lrs)}, optimizer.param_groups has {len(optimizer.param_groups)}")
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_func = self._cosine if anneal_strategy == "cos" else self._linear
        self.anneal_strategy, self.anneal_epochs = anneal_strategy, anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear(t):
        return t

    @staticmethod
    def _cosine(t):
        return (1 - math.cos(math.pi * t)) / 2

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        previous = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        previous_alpha = self.anneal_func(previous)
        previous_lrs = [self._lr_before(group["lr"], group["swa_lr"], previous_alpha)
                        for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, previous_lrs)]

    @staticmethod
    def _lr_before(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def state_dict(self):
        return {k: v for k, v in super().state_dict().items() if k != "anneal_func"}

"""``nn.AdaptiveLogSoftmaxWithLoss``, as PyTorch's: a softmax over many classes made cheap by frequency. The
``head`` scores the most frequent classes (the shortlist, below ``cutoffs[0]``) and one entry per cluster of
rarer classes; each cluster's ``tail`` projects the input down (by ``div_value`` per cluster) and scores its
own classes. A class's log-probability is its head score's, or its cluster's head score plus its score
within the cluster."""
from collections import namedtuple

from . import functional as F
from .containers import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """``torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)``:
    ``forward(input, target)`` gives (each target's log-probability, the mean negative log-likelihood);
    ``log_prob(input)`` every class's, ``predict(input)`` the most likely class."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features, self.n_classes, self.div_value, self.head_bias = in_features, n_classes, div_value, head_bias
        self.cutoffs = cutoffs + [n_classes]
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        options = dict(device=device, dtype=dtype)
        self.head = Linear(in_features, self.head_size, bias=head_bias, **options)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **options),
                                        Linear(hidden, size, bias=False, **options)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for projection in self.tail:
            for layer in projection:
                layer.reset_parameters()

    def forward(self, input, target):  # noqa: A002
        batched = target.ndim == 1
        if target.ndim > 1 or input.ndim != target.ndim + 1 or (batched and input.shape[0] != target.shape[0]):
            raise RuntimeError("Input and target should have the same size in the batch dimension, and the input "
                               "should be 2-D (or 1-D with a 0-D target)")
        if not batched:
            input, target = input.unsqueeze(0), target.unsqueeze(0)  # noqa: A001
        output = input.new_zeros(target.shape[0])
        gather = target.new_zeros(target.shape[0])
        used = 0
        bounds = [0] + self.cutoffs
        for i in range(len(bounds) - 1):
            mask = (target >= bounds[i]) & (target < bounds[i + 1])
            rows = mask.nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            if i == 0:
                gather = gather.index_copy(0, rows, target[mask])
            else:
                scores = F.log_softmax(self.tail[i - 1](input.index_select(0, rows)), dim=1)
                gather = gather.index_fill(0, rows, self.shortlist_size + i - 1)
                local = scores.gather(1, (target[mask] - bounds[i]).unsqueeze(1)).squeeze(1)
                output = output.index_copy(0, rows, local)
            used += rows.numel()
        if used != target.shape[0]:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{target.min().item()}, {target.max().item()}] were found. ")
        head = F.log_softmax(self.head(input), dim=1)
        output = output + head.gather(1, gather.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def log_prob(self, input):  # noqa: A002
        """Every class's log-probability, (N, n_classes) (or (n_classes,) for one input)."""
        from ..ops.shape import cat
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        head = F.log_softmax(self.head(x), dim=1)
        parts = [head[:, :self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            parts.append(F.log_softmax(projection(x), dim=1) + head[:, self.shortlist_size + i].unsqueeze(1))
        out = cat(parts, 1)
        return out if batched else out.squeeze(0)

    def predict(self, input):  # noqa: A002
        """The most likely class of each input, as PyTorch's ``predict``."""
        return self.log_prob(input).argmax(-1)

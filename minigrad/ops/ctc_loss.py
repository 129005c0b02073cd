"""``F.ctc_loss``: the connectionist temporal classification loss, -log of the probability of a target label
sequence summed over every alignment of it (with blanks and repeats) to the input frames.

The forward (alpha) recursion runs in log space over the frames, vectorized over the batch and the extended
target (blank, l1, blank, l2, ..., blank): a position takes the log-sum of itself, its left neighbour and, when it
is a label different from the one two back, that one, plus the frame's log-probability of its symbol. Frames past
a sample's input length leave its alphas as they are. The gradient is autograd's through these steps: the
derivative of the loss with respect to ``log_probs`` (PyTorch's backward returns it plus exp(log_probs), which is
the same gradient once it passes back through a log_softmax, the usual producer of log_probs)."""
import numpy as np

from ..creation import tensor
from ..tensor import Tensor
from .compare import where
from .elementwise import exp, log, maximum
from .loss import _check_reduction
from .rearrange import gather
from .shape import cat

__all__ = ["ctc_loss"]


def _log_add(*terms):
    """log(sum exp(terms)), -inf where every term is -inf, with no NaN in its gradient there."""
    top = terms[0].detach()
    for term in terms[1:]:
        top = maximum(top, term.detach())
    shift = where(top == -np.inf, 0.0, top)
    total = exp(terms[0] - shift)
    for term in terms[1:]:
        total = total + exp(term - shift)
    empty = total == 0
    return where(empty, -np.inf, log(where(empty, 1.0, total)) + shift)


def _as_list(lengths):
    return [int(v) for v in (lengths.cpu().numpy() if isinstance(lengths, Tensor) else np.asarray(lengths))
            .reshape(-1)]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",  # noqa: C901
             zero_infinity=False):
    """``torch.nn.functional.ctc_loss``: log_probs (T, N, C) (or (T, C)), targets (N, S) padded or 1-D
    concatenated, the lengths per sample; ``reduction`` 'mean' divides each loss by its target length first."""
    _check_reduction(reduction)
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    frames, batch, classes = log_probs.shape
    in_lengths, out_lengths = _as_list(input_lengths), _as_list(target_lengths)
    if len(in_lengths) != batch or len(out_lengths) != batch:
        raise RuntimeError(f"ctc_loss: expected {batch} input and target lengths, got {len(in_lengths)} and "
                           f"{len(out_lengths)}")
    if max(in_lengths) > frames:
        raise RuntimeError(f"ctc_loss: Expected input_lengths to have value at most {frames}, but got value "
                           f"{max(in_lengths)}")
    labels = targets.cpu().numpy().astype(np.int64)
    rows, start = [], 0
    for n, length in enumerate(out_lengths):
        if labels.ndim == 2:
            rows.append(labels[n, :length])
        else:
            rows.append(labels[start:start + length])
            start += length
    if any(((r < 0) | (r >= classes)).any() for r in rows):
        raise RuntimeError(f"ctc_loss: a target label lies outside [0, {classes})")
    width = 2 * max(out_lengths + [0]) + 1
    extended = np.full((batch, width), blank, dtype=np.int64)
    skip = np.zeros((batch, width), dtype=bool)
    valid = np.zeros((batch, width), dtype=bool)
    for n, row in enumerate(rows):
        extended[n, 1:2 * len(row):2] = row
        valid[n, :2 * len(row) + 1] = True
        for s in range(3, 2 * len(row), 2):  # a label may skip the blank before it unless it repeats the last
            skip[n, s] = extended[n, s] != extended[n, s - 2]
    device = log_probs.device
    index = tensor(extended, device=device).unsqueeze(0).expand(frames, batch, width)
    emissions = gather(log_probs, 2, index)  # (T, N, width): each position's symbol's log-probability
    valid_t, skip_t = tensor(valid, device=device), tensor(skip, device=device)
    minus_inf = log_probs.new_full((batch, 1), -np.inf)
    first = np.zeros((batch, width), dtype=bool)
    first[:, 0] = True
    first[:, 1] = [len(r) > 0 for r in rows]
    alpha = where(tensor(first, device=device), emissions[0], -np.inf)
    running = np.array(in_lengths)
    for t in range(1, frames):
        if not (running > t).any():
            break
        one_back = cat([minus_inf, alpha[:, :-1]], 1)
        two_back = where(skip_t, cat([minus_inf, minus_inf, alpha[:, :-2]], 1), -np.inf) if width > 2 else None
        terms = (alpha, one_back) if two_back is None else (alpha, one_back, two_back)
        step = where(valid_t, _log_add(*terms) + emissions[t], -np.inf)
        alpha = where(tensor(running > t, device=device).unsqueeze(1), step, alpha)
    last = np.array([2 * len(r) for r in rows])
    ends = gather(alpha, 1, tensor(np.stack([last, np.maximum(last - 1, 0)], 1), device=device))
    second = where(tensor(last >= 1, device=device), ends[:, 1], -np.inf)
    losses = -_log_add(ends[:, 0], second)
    losses = where(tensor(np.array(in_lengths) == 0, device=device), where(tensor(last == 0, device=device), 0.0,
                                                                           np.inf), losses)
    if zero_infinity:
        losses = where(losses == np.inf, 0.0, losses)
    if reduction == "mean":
        divisor = tensor(np.maximum(np.array(out_lengths), 1).astype(np.dtype(losses.dtype)), device=device)
        return (losses / divisor).mean()
    if reduction == "sum":
        return losses.sum()
    return losses[0] if unbatched else losses

"""Random losses against PyTorch in float64: cross_entropy (class indices with weights, ignore_index and label
smoothing, or class probabilities), nll, binary cross-entropies with weight and pos_weight, kl_div, the regression
and margin losses, Poisson and Gaussian NLL; every reduction, extra dims. The loss and the gradients of its inputs
agree to 1e-9. (This generator found nll_loss's NaN gradient when every target is ignored: PyTorch's is zero.)"""

import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results


# cross_entropy (twice as likely), with probability targets, nll, bce, bce with logits, kl_div, smooth_l1, huber,
# mse, l1, multi_margin, multilabel_margin, cosine_embedding, triplet_margin, poisson_nll, gaussian_nll,
# soft_margin, hinge_embedding, multilabel_soft_margin
KINDS = ["ce", "ce", "ce_prob", "nll", "bce", "bcel", "kl", "sl1", "huber", "mse", "l1", "margin", "mlm", "cos",
         "trip", "poisson", "gauss", "smargin", "hinge", "mlsm"]


def _case(seed):
    """(loss kind, N, C, extra dims, reduction, two switches, a margin or smoothing, a seed for the values)."""
    p = random.Random(seed)
    kind = p.choice(KINDS)
    N, C = p.randint(1, 4), p.randint(2, 5)
    extra = tuple(p.randint(1, 3) for _ in range(p.choice([0, 0, 1, 2])))
    red = p.choice(["mean", "sum", "none"])
    return kind, N, C, extra, red, p.random() < 0.5, p.random() < 0.5, p.choice([0.0, 0.1, 0.3]), p.randrange(1 << 30)


def _run(lib, kind, N, C, extra, red, use_w, use_ignore, smooth, seed):
    F = lib.nn.functional
    rng = np.random.default_rng(seed)
    f64 = lib.float64
    x = lib.tensor(rng.standard_normal((N, C) + extra), dtype=f64, requires_grad=True)
    leaves = [x]
    try:
        if kind in ("ce", "nll"):
            t = rng.integers(0, C, (N,) + extra)
            ign = -100
            if use_ignore:
                ign = int(rng.integers(0, C))
            w = lib.tensor(rng.random(C) + 0.1, dtype=f64) if use_w else None
            if kind == "ce":
                out = F.cross_entropy(
                    x, lib.tensor(t), weight=w, ignore_index=ign, reduction=red, label_smoothing=smooth
                )
            else:
                out = F.nll_loss(F.log_softmax(x, 1), lib.tensor(t), weight=w, ignore_index=ign, reduction=red)
        elif kind == "ce_prob":
            t = lib.tensor(
                rng.dirichlet(np.ones(C), (N,) + extra).transpose(
                    (0, len(extra) + 1) + tuple(range(1, len(extra) + 1))
                ),
                dtype=f64,
            )
            w = lib.tensor(rng.random(C) + 0.1, dtype=f64) if use_w else None
            out = F.cross_entropy(x, t, weight=w, reduction=red, label_smoothing=smooth)
        elif kind in ("bce", "bcel"):
            t = lib.tensor(rng.random((N, C) + extra), dtype=f64)
            w = lib.tensor(rng.random((C,) + extra) + 0.1, dtype=f64) if use_w else None
            if kind == "bce":
                out = F.binary_cross_entropy(lib.sigmoid(x), t, weight=w, reduction=red)
            else:
                pw = lib.tensor(rng.random((C,) + extra) + 0.5, dtype=f64) if use_ignore else None
                out = F.binary_cross_entropy_with_logits(x, t, weight=w, reduction=red, pos_weight=pw)
        elif kind == "kl":
            t = lib.tensor(rng.standard_normal((N, C) + extra), dtype=f64)
            out = F.kl_div(
                F.log_softmax(x, 1),
                F.log_softmax(t, 1) if use_w else F.softmax(t, 1),
                reduction=red if red != "mean" else "batchmean",
                log_target=use_w,
            )
        elif kind in ("sl1", "huber", "mse", "l1"):
            t = lib.tensor(rng.standard_normal((N, C) + extra), dtype=f64)
            out = {
                "sl1": lambda: F.smooth_l1_loss(x, t, reduction=red, beta=smooth + 0.5),
                "huber": lambda: F.huber_loss(x, t, reduction=red, delta=smooth + 0.5),
                "mse": lambda: F.mse_loss(x, t, reduction=red),
                "l1": lambda: F.l1_loss(x, t, reduction=red),
            }[kind]()
        elif kind == "margin":
            t = lib.tensor(rng.integers(0, C, N))
            w = lib.tensor(rng.random(C) + 0.1, dtype=f64) if use_w else None
            out = F.multi_margin_loss(
                x.reshape(N, -1)[:, :C], t, p=1 if use_ignore else 2, margin=smooth + 1, weight=w, reduction=red
            )
        elif kind == "mlm":
            t = np.full((N, C), -1)
            for i in range(N):
                k = int(rng.integers(0, C + 1))
                t[i, :k] = rng.permutation(C)[:k]
            out = F.multilabel_margin_loss(x.reshape(N, -1)[:, :C], lib.tensor(t), reduction=red)
        elif kind == "cos":
            y2 = lib.tensor(rng.standard_normal((N, C)), dtype=f64, requires_grad=True)
            leaves.append(y2)
            out = F.cosine_embedding_loss(
                x.reshape(N, -1)[:, :C], y2, lib.tensor(rng.choice([-1, 1], N)), margin=smooth, reduction=red
            )
        elif kind == "trip":
            a2 = lib.tensor(rng.standard_normal((N, C)), dtype=f64)
            n2 = lib.tensor(rng.standard_normal((N, C)), dtype=f64)
            out = F.triplet_margin_loss(
                x.reshape(N, -1)[:, :C], a2, n2, margin=smooth + 0.5, p=2, swap=use_w, reduction=red
            )
        elif kind == "poisson":
            t = lib.tensor(rng.poisson(2.0, (N, C) + extra), dtype=f64)
            out = F.poisson_nll_loss(x, t, log_input=use_w, full=use_ignore, reduction=red)
        elif kind == "gauss":
            t = lib.tensor(rng.standard_normal((N, C) + extra), dtype=f64)
            v = lib.tensor(rng.random((N, C) + extra) + 0.1, dtype=f64, requires_grad=True)
            leaves.append(v)
            out = F.gaussian_nll_loss(x, t, v, full=use_w, reduction=red)
        elif kind == "smargin":
            out = F.soft_margin_loss(x, lib.tensor(rng.choice([-1.0, 1.0], (N, C) + extra), dtype=f64), reduction=red)
        elif kind == "hinge":
            out = F.hinge_embedding_loss(
                x, lib.tensor(rng.choice([-1.0, 1.0], (N, C) + extra), dtype=f64), margin=smooth + 1, reduction=red
            )
        else:
            w = lib.tensor(rng.random(C) + 0.1, dtype=f64) if use_w else None
            out = F.multilabel_soft_margin_loss(
                x.reshape(N, -1)[:, :C], lib.tensor(rng.integers(0, 2, (N, C)), dtype=f64), weight=w, reduction=red
            )
        g = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=f64)
        (out * g).sum().backward()
    except (RuntimeError, ValueError, IndexError) as error:
        return f"{type(error).__name__}: {error}"
    return [out.detach().numpy()] + [l.grad.numpy() if l.grad is not None else None for l in leaves]


@pytest.mark.parametrize("first", range(0, 1000, 500))
def test_random_losses_as_torch(first):
    for seed in range(first, first + 500):
        case = _case(seed)
        theirs = _run(torch, *case)
        if not isinstance(theirs, str):
            assert_same_results(_run(minigrad, *case), theirs, (seed, case), rtol=1e-9, atol=1e-11)

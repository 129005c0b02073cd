"""Random settings of the layers with weights, against PyTorch in float64: RNN, LSTM (proj_size) and GRU layers
(stacked, bidirectional, batch_first), their cells, MultiheadAttention (kdim/vdim, add_bias_kv, add_zero_attn, a
causal mask, per-head weights), GroupNorm, LayerNorm, InstanceNorm2d (running statistics) and
TransformerEncoderLayer (norm_first, relu or gelu). The same random weights on both sides; the output and the
gradients of every input and parameter agree to 1e-8. (This generator found that repeat() gave a read-only view
when nothing was repeated, which broke InstanceNorm2d's running statistics with one channel or one sample, and
GroupNorm's missing check for one value per group.)"""

import random

import numpy as np
import pytest
import torch

import minigrad
from helpers import assert_same_results

KINDS = ["rnn", "lstm", "gru", "mha", "gn", "ln", "inorm", "tel", "cell"]


def _build(lib, kind, pseed):
    """(the module, its inputs' shapes, how to call it down to one tensor), from the seed ``pseed``."""
    p = random.Random(pseed)
    nn = lib.nn
    if kind in ("rnn", "lstm", "gru"):
        I, H, L = p.randint(1, 4), p.randint(1, 4), p.randint(1, 2)
        kw = dict(num_layers=L, bidirectional=p.random() < 0.5, batch_first=p.random() < 0.5, bias=p.random() < 0.8)
        if kind == "lstm" and p.random() < 0.3 and H > 1:
            kw["proj_size"] = p.randint(1, H - 1)
        if kind == "rnn":
            kw["nonlinearity"] = p.choice(["tanh", "relu"])
        m = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](I, H, **kw)
        T, B = p.randint(1, 4), p.randint(1, 3)
        shape = (B, T, I) if kw["batch_first"] else (T, B, I)
        return m, [shape], lambda m, x: m(x)[0]
    if kind == "cell":
        c = p.choice(["RNNCell", "LSTMCell", "GRUCell"])
        I, H = p.randint(1, 4), p.randint(1, 4)
        m = getattr(nn, c)(I, H, bias=p.random() < 0.8)
        B = p.randint(1, 3)
        return m, [(B, I)], (lambda m, x: m(x)[0]) if c == "LSTMCell" else (lambda m, x: m(x))
    if kind == "mha":
        E, heads = p.choice([(4, 1), (4, 2), (6, 3), (8, 2)])
        kw = dict(
            batch_first=p.random() < 0.5,
            bias=p.random() < 0.8,
            add_bias_kv=p.random() < 0.3,
            add_zero_attn=p.random() < 0.3,
        )
        kdim = p.choice([None, 3])
        vdim = p.choice([None, 5])
        m = nn.MultiheadAttention(E, heads, kdim=kdim, vdim=vdim, **kw)
        B, L, S = p.randint(1, 2), p.randint(1, 4), p.randint(1, 4)
        q = (B, L, E) if kw["batch_first"] else (L, B, E)
        k = (B, S, kdim or E) if kw["batch_first"] else (S, B, kdim or E)
        v = (B, S, vdim or E) if kw["batch_first"] else (S, B, vdim or E)
        causal = p.random() < 0.4 and L == S
        avg = p.random() < 0.5

        def fn(m, q, k, v):
            mask = lib.triu(lib.ones(L, S, dtype=lib.bool), 1) if causal else None
            o, w = m(q, k, v, attn_mask=mask, need_weights=True, average_attn_weights=avg)
            return o.sum() + (w * w).sum()

        return m, [q, k, v], fn
    if kind == "gn":
        G = p.choice([1, 2])
        C = G * p.randint(1, 3)
        m = nn.GroupNorm(G, C, affine=p.random() < 0.7)
        return m, [(p.randint(1, 3), C, p.randint(1, 4), p.randint(1, 4))], lambda m, x: m(x)
    if kind == "ln":
        shape = (p.randint(1, 3), p.randint(1, 4), p.randint(2, 4))
        m = nn.LayerNorm(
            shape[-1:] if p.random() < 0.5 else shape[-2:], elementwise_affine=p.random() < 0.7, bias=p.random() < 0.7
        )
        return m, [shape], lambda m, x: m(x)
    if kind == "inorm":
        C = p.randint(1, 3)
        m = nn.InstanceNorm2d(C, affine=p.random() < 0.5, track_running_stats=p.random() < 0.5)
        return m, [(p.randint(1, 3), C, p.randint(2, 4), p.randint(2, 4))], lambda m, x: m(x)
    d, h = p.choice([(4, 2), (6, 3)])
    m = nn.TransformerEncoderLayer(
        d,
        h,
        dim_feedforward=p.randint(2, 8),
        dropout=0.0,
        batch_first=True,
        norm_first=p.random() < 0.5,
        activation=p.choice(["relu", "gelu"]),
    )
    return m, [(p.randint(1, 2), p.randint(1, 4), d)], lambda m, x: m(x)


def _run(lib, kind, pseed, seed):
    rng = np.random.default_rng(seed)
    lib.manual_seed(0)
    m, shapes, fn = _build(lib, kind, pseed)
    m = m.double()
    params = sorted(m.named_parameters())
    init = np.random.default_rng(seed + 1)
    with lib.no_grad():
        for _, prm in params:
            prm.copy_(lib.tensor(init.standard_normal(tuple(prm.shape)) * 0.5, dtype=lib.float64))
    xs = [lib.tensor(rng.standard_normal(s), dtype=lib.float64, requires_grad=True) for s in shapes]
    try:
        out = fn(m, *xs)
        g = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=lib.float64)
        (out * g).sum().backward()
    except (RuntimeError, ValueError, AssertionError) as error:
        return f"{type(error).__name__}: {error}"
    return [out.detach().numpy()] + [None if t.grad is None else t.grad.numpy() for t in xs + [q for _, q in params]]


@pytest.mark.parametrize("first", range(0, 600, 300))
def test_random_modules_as_torch(first):
    for seed in range(first, first + 300):
        kind, settings = random.Random(seed).choice(KINDS), random.Random(seed).randrange(1 << 30) + seed
        theirs = _run(torch, kind, settings, seed)
        if not isinstance(theirs, str):
            assert_same_results(_run(minigrad, kind, settings, seed), theirs, (seed, kind), rtol=1e-8, atol=1e-10)

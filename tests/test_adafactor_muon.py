"""optim.Adafactor and optim.Muon against PyTorch's over several steps in float64 (Muon's Newton-Schulz
iteration, bfloat16 in PyTorch, compared with PyTorch's run in float64, and within bfloat16's precision of
PyTorch's own), their errors, and a saved and reloaded state continuing the same steps."""
import numpy as np
import pytest
import torch
import torch.optim._muon as torch_muon

import minigrad

RNG = np.random.default_rng(0)
W, V, X = RNG.standard_normal((5, 3)), RNG.standard_normal(3), RNG.standard_normal((8, 5))


def _run(library, make, steps=6, with_vector=True):
    w = library.tensor(W, requires_grad=True)
    v = library.tensor(V, requires_grad=True)
    optimizer = make(library, [w, v] if with_vector else [w])
    for _ in range(steps):
        optimizer.zero_grad()
        hidden = library.tensor(X) @ w + (v if with_vector else 0)
        (hidden.tanh() ** 2).sum().backward()
        optimizer.step()
    return w.detach().numpy(), v.detach().numpy(), optimizer


@pytest.mark.parametrize("options", [dict(lr=0.05, weight_decay=0.01),
                                     dict(lr=0.02, beta2_decay=-0.5, eps=(1e-30, 1e-3), d=1.5, maximize=True)])
def test_adafactor_against_torch(options):
    ours = _run(minigrad, lambda lib, p: lib.optim.Adafactor(p, **options))
    theirs = _run(torch, lambda lib, p: lib.optim.Adafactor(p, **options))
    for got, expected in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    state = ours[2].state_dict()["state"]
    assert tuple(state[0]["row_var"].shape) == (5, 1) and tuple(state[0]["col_var"].shape) == (1, 3)
    assert tuple(state[1]["variance"].shape) == (3,)


def _newton_schulz_in_float64(grad, coefficients, steps, eps):
    a, b, c = coefficients
    x = grad.double().T if grad.shape[0] > grad.shape[1] else grad.double()
    x = x / x.norm().clamp(min=eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if grad.shape[0] > grad.shape[1] else x


@pytest.mark.parametrize("options", [dict(lr=0.02), dict(lr=0.05, nesterov=False, weight_decay=0.0,
                                                         adjust_lr_fn="match_rms_adamw", momentum=0.9)])
def test_muon_against_torch(options, monkeypatch):
    ours = _run(minigrad, lambda lib, p: lib.optim.Muon(p, **options), with_vector=False)
    bfloat16 = _run(torch, lambda lib, p: lib.optim.Muon(p, **options), with_vector=False)
    monkeypatch.setattr(torch_muon, "_zeropower_via_newtonschulz", _newton_schulz_in_float64)
    theirs = _run(torch, lambda lib, p: lib.optim.Muon(p, **options), with_vector=False)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14)
    # PyTorch's own run, in bfloat16 (8 bits of mantissa), drifts from both by its rounding
    np.testing.assert_allclose(ours[0], bfloat16[0], atol=0.02 * np.abs(bfloat16[0]).max())


def test_errors_and_state_round_trip():
    with pytest.raises(ValueError, match="2D parameters"):
        minigrad.optim.Muon([minigrad.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="beta2_decay"):
        minigrad.optim.Adafactor([minigrad.zeros(3, requires_grad=True)], beta2_decay=0.5)
    with pytest.raises(ValueError, match="not supported"):
        minigrad.optim.Muon([minigrad.zeros(3, 2, requires_grad=True)], adjust_lr_fn="other")
    # three steps, save, three more, against six straight
    straight = _run(minigrad, lambda lib, p: lib.optim.Adafactor(p, lr=0.05), steps=6)
    w, v, optimizer = _run(minigrad, lambda lib, p: lib.optim.Adafactor(p, lr=0.05), steps=3)
    saved = optimizer.state_dict()
    w2, v2 = minigrad.tensor(w, requires_grad=True), minigrad.tensor(v, requires_grad=True)
    resumed = minigrad.optim.Adafactor([w2, v2], lr=0.05)
    resumed.load_state_dict(saved)
    for _ in range(3):
        resumed.zero_grad()
        ((minigrad.tensor(X) @ w2 + v2).tanh() ** 2).sum().backward()
        resumed.step()
    np.testing.assert_allclose(w2.detach().numpy(), straight[0], rtol=1e-13)

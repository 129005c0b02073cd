"""torch.func's first-order transforms against PyTorch's: vmap (in_dims, out_dims, several outputs), grad and
grad_and_value (argnums, has_aux, dicts of parameters), jacrev/jacfwd, and the per-sample-gradient idiom."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from minigrad.func import functional_call, grad, grad_and_value, jacfwd, jacrev, vmap

RNG = np.random.default_rng(0)


def both(values):
    return minigrad.tensor(values), torch.tensor(values)


def close(ours, theirs):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_vmap_in_dims_out_dims_and_several_outputs():
    (a, ta), (b, tb) = both(RNG.standard_normal((4, 3))), both(RNG.standard_normal((3, 5)))
    close(vmap(minigrad.dot, in_dims=(0, None))(a, b[:, 0]),
          torch.func.vmap(torch.dot, in_dims=(0, None))(ta, tb[:, 0]))
    close(vmap(lambda x: x * 2, in_dims=1, out_dims=1)(b), torch.func.vmap(lambda x: x * 2, in_dims=1, out_dims=1)(tb))
    ours = vmap(lambda x, y: (x.sum(), x * y), in_dims=(0, None))(a, 3.0)
    theirs = torch.func.vmap(lambda x, y: (x.sum(), x * y), in_dims=(0, None))(ta, 3.0)
    close(ours[0], theirs[0])
    close(ours[1], theirs[1])
    assert minigrad.vmap is vmap
    with pytest.raises(ValueError):
        vmap(minigrad.add)(a, b)  # batch sizes 4 and 3


def test_grad_argnums_aux_and_value():
    (x, tx), (w, tw) = both(RNG.standard_normal(5)), both(RNG.standard_normal(5))

    def f(x, w, lib):
        return (lib.sin(x) * w).sum(), x.mean()
    gx = grad(lambda x, w: f(x, w, minigrad)[0])(x, w)
    close(gx, torch.func.grad(lambda x, w: f(x, w, torch)[0])(tx, tw))
    ours = grad(lambda x, w: f(x, w, minigrad), argnums=(0, 1), has_aux=True)(x, w)
    theirs = torch.func.grad(lambda x, w: f(x, w, torch), argnums=(0, 1), has_aux=True)(tx, tw)
    close(ours[0][0], theirs[0][0])
    close(ours[0][1], theirs[0][1])
    close(ours[1], theirs[1])
    (g, value) = grad_and_value(lambda x: (x ** 2).sum())(x)
    (tg, tvalue) = torch.func.grad_and_value(lambda x: (x ** 2).sum())(tx)
    close(g, tg)
    close(value, tvalue)
    assert not x.requires_grad and not g.requires_grad
    with pytest.raises(RuntimeError, match="scalar"):
        grad(lambda x: x * 2)(x)


def test_per_sample_gradients_as_pytorchs_tutorial():
    minigrad.manual_seed(0)
    model = minigrad.nn.Sequential(minigrad.nn.Linear(4, 8), minigrad.nn.Tanh(), minigrad.nn.Linear(8, 3)).double()
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    reference.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in model.state_dict().items()})
    (x, tx), (y, ty) = both(RNG.standard_normal((6, 4))), both(RNG.integers(0, 3, 6))
    params = {k: v.detach() for k, v in model.named_parameters()}
    tparams = {k: v.detach() for k, v in reference.named_parameters()}

    def loss(p, sample, target):
        return F.cross_entropy(functional_call(model, p, (sample.unsqueeze(0),)), target.unsqueeze(0))

    def tloss(p, sample, target):
        out = torch.func.functional_call(reference, p, (sample.unsqueeze(0),))
        return torch.nn.functional.cross_entropy(out, target.unsqueeze(0))
    ours = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    theirs = torch.func.vmap(torch.func.grad(tloss), in_dims=(None, 0, 0))(tparams, tx, ty)
    assert set(ours) == set(theirs)
    for key in ours:
        close(ours[key], theirs[key])


def test_jacrev_and_jacfwd_are_pytorchs_jacobian():
    (x, tx), (m, tm) = both(RNG.standard_normal(3)), both(RNG.standard_normal((2, 3)))
    close(jacrev(lambda v: minigrad.tanh(m @ v))(x), torch.func.jacrev(lambda v: torch.tanh(tm @ v))(tx))
    close(jacfwd(lambda a, v: a @ v, argnums=1)(m, x), torch.func.jacfwd(lambda a, v: a @ v, argnums=1)(tm, tx))

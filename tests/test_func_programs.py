"""torch.autograd.functional and torch.func against PyTorch, by random programs: one of a few functions (of one
or two tensors, scalar or not, one output or two, or ignoring its input) through one of ~60 calls (jacobian,
hessian, vjp, jvp, hvp, vhp with their strict, create_graph, vectorize and strategy options, wrong vectors and
inputs; grad, grad_and_value, jacrev/jacfwd over several argnums, dicts and lists, with aux, vmap and their
compositions). Each program gives the same values, shapes, dtypes and requires_grad as PyTorch's in float64, or
the same error class."""
import random

import numpy as np
import pytest

import minigrad
from helpers import outcomes_in_both

FUNCTIONS = {
    "square": (1, lambda L: lambda x: (x ** 2).sum()),
    "sin": (1, lambda L: lambda x: L.sin(x) * x),
    "tanh2": (2, lambda L: lambda x, y: L.tanh(x) * y),
    "gram": (1, lambda L: lambda x: x @ x.T if x.dim() == 2 else x * x),
    "logsumexp": (1, lambda L: lambda x: L.logsumexp(x, 0)),
    "pair": (2, lambda L: lambda x, y: (x * y, x + y)),
    "cube": (1, lambda L: lambda x: (x ** 3).sum()),
    "softmax": (1, lambda L: lambda x: L.softmax(x, -1)),
    "constant": (1, lambda L: lambda x: L.ones(3, dtype=L.float64)),
}
CALLS = [
    "AF.jacobian(f, xs)", "AF.jacobian(f, xs, create_graph=True)", "AF.jacobian(f, xs, vectorize=True)",
    "AF.jacobian(f, xs, strategy='forward-mode', vectorize=True)", "AF.jacobian(f, xs, strict=True)",
    "AF.hessian(fs, xs)", "AF.vjp(f, xs, v)", "AF.vjp(f, xs)", "AF.jvp(f, xs, vin)", "AF.jvp(f, xs)",
    "AF.hvp(fs, xs, vin)", "AF.vhp(fs, xs, vin)", "AF.vjp(f, xs, v, strict=True)",
    "AF.jacobian(f, xs, strict=True, vectorize=True)", "AF.vjp(f, xs, v, strict=True, create_graph=True)",
    "AF.jvp(f, xs, vin, strict=True)", "AF.hessian(fs, xs, strict=True)", "AF.hvp(fs, xs, vin, strict=True)",
    "AF.vhp(fs, xs, vin, create_graph=True)", "AF.jacobian(f, xs, strategy='forward-mode')",
    "AF.jacobian(f, xs, strategy='forward-mode', vectorize=True, create_graph=True)", "AF.jacobian(f, [xs])",
    "AF.vjp(f, xs, xs)", "AF.jvp(f, xs, v)", "AF.hvp(f, xs, vin)", "AF.vhp(fs, xs)", "AF.jvp(f, xs, (vin, vin))",
    "AF.jacobian(f, xs, strategy='sideways')", "AF.hessian(f, xs)",
    "F.grad(fs)(*xs)", "F.grad(fs, argnums=0)(*xs)", "F.grad_and_value(fs)(*xs)", "F.jacrev(f)(*xs)",
    "F.jacfwd(f)(*xs)", "F.hessian(fs)(*xs)", "F.vjp(f, *xs)[0]", "F.vjp(f, *xs)[1](v)", "F.jvp(f, tuple(xs), vins)",
    "F.vmap(f)(*xs)", "F.vmap(f, in_dims=1)(*xs)", "F.jacrev(f, argnums=(0,))(*xs)", "F.linearize(f, *xs)[0]",
    "F.jacrev(f, argnums=tuple(range(len(xs))))(*xs)", "F.jacrev(lambda *a: (f(*a), a[0].sum()), has_aux=True)(*xs)",
    "F.jacrev(lambda d: f(*d.values()))(dict(zip('ab', xs)))", "F.grad(lambda d: fs(*d))(list(xs))",
    "F.hessian(fs, argnums=tuple(range(len(xs))))(*xs)", "F.vmap(F.grad(fs))(*xs)", "F.vmap(F.vmap(f))(*xs)",
    "F.vmap(f, in_dims=-1)(*xs)", "F.jacrev(F.jacrev(f))(*xs)", "F.grad(F.grad(fs))(*(x.sum() for x in xs))",
]


def _run(library, seed):
    pick = random.Random(seed)
    name, call = pick.choice(sorted(FUNCTIONS)), pick.choice(CALLS)
    rng = np.random.default_rng(seed)
    arity, make = FUNCTIONS[name]
    shape = tuple(pick.randint(1, 3) for _ in range(pick.randint(1, 2)))
    xs = tuple(library.tensor(rng.standard_normal(shape)) for _ in range(arity))
    f = make(library)

    def fs(*args):
        out = f(*args)
        return (out[0] if isinstance(out, tuple) else out).sum()
    out = f(*xs)
    v = tuple(library.tensor(rng.standard_normal(tuple(o.shape))) for o in out) if isinstance(out, tuple) else \
        library.tensor(rng.standard_normal(tuple(out.shape)))
    vins = tuple(library.tensor(rng.standard_normal(shape)) for _ in range(arity))
    scope = dict(AF=library.autograd.functional, F=library.func, f=f, fs=fs, v=v, vins=vins,
                 xs=xs if call.startswith("F.") or arity > 1 else xs[0], vin=vins if arity > 1 else vins[0])
    return call, eval(call, scope)


def _leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return list(value) + [leaf for item in value.values() for leaf in _leaves(item)]
    return [value]


@pytest.mark.parametrize("block", range(6))
def test_functional_programs_match_pytorch(block):
    for seed in range(block * 100, block * 100 + 100):
        expected, got, raised = outcomes_in_both(_run, seed)
        if raised:
            assert type(got).__name__ == type(expected).__name__, (seed, got, expected)
            continue
        call, expected = expected
        got = got[1]
        expected, got = _leaves(expected), _leaves(got)
        assert len(got) == len(expected), (seed, call)
        for have, want in zip(got, expected):
            if isinstance(want, str):
                assert have == want, (seed, call)
                continue
            assert tuple(have.shape) == tuple(want.shape) and str(have.dtype)[-7:] == str(want.dtype)[-7:], (seed, call)
            np.testing.assert_allclose(have.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12,
                                       err_msg=f"{seed}: {call}")
            assert have.requires_grad == want.requires_grad, (seed, call)


def test_messages_as_pytorchs():
    AF = minigrad.autograd.functional
    x = minigrad.ones(2, dtype=minigrad.float64)
    cases = [(lambda: AF.vjp(lambda a: a * 2, x), "The vector v can only be None if the user-provided function "
                                                 "returns a single Tensor with a single element."),
             (lambda: AF.jvp(lambda a: a * 2, x, minigrad.ones(3)), "v has invalid size: should be "),
             (lambda: AF.jacobian(lambda a: minigrad.ones(2), x, strict=True),
              "Output 0 of the user-provided function does not require gradients."),
             (lambda: AF.hessian(lambda a: a * 2, x), "should contain a single element"),
             (lambda: AF.jacobian(lambda a: a, [x]), "must be either a Tensor or a tuple of Tensors"),
             (lambda: AF.jacobian(lambda a: a, x, strategy="forward-mode"), "only implemented for `vectorize=True`")]
    for call, words in cases:
        with pytest.raises((RuntimeError, TypeError, NotImplementedError), match=words.replace("(", r"\(")
                           .replace(")", r"\)").replace("`", ".")):
            call()

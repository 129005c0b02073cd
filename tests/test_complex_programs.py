"""Random programs of 1-5 steps over complex and real tensors (elementwise math, reductions, scans, products,
transforms, casts between complex and real, broadcasting, where, cat, polar, complex) run through both libraries:
the result's values and dtype and both inputs' gradients equal PyTorch's to 1e-9 (complex128 and float64), or
both raise the same error. (``where`` takes one dtype: PyTorch's backward fails for a complex and a real branch.)"""
import random
import warnings

import numpy as np
import pytest
import torch

import minigrad

UNARY = {
    "exp": lambda L, x: (x * 0.3).exp(), "sin": lambda L, x: x.sin(), "cos": lambda L, x: x.cos(),
    "tanh": lambda L, x: (x * 0.3).tanh(), "sigmoid": lambda L, x: x.sigmoid(),
    "sqrt": lambda L, x: (x + 3).sqrt() if x.is_complex() else x.abs().add(1).sqrt(),
    "log": lambda L, x: (x + 3).log() if x.is_complex() else x.abs().add(1).log(),
    "conj": lambda L, x: x.conj(), "neg": lambda L, x: -x, "abs": lambda L, x: x.abs(),
    "angle": lambda L, x: x.angle(), "real": lambda L, x: x.real,
    "imag": lambda L, x: x.imag if x.is_complex() else x, "square": lambda L, x: x.square(),
    "reciprocal": lambda L, x: (x + 4).reciprocal(), "sum0": lambda L, x: x.sum(0, keepdim=True).expand(*x.shape),
    "mean": lambda L, x: x - x.mean(), "cumsum": lambda L, x: x.cumsum(-1),
    "cumprod": lambda L, x: (x * 0.5).cumprod(-1), "flip": lambda L, x: x.flip(0), "t": lambda L, x: x.t(),
    "sgn": lambda L, x: x.sgn() if x.is_complex() else x.sign(),
    "scale": lambda L, x: x * 0.7 + (0.5j if x.is_complex() else 0.5),
    "cplx": lambda L, x: x if x.is_complex() else x.to(L.complex128) * (1 + 0.5j), "pow2": lambda L, x: x ** 2,
    "sum_keep": lambda L, x: x.sum(-1, keepdim=True) * x, "var": lambda L, x: x.var(0, keepdim=True) * x,
    "fft": lambda L, x: L.fft.fft(x, dim=-1), "ifft": lambda L, x: L.fft.ifft(x, dim=0, norm="ortho"),
    "rfft": lambda L, x: L.fft.irfft(L.fft.rfft(x.real if x.is_complex() else x, dim=-1), n=x.shape[-1], dim=-1),
    "expm1": lambda L, x: (x * 0.2).expm1(), "log1p": lambda L, x: (x * 0.1).log1p(),
    "sinh": lambda L, x: (x * 0.5).sinh(), "cosh": lambda L, x: (x * 0.5).cosh(),
    "asinh": lambda L, x: (x * 0.5).asinh(),
}


def _matmul(L, x, y):
    dtype = L.complex128 if x.is_complex() or y.is_complex() else L.float64
    return x.to(dtype) @ y.to(dtype)


def _where(L, x, y):
    other = y.to(x.dtype) if x.is_complex() or not y.is_complex() else y.real  # (one dtype: see the docstring)
    return L.where(y.real > 0 if y.is_complex() else y > 0, x, other)


BINARY = {
    "add": lambda L, x, y: x + y, "sub": lambda L, x, y: x - y[:1], "mul": lambda L, x, y: x * y,
    "div": lambda L, x, y: x / (y + 3), "matmul": _matmul, "where": _where,
    "cat": lambda L, x, y: L.cat([x, y], 0)[: x.shape[0]], "stack_sum": lambda L, x, y: L.stack([x, y]).sum(0),
    "pow": lambda L, x, y: (x + 3) ** (y * 0.2),
    "polar": lambda L, x, y: L.polar(x.abs(), y.real if y.is_complex() else y),
    "complex": lambda L, x, y: L.complex(x.real if x.is_complex() else x, y.imag if y.is_complex() else y),
}


def program(L, x, y, ops):
    for kind, name in ops:
        x = UNARY[name](L, x) if kind == "u" else BINARY[name](L, x, y)
    return x


def _outcome(lib, a, b, ops):
    x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = program(lib, x, y, ops)
            real = lib.view_as_real(out.resolve_conj().contiguous()) if out.is_complex() else out
            weights = np.random.default_rng(2).standard_normal(tuple(real.shape))
            (real * lib.tensor(weights)).sum().backward()
    except Exception as error:  # noqa: BLE001  (the error class and message are what is compared)
        return ("error", type(error).__name__, str(error))
    return ("value", out.detach().resolve_conj().numpy(), str(out.dtype).split(".")[-1],
            [None if t.grad is None else t.grad.resolve_conj().numpy() for t in (x, y)])


@pytest.mark.parametrize("seed", range(3))
def test_random_complex_programs_equal_pytorch(seed):
    rng = random.Random(seed)
    for trial in range(100):
        ops = [("u", rng.choice(sorted(UNARY))) if rng.random() < 0.65 else ("b", rng.choice(sorted(BINARY)))
               for _ in range(rng.randint(1, 5))]
        values = np.random.default_rng(trial)
        a = values.standard_normal((3, 3)) + (1j * values.standard_normal((3, 3)) if rng.random() < 0.7 else 0)
        b = values.standard_normal((3, 3)) + (1j * values.standard_normal((3, 3)) if rng.random() < 0.5 else 0)
        expected, got = _outcome(torch, a, b, ops), _outcome(minigrad, a, b, ops)
        where = f"{ops} on {a.dtype} and {b.dtype}"
        assert got[0] == expected[0], f"{where}: {got[:3]} against {expected[:3]}"
        if got[0] == "error":
            assert got[1:] == expected[1:], where
            continue
        assert got[2] == expected[2] and got[1].shape == expected[1].shape, where
        np.testing.assert_allclose(got[1], expected[1], rtol=1e-9, atol=1e-9, err_msg=where)
        for mine, theirs in zip(got[3], expected[3]):
            assert (mine is None) == (theirs is None), where
            if mine is not None:
                np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-8, err_msg=where)

"""PyTorch's ``out=`` keyword: each call writes its result into ``out`` and returns it, with PyTorch's values,
dtypes (the result cast to out's dtype, creation functions making out's dtype), resizing (and its warning),
refusals (a float result into an integer tensor; out= where a gradient would be recorded), and writes that
views of ``out`` see."""
import warnings

import numpy as np
import pytest
import torch

import minigrad

CALLS = ["L.add(a, b, out=c)", "L.add(a, b, alpha=3, out=c)", "L.matmul(a, b, out=c)", "L.sum(a, 0, out=c[0])",
         "L.exp(a, out=c)", "L.cat([a, b], out=d)", "L.max(a, 0, out=(c[0], L.zeros(2, dtype=L.int64)))",
         "L.clamp(a, 0, 1.5, out=c)", "L.mm(a, b, out=c)", "L.where(a > 1, a, b, out=c)",
         "L.sort(a, 1, out=(L.zeros(2, 2), L.zeros(2, 2, dtype=L.int64)))", "L.stack([a, b], out=L.zeros(2, 2, 2))",
         "L.zeros(3, out=L.ones(3, dtype=L.int64))", "L.arange(3, out=L.zeros(3))", "L.linspace(0, 1, 3, out=L.zeros(3))",
         "L.mul(a, 2, out=c)", "L.abs(-a, out=c)", "L.mean(a, 0, out=c[0])", "L.bmm(a[None], b[None], out=c[None])",
         "L.addmm(c, a, b, out=d[:2])", "L.pow(a, 2, out=c)", "L.argmax(a, 0, out=L.zeros(2, dtype=L.int64))",
         "L.cumsum(a, 0, out=c)", "L.index_select(a, 0, L.tensor([1]), out=L.zeros(1, 2))", "L.norm(a, out=L.zeros(()))",
         "L.maximum(a, b, out=c)", "L.add(a, b, out=L.zeros(3))", "L.add(a, b, out=L.zeros(0))",
         "L.add(a, b, out=L.zeros(2, 2, dtype=L.int64))", "L.add(a.long(), b.long(), out=c)", "L.gt(a, b, out=c)",
         "L.linalg.norm(a, out=L.zeros(()))", "L.special.expit(a, out=c)", "L.add(a.requires_grad_(), b, out=c)",
         "L.mul(a, 2, out=c.requires_grad_())", "L.add(1, 2, out=L.zeros(()))", "L.randn(3, out=L.zeros(3, dtype=L.float64))",
         "L.full((2,), 7, out=L.zeros(2, dtype=L.int32))", "L.sqrt(a[:, 0], out=c[:, 0])", "L.topk(a, 1, out=(c[:, :1], L.zeros(2, 1, dtype=L.int64)))"]


def _run(lib, call):
    lib.manual_seed(0)
    a = lib.tensor([[1.0, 2.0], [3.0, 0.5]])
    b, c, d = a * 2 - 1, lib.zeros(2, 2), lib.zeros(4, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = eval(call, {"L": lib, "a": a, "b": b, "c": c, "d": d})
    values = [result] if isinstance(result, lib.Tensor) else list(result)
    return ([(str(v.dtype).split(".")[-1], v.numpy().tolist()) for v in values], c.numpy().tolist(),
            d.numpy().tolist(), [str(w.message)[:120] for w in caught], result is c or result is d)


@pytest.mark.parametrize("call", CALLS)
def test_out_as_pytorchs(call):
    outcomes = []
    for lib in (torch, minigrad):
        try:
            outcomes.append(_run(lib, call))
        except Exception as error:  # noqa: BLE001 - the class and words are compared
            outcomes.append((type(error).__name__, str(error)))
    assert outcomes[1] == outcomes[0]


def test_out_returns_its_tensors():
    a, out = minigrad.ones(2), minigrad.zeros(2)
    assert minigrad.add(a, 1, out=out) is out and out.tolist() == [2.0, 2.0]
    values, indices = minigrad.zeros(2), minigrad.zeros(2, dtype=minigrad.int64)
    result = minigrad.max(minigrad.eye(2), 1, out=(values, indices))
    assert result.values is values and result.indices is indices

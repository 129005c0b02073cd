"""Rearranging, sorting and vector norms against PyTorch: flip, roll, repeat, unbind, narrow, select, movedim,
tril/triu, gather, index_select, sort/argsort/topk/msort, norm and normalize; values and gradients."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare

M, T = minigrad, torch


@pytest.mark.parametrize("op", [
    lambda x: x.flip(0), lambda x: x.flip((1, -1)), lambda x: x.flip([0, 1, 2]),
    lambda x: x.roll(1, 2), lambda x: x.roll((-2, 5), (0, 1)), lambda x: x.roll(3),
    lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 1, 2), lambda x: x.narrow(2, 1, 2),
    lambda x: x.narrow(-1, -3, 3), lambda x: x.select(1, -1), lambda x: x.movedim(0, -1),
    lambda x: x.movedim((0, 1), (2, 0)), lambda x: x.moveaxis(2, 0), lambda x: x.tril(), lambda x: x.triu(1),
    lambda x: x.tril(-1), lambda x: x[0].fliplr(), lambda x: x[0].flipud()],
    ids=["flip0", "flip-two", "flip-all", "roll", "roll-two", "roll-flat", "repeat", "repeat-new-dim", "narrow",
         "narrow-negative", "select", "movedim", "movedim-two", "moveaxis", "tril", "triu-1", "tril--1", "fliplr",
         "flipud"])
def test_rearranging_equals_torch(op, device):
    compare(op, shapes=[(3, 4, 5)], device=device)


def test_unbind_gives_every_slice_and_their_gradients(device):
    compare(lambda x: x.unbind(1), shapes=[(2, 3, 4)], device=device)
    compare(lambda x: M.unbind(x, -1), shapes=[(2, 3)], torch_fn=lambda x: T.unbind(x, -1), device=device)


def test_gather_and_index_select_add_the_gradients_of_repeated_indices(device):
    index = np.array([[0, 0, 3], [2, 1, 1]], dtype=np.int64)
    compare(lambda x, i: x.gather(1, i), inputs=[np.random.default_rng(0).standard_normal((2, 4), np.float32),
                                                 index], device=device)
    compare(lambda x, i: M.gather(x, 0, i), inputs=[np.random.default_rng(1).standard_normal((3, 3), np.float32),
                                                    index[:, :3] % 3], torch_fn=lambda x, i: T.gather(x, 0, i),
            device=device)
    compare(lambda x, i: x.index_select(1, i), inputs=[np.random.default_rng(2).standard_normal((2, 4, 3),
                                                                                               np.float32),
                                                       np.array([3, 0, 3], dtype=np.int64)], device=device)


def test_rearranging_errors_as_torch():
    x = M.ones(2, 3)
    with pytest.raises(RuntimeError, match="Number of dimensions of repeat dims"):
        x.repeat(2)
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        x.narrow(1, 2, 2)
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        x.roll((1, 2), 0)
    with pytest.raises(RuntimeError, match="Expected dtype int64"):
        x.gather(0, M.tensor([[0.0]]))
    with pytest.raises(IndexError, match="out of range"):
        x.select(0, 2)


VALUES = np.array([[3.0, np.nan, 1.0, 3.0, -2.0, np.inf], [0.5, -np.inf, 0.5, 2.0, -0.0, 7.0]], dtype=np.float32)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_orders_ties_stably_and_nan_as_torch(dim, descending, device):
    out = compare(lambda x: M.sort(x, dim, descending=descending, stable=True), inputs=[VALUES],
                  torch_fn=lambda x: T.sort(x, dim=dim, descending=descending, stable=True), device=device,
                  grad=False)
    theirs = T.sort(T.tensor(VALUES), dim=dim, descending=descending, stable=True).indices.numpy()
    np.testing.assert_array_equal(out[1].cpu().numpy(), theirs)
    theirs = T.argsort(T.tensor(VALUES), dim=dim, descending=descending, stable=True).numpy()
    np.testing.assert_array_equal(M.argsort(M.tensor(VALUES, device=device), dim, descending).cpu().numpy(), theirs)


@pytest.mark.parametrize("largest", [True, False])
def test_topk_values_indices_and_gradient(largest, device):
    rng = np.random.default_rng(3)
    x = rng.permutation(40).reshape(5, 8).astype(np.float32)  # distinct values: one right answer
    out = compare(lambda t: t.topk(3, dim=1, largest=largest), inputs=[x], device=device)
    np.testing.assert_array_equal(out[1].cpu().numpy(), T.tensor(x).topk(3, 1, largest).indices.numpy())
    compare(lambda t: M.topk(t, 2, 0).values, inputs=[x], torch_fn=lambda t: T.topk(t, 2, 0).values, device=device)
    compare(lambda t: M.msort(t), inputs=[x], torch_fn=T.msort, device=device)


def test_sort_of_integers_and_accuracy_at_k():
    labels = M.tensor([[3, 1, 2, 1]])
    assert M.sort(labels, descending=True).values.tolist() == [[3, 2, 1, 1]]
    assert M.sort(labels, descending=True, stable=True).indices.tolist() == [[0, 2, 1, 3]]
    logits, target = M.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), M.tensor([2, 0])
    _, prediction = logits.topk(2, 1, True, True)
    correct = prediction.t().eq(target.view(1, -1).expand_as(prediction.t()))
    assert correct[:1].reshape(-1).float().sum(0).item() == 1 and correct[:2].reshape(-1).float().sum().item() == 2
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        logits.topk(4)


@pytest.mark.parametrize("p,dim", [("fro", None), (2, 1), (1, 0), (float("inf"), 1), (-float("inf"), 0),
                                   (3, 1), (0.5, None), (1.5, 0), (2, (0, 1))])
def test_norm_with_a_zero_row(p, dim, device):
    x = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    x[1] = 0
    x[2, 1] = 0
    compare(lambda t: t.norm(p, dim), inputs=[x], device=device)
    compare(lambda t: M.norm(t, p, dim, keepdim=True), inputs=[x], torch_fn=lambda t: T.norm(t, p, dim, True),
            device=device)


def test_normalize_and_norm_by_central_differences(device):
    compare(lambda t: F.normalize(t), shapes=[(3, 5)], torch_fn=T.nn.functional.normalize, device=device)
    compare(lambda t: F.normalize(t, 1.0, 0), shapes=[(3, 5)], torch_fn=lambda t: T.nn.functional.normalize(t, 1.0, 0),
            device=device)
    x = M.tensor(np.random.default_rng(5).standard_normal((3, 4)), dtype=M.float64, requires_grad=True)
    for p in (2, 3, 1.5, 0.5):
        assert M.gradcheck(lambda t: t.norm(p, 1), (x,))
    assert M.norm(M.tensor([0, 0, 3.0, 4.0]), 0).item() == 2


def test_a_tensors_own_factories_and_facts():
    x = M.ones(2, 3, dtype=M.float64)
    t = T.ones(2, 3, dtype=T.float64)
    for name, args in [("new_zeros", (2, 2)), ("new_ones", ((4,),)), ("new_empty", (3,)), ("new_full", ((2,), 7)),
                       ("new_tensor", ([1, 2],))]:
        ours, theirs = getattr(x, name)(*args), getattr(t, name)(*args)
        assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).split(".")[1]
        if name != "new_empty":
            assert ours.tolist() == theirs.tolist()
    assert x.new_zeros(2, dtype=M.int64).dtype == M.int64
    assert x.type_as(M.tensor([1])).dtype == M.int64
    assert (x.nelement(), x.ndimension(), x.element_size(), x.itemsize, x.nbytes) == (6, 2, 8, 8, 48)
    assert x.stride() == t.stride() and x.t().stride() == t.t().stride() and x.stride(1) == t.stride(1)


def test_storage_facts_and_the_cpu_only_memory_methods():
    x, t = M.arange(12.0).reshape(3, 4), T.arange(12.0).reshape(3, 4)
    for view in (lambda a: a[1:], lambda a: a[:, 2], lambda a: a.t()[1]):
        assert view(x).storage_offset() == view(t).storage_offset()
    assert x.data_ptr() == x[0].data_ptr() and x[1].data_ptr() - x.data_ptr() == 16
    assert str(x.half().dtype) == "float16" and str(x.byte().dtype) == "uint8"
    assert x.pin_memory() is x and not x.is_pinned() and not x.is_shared()
    assert x.share_memory_() is x and x.is_shared()  # (tests/test_shared_memory.py: between processes)
    assert view(x).storage_offset() == view(t).storage_offset() and x.tolist() == t.tolist()


@pytest.mark.parametrize("name,write", [
    ("add_", lambda y: y.add_(1)), ("iadd", lambda y: y.__iadd__(1)), ("relu_", lambda y: y.relu_()),
    ("copy_", lambda y: y.copy_(y.clone() * 0)), ("fill_", lambda y: y.fill_(2)), ("zero_", lambda y: y.zero_()),
    ("row", lambda y: y.__setitem__(0, 5.0)), ("column", lambda y: y.__setitem__((slice(None), 1), 7.0)),
    ("element", lambda y: y.__setitem__((2, 1), 7.0))])
def test_writing_into_an_expanded_tensor_as_pytorch(name, write):
    """An op reading what it overwrites through a broadcast raises PyTorch's error; a fill, or a write whose
    region repeats no location, goes into the memory the expanded tensor shares."""
    results = []
    for lib in (T, M):
        x = lib.ones(1, 4)
        try:
            write(x.expand(3, 4))
            results.append(x.tolist())
        except RuntimeError as error:
            assert "more than one element of the written-to tensor refers to a single memory location" in str(error)
            results.append("raised")
    assert results[0] == results[1], (name, results)

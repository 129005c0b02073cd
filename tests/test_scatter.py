"""Writing at indices against PyTorch: scatter (a tensor, a number, reduce='add'), scatter_add with repeated
places, index_add (alpha), index_fill, index_copy, and the in-place forms (one-hot labels by scatter_), with the
gradients of the input and the source."""
import numpy as np
import pytest
import torch

import minigrad
from helpers import compare

M, T = minigrad, torch
X = np.arange(1.0, 9.0, dtype=np.float32).reshape(2, 4)
SRC = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]], dtype=np.float32)


REPEATED = np.array([[0, 0, 2], [3, 1, 1]], dtype=np.int64)  # the same place twice in a row: adds up
DISTINCT = np.array([[0, 1, 2], [3, 2, 0]], dtype=np.int64)  # a plain scatter writes each place once


@pytest.mark.parametrize("op,index", [
    (lambda x, s, i: x.scatter_add(1, i, s), REPEATED), (lambda x, s, i: x.scatter(1, i, s), DISTINCT),
    (lambda x, s, i: x.scatter(1, i, 2.5), DISTINCT), (lambda x, s, i: x.scatter_add(0, i[:, :2] % 2, s[:, :2]),
                                                         REPEATED)],
    ids=["scatter_add", "scatter", "scatter-value", "scatter_add-dim0"])
def test_scatter_family(op, index, device):
    compare(op, inputs=[X, SRC, index], device=device)


def test_scatter_reduce_add_is_scatter_add():
    ours = M.tensor(X).scatter(1, M.tensor(REPEATED), M.tensor(SRC), reduce="add")
    assert ours.tolist() == T.tensor(X).scatter_add(1, T.tensor(REPEATED), T.tensor(SRC)).tolist()


@pytest.mark.parametrize("make", [lambda lib: lib.tensor(X).scatter(1, lib.tensor(REPEATED), lib.tensor(SRC),
                                                                     reduce="multiply"),
                                  lambda lib: lib.tensor(X).scatter_(0, lib.tensor(REPEATED[:, :2] % 2), 3.0,
                                                                     reduce="multiply")])
def test_scatter_reduce_multiply_as_torch(make):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch calls reduce= deprecated, in favour of scatter_reduce)
        assert make(M).tolist() == make(T).tolist()
    with pytest.raises(RuntimeError, match="either add or multiply"):
        M.tensor(X).scatter(1, M.tensor(REPEATED), M.tensor(SRC), reduce="max")


@pytest.mark.parametrize("op,index", [
    (lambda x, s, i: x.index_add(0, i, s, alpha=2.0), [1, 1]), (lambda x, s, i: x.index_fill(1, i, -1.0), [3, 0]),
    (lambda x, s, i: x.index_copy(0, i, s), [1, 0]), (lambda x, s, i: x.index_add(1, i, s[:, :2]), [2, 2])],
    ids=["index_add-repeated", "index_fill", "index_copy", "index_add-dim1"])
def test_index_family(op, index, device):
    source = np.arange(8.0, dtype=np.float32).reshape(2, 4) * 10
    compare(op, inputs=[X, source, np.array(index, dtype=np.int64)], device=device)


def test_in_place_forms_and_one_hot_labels():
    for lib in (M, T):
        labels = lib.tensor([2, 0, 1])
        one_hot = lib.zeros(3, 4).scatter_(1, labels.unsqueeze(1), 1)
        assert one_hot.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]
    ours, theirs = M.tensor(X.copy()), T.tensor(X.copy())
    ours.index_add_(1, M.tensor([0, 0]), M.ones(2, 2)).index_fill_(0, M.tensor([1]), 7.0)
    theirs.index_add_(1, T.tensor([0, 0]), T.ones(2, 2)).index_fill_(0, T.tensor([1]), 7.0)
    ours.scatter_add_(1, M.tensor([[3, 3]]), M.ones(1, 2))
    theirs.scatter_add_(1, T.tensor([[3, 3]]), T.ones(1, 2))
    assert ours.tolist() == theirs.tolist()
    with pytest.raises(RuntimeError, match="Expected dtype int64 for index"):
        M.zeros(2, 2).scatter(1, M.tensor([[0.0]]), 1.0)

"""Joining, tiling and splitting (ops/combine.py) against PyTorch: values, every gradient, views and errors."""
import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare


def test_broadcast_to_and_broadcast_tensors(device):
    compare(lambda x: x.broadcast_to((2, 3, 4)), shapes=[(3, 1)], device=device)
    compare(lambda a, b: M.broadcast_tensors(a, b), shapes=[(3, 1), (1, 4)],
            torch_fn=lambda a, b: torch.broadcast_tensors(a, b), device=device)
    assert M.broadcast_shapes((3, 1), (1, 4), (2, 1, 1)) == tuple(torch.broadcast_shapes((3, 1), (1, 4), (2, 1, 1)))
    with pytest.raises(RuntimeError):
        M.broadcast_shapes((3,), (4,))


@pytest.mark.parametrize("name", ["hstack", "vstack", "row_stack", "dstack", "column_stack"])
@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 2), (2, 3, 2)]])
def test_stacking_functions(name, shapes, device):
    if name == "column_stack" and len(shapes[0]) == 3:
        shapes = [(2, 3), (2, 1)]
    compare(lambda a, b: getattr(M, name)([a, b]), shapes=shapes,
            torch_fn=lambda a, b: getattr(torch, name)([a, b]), device=device)


def test_atleast_nd():
    for fn in ("atleast_1d", "atleast_2d", "atleast_3d"):
        for shape in [(), (3,), (2, 3), (2, 3, 4)]:
            ours = getattr(M, fn)(M.zeros(shape))
            assert tuple(ours.shape) == tuple(getattr(torch, fn)(torch.zeros(shape)).shape), (fn, shape)
        pair = getattr(M, fn)(M.zeros(()), M.zeros(3))
        assert isinstance(pair, tuple) and len(pair) == 2


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing, device):
    compare(lambda a, b, c: M.meshgrid(a, b, c, indexing=indexing), shapes=[(3,), (2,), (4,)],
            torch_fn=lambda a, b, c: torch.meshgrid(a, b, c, indexing=indexing), device=device)
    compare(lambda a, b: M.meshgrid([a, b], indexing=indexing), shapes=[(3,), (2,)],
            torch_fn=lambda a, b: torch.meshgrid([a, b], indexing=indexing), device=device)


@pytest.mark.parametrize("dims", [(2,), (2, 1), (1, 2, 3), (3, 1, 1, 2)])
def test_tile(dims, device):
    compare(lambda x: x.tile(dims), shapes=[(2, 3)], device=device)
    compare(lambda x: M.tile(x, dims), shapes=[(2, 3)], torch_fn=lambda x: torch.tile(x, dims), device=device)


def test_repeat_interleave(device):
    compare(lambda x: x.repeat_interleave(2), shapes=[(2, 3)], device=device)
    compare(lambda x: x.repeat_interleave(3, dim=1), shapes=[(2, 3)], device=device)
    counts = np.array([1, 0, 2], dtype=np.int64)
    compare(lambda x: M.repeat_interleave(x, M.tensor(counts, device=device), dim=0), shapes=[(3, 2)],
            torch_fn=lambda x: torch.repeat_interleave(x, torch.tensor(counts), dim=0), device=device)
    assert M.repeat_interleave(M.tensor([2, 1, 3])).tolist() == torch.repeat_interleave(torch.tensor([2, 1, 3])).tolist()
    with pytest.raises(RuntimeError):
        M.zeros(3).repeat_interleave(M.tensor([1, 2]), dim=0)


@pytest.mark.parametrize("how", [3, 4, [1, 4], [2, 2, 5], [-1]])
def test_tensor_split(how, device):
    compare(lambda x: x.tensor_split(how, dim=1), shapes=[(2, 7)], device=device)
    compare(lambda x: M.tensor_split(x, how), shapes=[(7, 2)], torch_fn=lambda x: torch.tensor_split(x, how),
            device=device)


def test_hsplit_vsplit_dsplit(device):
    compare(lambda x: x.hsplit(2), shapes=[(2, 4, 2)], device=device)
    compare(lambda x: x.vsplit([1]), shapes=[(2, 4, 2)], device=device)
    compare(lambda x: x.dsplit(2), shapes=[(2, 4, 2)], device=device)
    compare(lambda x: x.hsplit(3), shapes=[(6,)], device=device)
    with pytest.raises(RuntimeError, match="divisible"):
        M.zeros(2, 5).hsplit(2)
    with pytest.raises(RuntimeError):
        M.zeros(4).vsplit(2)


def test_reshaping_names(device):
    compare(lambda x: x.unflatten(1, (2, -1)), shapes=[(3, 6)], device=device)
    compare(lambda x: M.unflatten(x, -1, (3, 2)), shapes=[(3, 6)], torch_fn=lambda x: torch.unflatten(x, -1, (3, 2)),
            device=device)
    compare(lambda x: x.ravel(), shapes=[(3, 4)], device=device)
    compare(lambda x: x.swapaxes(0, 2), shapes=[(2, 3, 4)], device=device)
    compare(lambda x: M.swapdims(x, 1, 0), shapes=[(2, 3)], torch_fn=lambda x: torch.swapdims(x, 1, 0), device=device)


def test_take_and_take_along_dim(device):
    index = np.array([[0, 5], [11, 3]], dtype=np.int64)
    compare(lambda x, i: x.take(i), inputs=[np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5, index],
            device=device)
    order = np.argsort(np.random.default_rng(0).standard_normal((3, 4)), axis=1)
    compare(lambda x, i: M.take_along_dim(x, i, dim=1), inputs=[np.random.default_rng(1).standard_normal((3, 4))
                                                                .astype(np.float32), order],
            torch_fn=lambda x, i: torch.take_along_dim(x, i, dim=1), device=device)
    compare(lambda x, i: x.take_along_dim(i), inputs=[np.ones((2, 3), np.float32), np.array([5, 0], np.int64)],
            device=device)
    broadcast = np.array([[0], [2]], dtype=np.int64)
    compare(lambda x, i: M.take_along_dim(x, i, 0), inputs=[np.ones((3, 4), np.float32), broadcast],
            torch_fn=lambda x, i: torch.take_along_dim(x, i, 0), device=device)


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 5])
@pytest.mark.parametrize("dims", [(0, 1), (1, 0), (1, 2)])
def test_rot90(k, dims, device):
    compare(lambda x: x.rot90(k, dims), shapes=[(2, 3, 4)], device=device)


def test_block_diag_cartesian_prod_combinations(device):
    compare(lambda a, b, c: M.block_diag(a, b, c), shapes=[(2, 3), (1, 1), (3,)],
            torch_fn=lambda a, b, c: torch.block_diag(a, b, c), device=device)
    compare(lambda a, b: M.cartesian_prod(a, b), shapes=[(3,), (2,)],
            torch_fn=lambda a, b: torch.cartesian_prod(a, b), device=device)
    for r, replacement in ((2, False), (3, False), (2, True), (1, False), (5, False)):
        compare(lambda x: M.combinations(x, r, replacement), shapes=[(4,)],
                torch_fn=lambda x: torch.combinations(x, r, replacement), device=device)
    assert M.block_diag(M.ones(1, 1), M.ones(1, 1, dtype=M.float64)).dtype == M.float64


@pytest.mark.parametrize("offset", [0, 1, -2])
def test_diag_embed_and_diagflat(offset, device):
    compare(lambda x: x.diag_embed(offset), shapes=[(2, 3)], device=device)
    compare(lambda x: M.diag_embed(x, offset, 0, 2), shapes=[(2, 3)],
            torch_fn=lambda x: torch.diag_embed(x, offset, 0, 2), device=device)
    compare(lambda x: x.diagflat(offset), shapes=[(2, 2)], device=device)

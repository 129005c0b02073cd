"""Shape ops, indexing, cat, padding, matmul and activations on device 'cuda' against PyTorch (tiny shapes)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from cuda_compare import compare_cuda


@pytest.mark.parametrize("fn", [
    lambda x: x.reshape(6, 4), lambda x: x.view(-1, 4), lambda x: x.flatten(1), lambda x: x.permute(2, 0, 1),
    lambda x: x.transpose(-1, 1), lambda x: x.unsqueeze(1).squeeze(), lambda x: x.permute(1, 0, 2).reshape(3, 8),
    lambda x: x.clone() * 2, lambda x: x[:, 1:].expand(3, 2, 2, 4)],
    ids=["reshape", "view", "flatten", "permute", "transpose", "squeeze", "permute-reshape", "clone",
         "expand"])
def test_reshaping_and_permuting(fn):
    compare_cuda(fn, shapes=[(2, 3, 4)])


@pytest.mark.parametrize("index", [
    0, (1, 2), (slice(None), 1), (Ellipsis, 2), (None, 0), (slice(None, None, 2), slice(1, None, 2)),
    (slice(-3, -1), None, slice(0, 1)), [0, 2, 2], ([0, 2, 2], [1, 1, 4]), (slice(None), [3, 0, 3, 3]),
    ([[0, 1], [1, -1]],)], ids=lambda i: repr(i).replace(" ", ""))
def test_getitem(index):
    compare_cuda(lambda x: x[index], shapes=[(3, 5)])


def test_getitem_with_index_tensors_and_masks():
    rows, cols = np.array([[0, 0], [1, 0]]), np.array([1, 1])
    compare_cuda(lambda x: x[minigrad.tensor(rows, device="cuda"), :, minigrad.tensor(cols, device="cuda")],
                 shapes=[(2, 3, 4)], torch_fn=lambda x: x[torch.tensor(rows), :, torch.tensor(cols)])
    compare_cuda(lambda x: x[x > 0], shapes=[(3, 4)])
    x = minigrad.zeros(3, requires_grad=True, device="cuda")
    x[minigrad.tensor([1, 1, 1, 0], device="cuda")].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 3, 0])  # repeated positions accumulate (atomics)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_stack_split(dim):
    compare_cuda(lambda a, b: minigrad.cat([a, b, a], dim=dim), shapes=[(2, 3, 2)] * 2,
                 torch_fn=lambda a, b: torch.cat([a, b, a], dim=dim))
    compare_cuda(lambda a, b: minigrad.stack([a, b], dim=dim), shapes=[(2, 3)] * 2,
                 torch_fn=lambda a, b: torch.stack([a, b], dim=dim))
    compare_cuda(lambda x: x.split([1, 2], dim=1), shapes=[(2, 3, 2)])


@pytest.mark.parametrize("pad,mode", [((1, 2), "constant"), ((1, -1, 2, 0), "constant"), ((1, 2, 2, 1), "reflect"),
                                      ((2, 1, 1, 1), "replicate")], ids=str)
def test_pad(pad, mode):
    compare_cuda(lambda x: F.pad(x, pad, mode=mode), shapes=[(1, 2, 3, 4)],
                 torch_fn=lambda x: torch.nn.functional.pad(x, pad, mode=mode))


@pytest.mark.parametrize("shapes", [[(3, 4), (4, 5)], [(4,), (4, 3)], [(3, 4), (4,)], [(4,), (4,)],
                                    [(2, 3, 4), (4, 5)], [(2, 3, 4), (2, 4, 5)], [(2, 1, 3, 4), (3, 4, 2)],
                                    [(9, 17), (17, 10)], [(20, 3), (3, 18)]], ids=str)
def test_matmul(shapes):
    """K = 17 spans slabs and a partial one, (20, 3) @ (3, 18) several row and column tiles (16x16x8 tiles in
    the simulator)."""
    compare_cuda(lambda a, b: a @ b, shapes=shapes)


def test_matmul_other_dtypes():
    compare_cuda(lambda a, b: a @ b, inputs=[np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)])
    compare_cuda(lambda a, b: a @ b, inputs=[np.ones((2, 3)), np.ones((3, 2))])


@pytest.mark.parametrize("index,value", [((slice(None), 1), 7.0), ((1, slice(0, 3)), [1.0, 2.0, 3.0]),
                                         (([0, 2, 2],), 5.0), ((slice(None), [4, 0]), [[1.0], [2.0], [3.0]])],
                         ids=str)
def test_setitem(index, value):
    data = np.arange(15, dtype=np.float32).reshape(3, 5)
    x = minigrad.tensor(data, device="cuda")
    x[index] = value if isinstance(value, float) else minigrad.tensor(value)
    data[index] = value
    np.testing.assert_array_equal(x.numpy(), data)

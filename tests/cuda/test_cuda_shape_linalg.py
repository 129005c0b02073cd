"""Indexing with index tensors and masks, matmul and setitem on device 'cuda' against PyTorch (tiny shapes). The
reshaping, expand, getitem, cat/stack, split, pad and matmul tables are the CPU ones (tests/test_shape.py,
test_linalg.py), run on CUDA with MINIGRAD_TEST_DEVICE=cuda (tests/devices.py)."""
import numpy as np
import pytest
import torch

import minigrad
from cuda_compare import compare_cuda


def test_getitem_with_index_tensors_and_masks():
    rows, cols = np.array([[0, 0], [1, 0]]), np.array([1, 1])
    compare_cuda(lambda x: x[minigrad.tensor(rows, device="cuda"), :, minigrad.tensor(cols, device="cuda")],
                 shapes=[(2, 3, 4)], torch_fn=lambda x: x[torch.tensor(rows), :, torch.tensor(cols)])
    compare_cuda(lambda x: x[x > 0], shapes=[(3, 4)])
    x = minigrad.zeros(3, requires_grad=True, device="cuda")
    x[minigrad.tensor([1, 1, 1, 0], device="cuda")].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 3, 0])  # repeated positions accumulate (atomics)


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

"""conv2d and conv_transpose2d on device 'cuda' (im2col + tiled SGEMM + col2im) against PyTorch, tiny shapes.

The sums are short (C_in*kh*kw <= 18 terms), so the float32 default tolerances hold.
"""
import pytest
import torch

import minigrad.nn.functional as F
from cuda_compare import compare_cuda

TF = torch.nn.functional


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding=1), dict(dilation=2, padding=(2, 1)),
                                    dict(), dict(groups=2, padding=1)], ids=str)
def test_conv2d(kwargs):
    weight = (4, 2 // kwargs.get("groups", 1), 3, 3)
    compare_cuda(lambda x, w, b: F.conv2d(x, w, b, **kwargs), shapes=[(2, 2, 5, 5), weight, (4,)],
                 torch_fn=lambda x, w, b: TF.conv2d(x, w, b, **kwargs))


def test_conv2d_pointwise_and_unbatched():
    compare_cuda(lambda x, w: F.conv2d(x, w), shapes=[(2, 3, 3, 4), (2, 3, 1, 1)],
                 torch_fn=lambda x, w: TF.conv2d(x, w))
    compare_cuda(lambda x, w: F.conv2d(x, w, padding=1), shapes=[(2, 4, 4), (3, 2, 3, 3)],
                 torch_fn=lambda x, w: TF.conv2d(x, w, padding=1))


@pytest.mark.parametrize("kwargs", [dict(stride=2), dict(stride=2, padding=1, output_padding=1), dict(padding=1)],
                         ids=str)
def test_conv_transpose2d(kwargs):
    compare_cuda(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs), shapes=[(2, 3, 3, 3), (3, 2, 2, 2), (2,)],
                 torch_fn=lambda x, w, b: TF.conv_transpose2d(x, w, b, **kwargs))

"""BatchNorm2d's running statistics and dtype errors on device 'cuda' against PyTorch (tiny shapes: the simulator is
slow). The convolution, pooling, batch-norm, resizing, activation and cross-entropy case tables are the CPU ones
(tests/test_conv.py, test_pool.py, test_norm.py, test_resize.py, test_activation.py, test_losses.py), run on CUDA
with MINIGRAD_TEST_DEVICE=cuda (tests/devices.py)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F



def _data(shape, seed=0, offset=0.0, spread=1.0):
    return (offset + spread * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


def test_batchnorm_module_running_statistics_on_device():
    mg, th = nn.BatchNorm2d(3, momentum=0.3).to("cuda"), torch.nn.BatchNorm2d(3, momentum=0.3)
    for step in range(2):
        x = _data((2, 3, 4, 3), seed=10 + step, offset=step - 1.5, spread=1.0 + step)
        np.testing.assert_allclose(mg(minigrad.tensor(x, device="cuda")).detach().numpy(),
                                   th(torch.tensor(x)).detach().numpy(), atol=1e-5, rtol=1e-4)
    assert mg.running_mean.device == "cuda"
    np.testing.assert_allclose(mg.running_mean.numpy(), th.running_mean.numpy(), atol=1e-6, rtol=1e-5)
    np.testing.assert_allclose(mg.running_var.numpy(), th.running_var.numpy(), atol=1e-6, rtol=1e-5)
    mg.eval()
    th.eval()
    x = _data((2, 3, 4, 3), seed=99)
    np.testing.assert_allclose(mg(minigrad.tensor(x, device="cuda")).detach().numpy(),
                               th(torch.tensor(x)).detach().numpy(), atol=1e-5, rtol=1e-4)


def test_float64_is_refused_with_a_clear_error():
    x = minigrad.zeros(1, 1, 4, 4, dtype=minigrad.float64, device="cuda")
    with pytest.raises(TypeError, match="float32 only"):
        F.max_pool2d(x, 2)

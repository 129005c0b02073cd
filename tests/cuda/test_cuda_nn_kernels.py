"""Pooling, batch norm and resizing on device 'cuda' against PyTorch (tiny shapes: the simulator is slow)."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from cuda_compare import compare_cuda

TF = torch.nn.functional


def _data(shape, seed=0, offset=0.0, spread=1.0):
    return (offset + spread * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


@pytest.mark.parametrize("args", [(2, 2, 0, 1, False), (3, 2, 1, 1, True), (2, 1, 0, 2, False)], ids=str)
def test_max_pool2d_with_indices(args):
    k, s, p, d, ceil = args
    out = compare_cuda(lambda x: F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True),
                       shapes=[(2, 2, 5, 4)],
                       torch_fn=lambda x: TF.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True))
    assert out[1].dtype == minigrad.int64


def test_max_pool2d_ties_and_nan_follow_torch():
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, np.nan, 2.0], [np.nan, 3.0, 3.0]]]], np.float32)
    out, idx = F.max_pool2d(minigrad.tensor(x, device="cuda"), 2, 1, return_indices=True)
    t_out, t_idx = TF.max_pool2d(torch.tensor(x), 2, 1, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), t_out.numpy())
    np.testing.assert_array_equal(idx.numpy(), t_idx.numpy())


@pytest.mark.parametrize("args", [(2, 2, 0, False, True, None), (3, 2, 1, True, False, None),
                                  (3, 2, 1, False, True, 5)], ids=str)
def test_avg_pool2d(args):
    k, s, p, ceil, include, divisor = args
    compare_cuda(lambda x: F.avg_pool2d(x, k, s, p, ceil, include, divisor), shapes=[(1, 2, 5, 4)],
                 torch_fn=lambda x: TF.avg_pool2d(x, k, s, p, ceil, include, divisor))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (5, 3)], ids=str)
def test_batch_norm_training(shape):
    C = shape[1]
    compare_cuda(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                 inputs=[_data(shape, offset=2.0, spread=3.0), _data((C,), 1), _data((C,), 2)],
                 torch_fn=lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True))
    compare_cuda(lambda x: F.batch_norm(x, None, None, training=True), inputs=[_data(shape)],
                 torch_fn=lambda x: TF.batch_norm(x, None, None, training=True))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_eval_and_fused_relu(training):
    C = 3
    rng = np.random.default_rng(3)
    inputs = [_data((2, C, 4, 3)), _data((C,), 4), rng.uniform(0.5, 2.0, C).astype(np.float32),
              _data((C,), 5), _data((C,), 6)]
    compare_cuda(lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=training), inputs=inputs,
                 requires_grad=[True, False, False, True, True],
                 torch_fn=lambda x, m, v, w, b: TF.batch_norm(x, m.clone(), v.clone(), w, b, training=training))
    compare_cuda(lambda x, m, v, w, b: F.batch_norm_relu(x, m, v, w, b, training=training), inputs=inputs,
                 requires_grad=[True, False, False, True, True],
                 torch_fn=lambda x, m, v, w, b: TF.relu(TF.batch_norm(x, m.clone(), v.clone(), w, b,
                                                                       training=training)))


def test_large_mean_keeps_the_variance_accurate():
    x = _data((2, 2, 8, 8), offset=1000.0, spread=1.0)
    out = F.batch_norm(minigrad.tensor(x, device="cuda"), None, None, training=True).numpy()
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(0, 2, 3), keepdims=True), x64.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, (x64 - mean) / np.sqrt(var + 1e-5), atol=2e-4)


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


@pytest.mark.parametrize("mode,align,size", [("nearest", None, (7, 3)), ("nearest", None, (8, 6)),
                                             ("bilinear", False, (7, 5)), ("bilinear", True, (3, 8))], ids=str)
def test_interpolate(mode, align, size):
    compare_cuda(lambda x: F.interpolate(x, size=size, mode=mode, align_corners=align), shapes=[(1, 2, 4, 3)],
                 torch_fn=lambda x: TF.interpolate(x, size=size, mode=mode, align_corners=align))


def test_interpolate_scale_factor_and_center_crop():
    compare_cuda(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
                 shapes=[(1, 2, 3, 3)],
                 torch_fn=lambda x: TF.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
    compare_cuda(lambda x: F.center_crop(x, (3, 2)), shapes=[(2, 2, 5, 6)],
                 torch_fn=lambda x: x[..., 1:4, 2:4])


def test_float64_is_refused_with_a_clear_error():
    x = minigrad.zeros(1, 1, 4, 4, dtype=minigrad.float64, device="cuda")
    with pytest.raises(TypeError, match="float32 only"):
        F.max_pool2d(x, 2)

"""Fractional max pooling (F.fractional_max_pool2d / 3d, nn.FractionalMaxPool2d / 3d) against PyTorch's with the
same random samples: values, indices, gradients, float32 and float64, unbatched inputs, errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad
import minigrad.nn.functional as F

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", [dict(kernel_size=2, output_size=(5, 4)),
                                    dict(kernel_size=(3, 2), output_ratio=(0.5, 0.6)),
                                    dict(kernel_size=2, output_size=1)])
def test_2d_against_torch(dtype, kwargs):
    x, samples = RNG.standard_normal((2, 3, 11, 9)).astype(dtype), RNG.random((2, 3, 2)).astype(dtype)
    ours, theirs = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    values, indices = F.fractional_max_pool2d(ours, return_indices=True, _random_samples=minigrad.tensor(samples),
                                              **kwargs)
    expected, expected_indices = TF.fractional_max_pool2d(theirs, return_indices=True,
                                                          _random_samples=torch.tensor(samples), **kwargs)
    values.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(values.detach().numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_3d_unbatched_modules_and_errors():
    x, samples = RNG.standard_normal((2, 2, 7, 8, 9)), RNG.random((2, 2, 3))
    values, indices = F.fractional_max_pool3d_with_indices(minigrad.tensor(x), 2, output_size=(3, 4, 5),
                                                           _random_samples=minigrad.tensor(samples))
    expected = TF.fractional_max_pool3d(torch.tensor(x), 2, output_size=(3, 4, 5), return_indices=True,
                                        _random_samples=torch.tensor(samples))
    np.testing.assert_array_equal(values.numpy(), expected[0].numpy())
    np.testing.assert_array_equal(indices.numpy(), expected[1].numpy())
    plane, plane_samples = RNG.standard_normal((3, 11, 9)), RNG.random((1, 3, 2))
    layer = minigrad.nn.FractionalMaxPool2d(2, output_size=4, _random_samples=minigrad.tensor(plane_samples))
    reference = torch.nn.FractionalMaxPool2d(2, output_size=4, _random_samples=torch.tensor(plane_samples))
    np.testing.assert_array_equal(layer(minigrad.tensor(plane)).numpy(), reference(torch.tensor(plane)).numpy())
    assert repr(layer) == repr(reference)
    drawn = minigrad.nn.FractionalMaxPool3d(2, output_ratio=0.5)(minigrad.randn(1, 2, 8, 8, 8))
    assert tuple(drawn.shape) == (1, 2, 4, 4, 4)
    for kwargs in (dict(), dict(output_size=2, output_ratio=0.5), dict(output_ratio=1.5)):
        with pytest.raises(ValueError) as ours:
            minigrad.nn.FractionalMaxPool2d(2, **kwargs)
        with pytest.raises(ValueError) as theirs:
            torch.nn.FractionalMaxPool2d(2, **kwargs)
        assert str(ours.value) == str(theirs.value)

"""nn.CrossMapLRN2d against PyTorch's: outputs and input gradients (PyTorch's own backward recurrence, which is not
its forward's exact derivative), float32 and float64, several sizes and channel counts, the 4-D check, repr."""
import numpy as np
import pytest
import torch

import minigrad

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels,size", [(4, 3), (7, 5), (3, 5), (6, 2), (1, 3)])
def test_outputs_and_gradients_equal_torch(channels, size, dtype):
    x = RNG.standard_normal((2, channels, 3, 3)).astype(dtype)
    weights = RNG.standard_normal((2, channels, 3, 3)).astype(dtype)
    ours, theirs = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    layer = minigrad.nn.CrossMapLRN2d(size, alpha=0.1, beta=0.6, k=2)
    reference = torch.nn.CrossMapLRN2d(size, alpha=0.1, beta=0.6, k=2)
    out, expected = layer(ours), reference(theirs)
    (out * minigrad.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    tolerance = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), **tolerance)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **tolerance)
    assert out.dtype == ours.dtype and ours.grad.dtype == ours.dtype
    assert repr(layer) == repr(reference)


def test_input_must_be_4d():
    with pytest.raises(ValueError) as ours:
        minigrad.nn.CrossMapLRN2d(3)(minigrad.ones(2, 3, 4))
    with pytest.raises(ValueError) as theirs:
        torch.nn.CrossMapLRN2d(3)(torch.ones(2, 3, 4))
    assert str(ours.value) == str(theirs.value)

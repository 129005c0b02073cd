"""torch.fft against PyTorch: 600 random calls of its 18 transforms (shapes, dtypes, n/s, dim, norm), each
comparing the output's values, dtype and shape, the input's gradient, or the error class and message; the
gradients by central differences in float64; the frequency and shift helpers exactly."""
import random
import warnings

import numpy as np
import pytest
import torch

import minigrad

TRANSFORMS = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
              "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn"]
ONE_DIMENSIONAL = {"fft", "ifft", "rfft", "irfft", "hfft", "ihfft"}


def _random_call(rng):
    """A transform, an input array and keyword arguments, valid or not (errors are compared too)."""
    name = rng.choice(TRANSFORMS)
    ndim = rng.randint(1, 3)
    shape = tuple(rng.randint(1, 6) for _ in range(ndim))
    dtype = rng.choice(["float32", "float64", "complex64", "complex128", "int64"])
    values = np.random.default_rng(rng.randint(0, 10 ** 6))
    array = values.standard_normal(shape)
    if dtype.startswith("complex"):
        array = array + 1j * values.standard_normal(shape)
    kwargs = {}
    if name in ONE_DIMENSIONAL:
        if rng.random() < 0.5:
            kwargs["n"] = rng.randint(0, 8)
        if rng.random() < 0.5:
            kwargs["dim"] = rng.randint(-ndim - 1, ndim)
    else:
        if rng.random() < 0.5:
            count = rng.randint(1, ndim + 1)
            kwargs["dim"] = tuple(rng.sample(range(-ndim, ndim), min(count, 2 * ndim)))[:count]
        if rng.random() < 0.4:
            count = len(kwargs["dim"]) if "dim" in kwargs and rng.random() < 0.8 else rng.randint(1, ndim)
            kwargs["s"] = tuple(rng.choice([-1, 1, 2, 3, 4, 5, 7]) for _ in range(count))
    if rng.random() < 0.5:
        kwargs["norm"] = rng.choice(["forward", "backward", "ortho", None])
    return name, (array * 3).astype(dtype), kwargs


def _outcome(lib, name, array, kwargs):
    x = lib.tensor(array, requires_grad=array.dtype.kind in "fc")
    try:
        out = getattr(lib.fft, name)(x, **kwargs)
    except Exception as error:  # noqa: BLE001  (the error class and message are what is compared)
        return ("error", type(error).__name__, str(error))
    gradient = None
    if x.requires_grad:
        weights = np.random.default_rng(1).standard_normal(tuple(out.shape) + ((2,) if out.is_complex() else ()))
        real = lib.view_as_real(out.resolve_conj()) if out.is_complex() else out
        (real * lib.tensor(weights, dtype=real.dtype)).sum().backward()
        gradient = x.grad.resolve_conj().numpy()
    return ("value", out.detach().resolve_conj().numpy(), str(out.dtype).split(".")[-1], gradient)


@pytest.mark.parametrize("seed", range(6))
def test_random_fft_calls_equal_pytorch(seed):
    rng = random.Random(seed)
    for _ in range(100):
        name, array, kwargs = _random_call(rng)
        expected = _outcome(torch, name, array, kwargs)
        got = _outcome(minigrad, name, array, kwargs)
        where = f"{name}{array.shape} {array.dtype} {kwargs}"
        assert got[0] == expected[0], f"{where}: {got} against {expected}"
        if got[0] == "error":
            assert got[1:] == expected[1:], where
            continue
        tolerance = 1e-10 if array.dtype in (np.float64, np.complex128) else 2e-5
        assert got[2] == expected[2], where
        assert got[1].shape == expected[1].shape, where
        np.testing.assert_allclose(got[1], expected[1], rtol=tolerance, atol=tolerance * 10, err_msg=where)
        assert (got[3] is None) == (expected[3] is None), where
        if got[3] is not None:
            assert got[3].dtype == array.dtype, where
            np.testing.assert_allclose(got[3], expected[3], rtol=tolerance, atol=tolerance * 10, err_msg=where)


@pytest.mark.parametrize("call", [
    lambda x: minigrad.fft.fft(x, n=7, norm="ortho"),
    lambda x: minigrad.fft.rfft(x.real, n=6),
    lambda x: minigrad.fft.irfft(x, n=9, norm="forward"),
    lambda x: minigrad.fft.hfft(x, n=6),
    lambda x: minigrad.fft.ihfft(x.real * 2),
    lambda x: minigrad.fft.rfftn(x.real.reshape(2, 3), s=(3, 4)),
    lambda x: minigrad.fft.irfftn(x.reshape(3, 2), norm="ortho"),
])
def test_fft_gradients_by_central_differences(call):
    """The adjoints (and the doubled half-spectrum entries) checked without PyTorch, in float64."""
    rng = np.random.default_rng(2)
    z = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    weights = None

    def loss(values, requires_grad=False):
        nonlocal weights
        x = minigrad.tensor(values, requires_grad=requires_grad)
        out = call(x)
        real = minigrad.view_as_real(out) if out.is_complex() else out
        if weights is None:
            weights = np.random.default_rng(3).standard_normal(tuple(real.shape))
        return (real * minigrad.tensor(weights)).sum(), x

    value, x = loss(z, requires_grad=True)
    value.backward()
    expected = np.zeros_like(z)
    eps = 1e-6
    for i in range(z.size):
        for step in (1, 1j):
            up, down = z.copy(), z.copy()
            up[i] += eps * step
            down[i] -= eps * step
            expected[i] += (float(loss(up)[0]) - float(loss(down)[0])) / (2 * eps) * step
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("expression", [
    "lib.fft.fftfreq(5)", "lib.fft.fftfreq(8, 0.1, dtype=lib.float64)", "lib.fft.fftfreq(1)", "lib.fft.rfftfreq(7, 0.3)",
    "lib.fft.rfftfreq(10)", "lib.fft.fftshift(lib.arange(6))", "lib.fft.ifftshift(lib.arange(7).reshape(7, 1), 0)",
    "lib.fft.fftshift(lib.arange(12).reshape(3, 4), dim=(0, 1))", "lib.fft.ifftshift(lib.arange(12).reshape(3, 4))",
])
def test_frequency_and_shift_helpers_equal_pytorch_exactly(expression):
    expected = eval(expression, {"lib": torch})
    got = eval(expression, {"lib": minigrad})
    assert str(got.dtype) == str(expected.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_spectral_filter_trains_as_in_pytorch():
    """A learnable filter in the frequency domain (rfft, multiply, irfft) fitted by SGD: the same losses."""
    rng = np.random.default_rng(0)
    signal = rng.standard_normal((4, 32))
    target = np.convolve(signal[0], [0.25, 0.5, 0.25], mode="same")
    losses = []
    for lib in (torch, minigrad):
        weight = lib.zeros(17, dtype=lib.float64, requires_grad=True)
        optimizer = lib.optim.SGD([weight], lr=0.5)
        run = []
        for _ in range(5):
            optimizer.zero_grad()
            spectrum = lib.fft.rfft(lib.tensor(signal), norm="ortho")
            filtered = lib.fft.irfft(spectrum * lib.polar(weight.exp(), lib.zeros_like(weight)), n=32, norm="ortho")
            loss = ((filtered[0] - lib.tensor(target)) ** 2).mean()
            loss.backward()
            optimizer.step()
            run.append(float(loss))
        losses.append(run)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-12)
    assert losses[0][-1] < losses[0][0]


def test_fft_of_half_precision_refused_as_pytorch():
    for lib in (torch, minigrad):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError, match="Unsupported dtype Half"):
                lib.fft.fft(lib.ones(4, dtype=lib.float16))

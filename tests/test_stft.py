"""torch.stft and torch.istft against PyTorch: 500 random calls (signal length and batch, dtype, n_fft, hop and
window lengths, a window or none, centre padding and its mode, normalization, one-sided or not, the output form,
then istft with or without a length), comparing values, dtypes and the signal's gradient, or the error class and
message; and a round trip that gives the signal back."""
import random
import warnings

import numpy as np
import pytest
import torch

import minigrad


def _random_call(rng, trial):
    n_fft = rng.choice([4, 5, 8, 16])
    batch = rng.choice([None, 1, 3])
    dtype = rng.choice(["float32", "float64", "complex64", "complex128"])
    settings = {}
    if rng.random() < 0.6:
        settings["hop_length"] = rng.randint(1, n_fft + 1)
    if rng.random() < 0.5:
        settings["win_length"] = rng.randint(1, n_fft + 1)
    if rng.random() < 0.4:
        settings["center"] = rng.random() < 0.5
    if settings.get("center", True) and rng.random() < 0.3:
        settings["pad_mode"] = rng.choice(["reflect", "constant", "replicate", "circular"])
    if rng.random() < 0.3:
        settings["normalized"] = True
    if rng.random() < 0.3:
        settings["onesided"] = rng.random() < 0.5
    settings["return_complex"] = rng.choice([True, True, True, False, None])
    values = np.random.default_rng(trial)
    shape = (rng.randint(2, 40),) if batch is None else (batch, rng.randint(2, 40))
    signal = values.standard_normal(shape)
    if dtype.startswith("complex"):
        signal = signal + 1j * values.standard_normal(shape)
    window = None
    if rng.random() < 0.7:
        window = values.uniform(0.2, 1.0, settings.get("win_length", n_fft))
        window = window.astype("float32" if dtype in ("float32", "complex64") else "float64")
    inverse = None
    if rng.random() < 0.5:
        inverse = {k: settings[k] for k in ("hop_length", "win_length", "center", "normalized", "onesided")
                   if k in settings}
        if rng.random() < 0.4:
            inverse["length"] = rng.randint(1, 50)
        if rng.random() < 0.2:
            inverse["return_complex"] = True
    return n_fft, signal.astype(dtype), window, settings, inverse


def _outcome(lib, n_fft, signal, window, settings, inverse):
    x = lib.tensor(signal, requires_grad=True)
    w = None if window is None else lib.tensor(window)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = lib.stft(x, n_fft, window=w, **settings)
            if inverse is not None:
                out = lib.istft(out if out.is_complex() else lib.view_as_complex(out), n_fft, window=w, **inverse)
    except Exception as error:  # noqa: BLE001  (the error class and message are what is compared)
        return ("error", type(error).__name__, str(error))
    real = lib.view_as_real(out.resolve_conj()) if out.is_complex() else out
    weights = np.random.default_rng(1).standard_normal(tuple(real.shape))
    (real * lib.tensor(weights, dtype=real.dtype)).sum().backward()
    return ("value", out.detach().resolve_conj().numpy(), str(out.dtype).split(".")[-1],
            x.grad.resolve_conj().numpy())


@pytest.mark.parametrize("seed", range(5))
def test_random_stft_and_istft_calls_equal_pytorch(seed):
    rng = random.Random(seed)
    for trial in range(100):
        call = _random_call(rng, trial)
        expected, got = _outcome(torch, *call), _outcome(minigrad, *call)
        where = f"n_fft={call[0]} signal {call[1].shape} {call[1].dtype} {call[3]} inverse {call[4]}"
        assert got[0] == expected[0], f"{where}: {got[:3]} against {expected[:3]}"
        if got[0] == "error":
            assert got[1:] == expected[1:], where
            continue
        tolerance = 1e-10 if call[1].dtype in (np.float64, np.complex128) else 2e-5
        assert got[2] == expected[2] and got[1].shape == expected[1].shape, where
        np.testing.assert_allclose(got[1], expected[1], rtol=tolerance, atol=tolerance * 10, err_msg=where)
        np.testing.assert_allclose(got[3], expected[3], rtol=tolerance, atol=tolerance * 10, err_msg=where)


def test_istft_of_stft_gives_the_signal_back():
    signal = minigrad.tensor(np.random.default_rng(0).standard_normal((2, 300)))
    window = minigrad.hann_window(64, dtype=minigrad.float64)
    spectrum = signal.stft(64, hop_length=16, window=window, return_complex=True)
    assert tuple(spectrum.shape) == (2, 33, 19) and spectrum.dtype == minigrad.complex128
    back = minigrad.istft(spectrum, 64, hop_length=16, window=window, length=300)
    np.testing.assert_allclose(back.numpy(), signal.numpy(), atol=1e-12)

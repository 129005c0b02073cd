"""``torch.stft`` and ``torch.istft``, composed of differentiable ops as PyTorch's SpectralOps composes them.

stft: the signal padded by n_fft // 2 on both sides (``center``, ``pad_mode``), cut into frames of n_fft every
hop_length samples, each multiplied by the window (zero-padded to n_fft, centred) and transformed (``rfft`` for a
real signal and window, else ``fft``; ``normalized`` scales by n_fft^-1/2); the frames become the last dim.
istft: each frame transformed back and windowed, the frames overlap-added, divided by the overlap-added squared
window (which must not vanish), the centre padding trimmed, or the result cut or zero-padded to ``length``.
"""
import warnings

import numpy as np

from ..creation import ones, tensor, zeros
from .shape import cat

__all__ = ["stft", "istft"]

_RECTANGULAR_WARNING = ("A window was not provided. A rectangular window will be applied,which is known to cause "
                        "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                        "recommended to reduce spectral leakage.To suppress this warning and use a rectangular "
                        "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")


def _described(x):
    """A tensor as PyTorch's stft messages print it: ``torch.FloatTensor[2, 38]``, ``CPUComplexFloatType[9, 2]``."""
    from ..tensor import torch_type_name
    name = torch_type_name(x.dtype)
    kind = f"CPU{name}Type" if x.dtype.kind == "c" else f"torch.{name}Tensor"
    return f"{kind}[{', '.join(str(n) for n in x.shape)}]"


def _flag(value):
    return "None" if value is None else str(int(value))


def _signature(op, input, n_fft, hop_length, win_length, window, fields):  # noqa: A002
    """The call as PyTorch's stft and istft errors begin: ``stft(torch.FloatTensor[38], n_fft=8, ...)``."""
    window_text = "None" if window is None else _described(window).replace("[", "{[", 1) + "}"
    rest = ", ".join(f"{name}={text}" for name, text in fields)
    return (f"{op}({_described(input)}, n_fft={n_fft}, hop_length={hop_length}, win_length={win_length}, "
            f"window={window_text}, {rest})")


def _centred(window, n_fft):
    """A window of win_length samples zero-padded on both sides to n_fft (the odd sample on the right)."""
    left = (n_fft - window.shape[0]) // 2
    right = n_fft - window.shape[0] - left
    if not left and not right:
        return window
    return cat([zeros(left, dtype=window.dtype), window, zeros(right, dtype=window.dtype)])


def _overlap_add(frames, hop_length, length):
    """Frames (batch, n_frames, n_fft) summed into (batch, length) signals, frame t starting at t * hop_length:
    PyTorch's unfold_backward."""
    batch, n_frames, n_fft = frames.shape
    places = (np.arange(n_frames)[:, None] * hop_length + np.arange(n_fft)).reshape(-1)
    signal = zeros(batch, length, dtype=frames.dtype)
    return signal.index_add(1, tensor(places), frames.reshape(batch, n_frames * n_fft))


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",  # noqa: A002
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """``torch.stft``: the short-time Fourier transform of a 1-D signal or a batch of them, (batch,) frequencies
    by frames, with PyTorch's defaults (hop n_fft // 4, window length n_fft, a rectangular window with its
    warning), checks and messages."""
    from .. import fft
    from ..nn import functional as F
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if align_to_window:
        raise NotImplementedError("stft: align_to_window=True is not supported by minigrad yet")
    if window is None:
        warnings.warn(_RECTANGULAR_WARNING, UserWarning, stacklevel=2)
    if center:
        pad = n_fft // 2
        shape = tuple(input.shape)
        input = F.pad(input.reshape((1,) * (3 - input.ndim) + shape), [pad, pad], pad_mode)  # noqa: A001
        input = input.reshape(tuple(input.shape[-len(shape):]))  # noqa: A001
    complex_input = input.dtype.kind == "c" or (window is not None and window.dtype.kind == "c")
    if not (return_complex if return_complex is not None else complex_input):
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                               "require that return_complex=True in a future PyTorch release.")
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                      "still call torch.view_as_real on the complex output to recover the old return format.",
                      UserWarning, stacklevel=2)
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    call = _signature("stft", input, n_fft, hop_length, win_length, window, (
        ("normalized", _flag(normalized)), ("onesided", _flag(onesided)), ("return_complex", _flag(return_complex)),
        ("align_to_window", _flag(align_to_window))))
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{call} : expected a 1D or 2D tensor")
    signals = input.unsqueeze(0) if input.ndim == 1 else input
    length = signals.shape[1]
    if not 0 < n_fft <= length:
        # (PyTorch's message prints win_length as the n_fft it got)
        raise RuntimeError(f"{call} : expected 0 < n_fft < {length}, but got n_fft={win_length}")
    if hop_length <= 0:
        raise RuntimeError(f"{call} : expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{call} : expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{call} : expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")
    if window is None and win_length < n_fft:
        window = ones(win_length, dtype=input.dtype)
    frames = signals.unfold(1, n_fft, hop_length)  # (batch, n_frames, n_fft)
    if window is not None:
        frames = frames * _centred(window, n_fft)
    complex_frames = frames.dtype.kind == "c"
    onesided = not complex_frames if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    if complex_frames:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = fft.fft(frames, dim=-1, norm=norm)
    else:
        out = fft.rfft(frames, dim=-1, norm=norm) if onesided else fft.fft(frames, dim=-1, norm=norm)
    out = out.transpose(1, 2)
    if input.ndim == 1:
        out = out.squeeze(0)
    if return_complex is False or (return_complex is None and not complex_input):
        from .complex_numbers import view_as_real
        return view_as_real(out.contiguous())
    return out


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,  # noqa: A002
          onesided=None, length=None, return_complex=False):
    """``torch.istft``: the signal whose ``stft`` is ``input`` (least-squares overlap-add), with PyTorch's checks,
    messages and ``length`` handling."""
    from .. import fft
    if input.dtype.kind != "c":
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    call = _signature("istft", input, n_fft, hop_length, win_length, window, (
        ("center", _flag(center)), ("normalized", _flag(normalized)), ("onesided", _flag(onesided)),
        ("length", "None" if length is None else str(length)), ("return_complex", _flag(return_complex))))
    if input.numel() == 0:
        raise RuntimeError(f"{call} : input tensor cannot be empty")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{call} : expected a tensor with 2 or 3 dimensions of complex dtype, but got "
                           f"{input.ndim}")
    n_frames, fft_size = input.shape[-1], input.shape[-2]
    expected_length = n_fft + hop_length * (n_frames - 1)
    onesided = fft_size != n_fft if onesided is None else onesided
    if onesided and n_fft // 2 + 1 != fft_size:
        raise RuntimeError(f"{call} : expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    if not onesided and n_fft != fft_size:
        raise RuntimeError(f"{call} : expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop_length <= win_length:
        raise RuntimeError(f"{call} : expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{call} : expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{call} : Invalid window shape. window has to be 1D and length of `win_length`")
    from .complex_numbers import real_dtype
    window = _centred(ones(win_length, dtype=real_dtype(input.dtype)) if window is None else window, n_fft)
    spectra = (input.unsqueeze(0) if input.ndim == 2 else input).transpose(1, 2)  # (batch, n_frames, fft_size)
    norm = "ortho" if normalized else "backward"
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = fft.ifft(spectra, dim=-1, norm=norm)
    else:
        if window.dtype.kind == "c":
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spectra = spectra.narrow(-1, 0, n_fft // 2 + 1)
        frames = fft.irfft(spectra, n=n_fft, dim=-1, norm=norm)
    signal = _overlap_add(frames * window, hop_length, expected_length)
    envelope = _overlap_add((window * window).reshape(1, 1, n_fft).expand(1, n_frames, n_fft),
                            hop_length, expected_length)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected_length - n_fft // 2 if center else expected_length)
    kept = min(end, expected_length) - start
    signal, envelope = signal.narrow(1, start, kept), envelope.narrow(1, start, kept)
    if bool((envelope.abs() < 1e-11).any()):
        raise RuntimeError(f"{call} window overlap add min: 1\n[ CPUBoolType{{}} ]")
    signal = signal / envelope
    if input.ndim == 2:
        signal = signal.squeeze(0)
    if end > expected_length:
        warnings.warn("The length of signal is shorter than the length parameter. Result is being padded with zeros "
                      "in the tail. Please check your center and hop_length settings.", UserWarning, stacklevel=2)
        padding = zeros(*signal.shape[:-1], end - expected_length, dtype=signal.dtype)
        signal = cat([signal, padding], -1)
    return signal


METHODS = {"stft": stft, "istft": istft}

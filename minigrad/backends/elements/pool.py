"""Pooling windows along one axis and the max-pool comparison, as PyTorch's (see ``backends/elements``)."""


def max_window(o, stride, padding, dilation, kernel, size):
    """[start, end) of output ``o``'s max-pooling window, clipped to the input: its first tap inside the input
    (taps are ``dilation`` apart) and one past its last possible tap."""
    start = o * stride - padding
    end = min(start + (kernel - 1) * dilation + 1, size)
    while start < 0:
        start += dilation
    return start, end


def replaces_max(v, best):
    """Whether ``v`` becomes the window's maximum, scanning row by row: a larger value, or a NaN (so the first
    maximum wins ties, and the last NaN wins)."""
    return v > best or v != v


def avg_window(oh, ow, sh, sw, ph, pw, kh, kw, H, W, count_include_pad, divisor):
    """Clipped window [h0, h1) x [w0, w1) of an average-pooling output and its divisor, as PyTorch's avg_pool2d:
    the padded window's size, the clipped one's without ``count_include_pad``, or ``divisor`` when not 0."""
    h0 = oh * sh - ph
    w0 = ow * sw - pw
    h1 = min(h0 + kh, H + ph)
    w1 = min(w0 + kw, W + pw)
    pool_size = (h1 - h0) * (w1 - w0)
    h0 = max(h0, 0)
    w0 = max(w0, 0)
    h1 = min(h1, H)
    w1 = min(w1, W)
    if divisor == 0:
        divisor = pool_size if count_include_pad else (h1 - h0) * (w1 - w0)
    return h0, h1, w0, w1, divisor

"""Where a convolution's kernel taps land, along one axis, as PyTorch's geometry (see ``backends/elements``)."""


def tap_source(o, stride, padding, tap, dilation):
    """The input coordinate that kernel tap ``tap`` of output coordinate ``o`` reads; outside [0, size) it reads
    the zero padding."""
    return o * stride - padding + tap * dilation


def tap_target(i, stride, padding, tap, dilation, out_size):
    """The output coordinate whose tap ``tap`` reads input coordinate ``i``, or -1 when none does: the inverse of
    ``tap_source``, which col2im (the transposed convolution) gathers by."""
    t = i + padding - tap * dilation
    if t < 0 or t % stride != 0 or t // stride >= out_size:
        return -1
    return t // stride

"""``torch.nn.CrossMapLRN2d``'s function (the legacy Lua-torch layer): x / (k + alpha/size * S)^beta, S a running
sum of squares over neighbouring channels. Its forward and backward passes are PyTorch's own recurrences, which
do not match each other exactly (the forward's window keeps channel 0 in every sum, the backward's is centred),
so this op reproduces both rather than differentiating its forward pass: outputs and gradients are PyTorch's.
Computed in numpy, channel by channel, on the host."""
import numpy as np

from ..autograd import Function

__all__ = ["cross_map_lrn2d"]


def _scale(x, size, alpha, k):
    channels = x.shape[1]
    squares = x * x
    pre_pad = int((size - 1) / 2 + 1)
    scale = np.empty_like(x)
    scale[:, 0] = squares[:, :min(pre_pad, channels)].sum(1)
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre_pad + 1:
            scale[:, c] += squares[:, c + pre_pad - 1]
        if c > pre_pad:
            scale[:, c] -= squares[:, c - pre_pad]
    return scale * (alpha / size) + k


class CrossMapLRN2d(Function):
    def forward(self, x, size, alpha, beta, k):
        B = self.B
        values = np.array(B.to_numpy(x), copy=True)  # (kept for backward: x may change in place later)
        scale = _scale(values, size, alpha, k)
        output = scale ** -beta * values
        self.arrays = (values, scale, output)
        self.size, self.alpha, self.beta = size, alpha, beta
        return B.from_numpy(output.astype(values.dtype))

    def backward(self, g):
        B = self.B
        values, scale, output = self.arrays
        grad = B.to_numpy(g)
        size, channels = self.size, values.shape[1]
        grad_input = scale ** -self.beta * grad
        padded = np.zeros((values.shape[0], channels + size - 1) + values.shape[2:], values.dtype)
        start = int(size - (size - 1) / 2)
        padded[:, start:start + channels] = grad * output / scale
        accumulated = padded[:, :size - 1].sum(1)
        factor = 2 * self.alpha * self.beta / size
        for c in range(channels):
            accumulated = accumulated + padded[:, c + size - 1]
            grad_input[:, c] -= factor * values[:, c] * accumulated
            accumulated = accumulated - padded[:, c]
        return B.from_numpy(grad_input.astype(values.dtype))


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):  # noqa: A002
    """CrossMapLRN2d's function on (N, C, H, W) input."""
    if input.ndim != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
    return CrossMapLRN2d.apply(input, size=size, alpha=alpha, beta=beta, k=k)

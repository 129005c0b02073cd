"""``torch.nn.utils.fusion``: a convolution (or Linear) followed by a BatchNorm in evaluation mode, folded into
one layer with the same outputs: w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) +
beta."""
import copy

from ...autograd import no_grad
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The folded (weight, bias) as Parameters; the output channel is dim 0 of the weight (dim 1 transposed)."""
    with no_grad():
        if conv_b is None:
            conv_b = bn_rm.new_zeros(tuple(bn_rm.shape))
        if bn_w is None:
            bn_w = bn_rm.new_ones(tuple(bn_rm.shape))
        if bn_b is None:
            bn_b = bn_rm.new_zeros(tuple(bn_rm.shape))
        scale = bn_w * (bn_rv + bn_eps).rsqrt()
        shape = [1] * conv_w.ndim
        shape[1 if transpose else 0] = -1
        weight = (conv_w * scale.reshape(shape)).to(conv_w.dtype)
        bias = ((conv_b - bn_rm) * scale + bn_b).to(conv_w.dtype)
    return Parameter(weight, conv_w.requires_grad), Parameter(bias, conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` with ``bn`` (both in evaluation mode) folded in."""
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The folded (weight, bias) of a Linear followed by a BatchNorm1d."""
    return fuse_conv_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` with ``bn`` (both in evaluation mode) folded in."""
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused

"""``minigrad.nn.functional``: the functional form of every layer and loss, as ``torch.nn.functional``."""
from ..autograd import named_node as _named_node
from ..ops.activation import *  # noqa: F401,F403
from ..ops.conv import *  # noqa: F401,F403
from ..ops.unfold import *  # noqa: F401,F403
from ..ops.pool import *  # noqa: F401,F403
from ..ops.one_dimensional import *  # noqa: F401,F403
from ..ops.pool_more import *  # noqa: F401,F403
from ..ops.fractional_pool import *  # noqa: F401,F403
from ..ops.three_dimensional import *  # noqa: F401,F403
from ..ops.norm import *  # noqa: F401,F403
from ..ops.resize import *  # noqa: F401,F403
from ..ops.loss import *  # noqa: F401,F403
from ..ops.margin_loss import *  # noqa: F401,F403
from ..ops.ctc_loss import ctc_loss  # noqa: F401
from ..ops.composite_activation import *  # noqa: F401,F403
from ..ops.vector_norm import normalize  # noqa: F401
from ..ops.distance import *  # noqa: F401,F403
from ..ops.indexing import embedding, embedding_bag  # noqa: F401
from ..ops.rearrange import pixel_shuffle, pixel_unshuffle  # noqa: F401
from ..ops.attention import scaled_dot_product_attention, multi_head_attention_forward  # noqa: F401
from ..ops.grid_sample import affine_grid, grid_sample  # noqa: F401
from ..ops import shape as _shape


def pad(input, pad, mode="constant", value=0.0):  # noqa: A002
    """``torch.nn.functional.pad``: pad the last dims, pad=(left, right, top, bottom, ...)."""
    return _shape.pad(input, pad, mode=mode, value=value)


def linear(input, weight, bias=None):  # noqa: A002
    """``torch.nn.functional.linear``: input @ weight.T + bias (with PyTorch's addmm message for a dtype
    mismatch when there is a bias)."""
    if bias is not None and input.dtype != weight.dtype:
        from ..tensor import torch_type_name
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {torch_type_name(input.dtype)} and "
                           f"{torch_type_name(weight.dtype)}")
    out = input @ weight.transpose(0, 1)
    if bias is None:
        return out
    return _named_node(out + bias, "AddmmBackward0" if input.ndim == 2 else "ViewBackward0")


def bilinear(input1, input2, weight, bias=None):
    """``torch.nn.functional.bilinear``: y_k = x1ᵀ W_k x2 + b_k for weight (out, in1, in2), batched over the leading
    dims."""
    out_features, in1, in2 = weight.shape
    if input1.shape[-1] != in1 or input2.shape[-1] != in2 or tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear: input1 {list(input1.shape)} and input2 {list(input2.shape)} do not match the "
                           f"weight {list(weight.shape)}")
    projected = input1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)
    out = (projected.reshape(*input1.shape[:-1], out_features, in2) * input2.unsqueeze(-2)).sum(-1)
    return out if bias is None else out + bias


from .dropout import dropout, dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout  # noqa: E402,F401

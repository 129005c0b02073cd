"""Attention, as PyTorch's: ``scaled_dot_product_attention`` and ``multi_head_attention_forward`` (what
``nn.MultiheadAttention`` calls), from matmul, softmax and masks, so their gradients are those ops'. A bool mask
means "may attend" in scaled_dot_product_attention and "masked out" in multi-head attention, as in PyTorch."""
import math
import warnings

import numpy as np

from ..tensor import Tensor, _is_floating
from .activation import softmax
from .compare import where
from .indexing import pad
from .shape import cat


__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _as_additive(mask, dtype, masked_when):
    """A float mask to add to the scores: a bool mask becomes -inf where it equals ``masked_when``, else 0."""
    if mask is None or _is_floating(mask.dtype):
        return mask
    zero = Tensor(0.0, dtype=dtype, device=mask.device)
    return where(mask == masked_when, float("-inf"), zero)


def _check_mask_types(key_padding_mask, attn_mask):
    """PyTorch's checks of the two masks: bool or floating, and a warning when their dtypes differ."""
    for name, mask in (("key_padding_mask", key_padding_mask), ("attn_mask", attn_mask)):
        if mask is not None and mask.dtype != np.dtype(bool) and not _is_floating(mask.dtype):
            raise AssertionError(f"only bool and floating types of {name} are supported")
    if key_padding_mask is not None and attn_mask is not None and key_padding_mask.dtype != attn_mask.dtype:
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for both "
                      "instead.", stacklevel=4)


def _attention_weights(scores, mask, empty_rows_to_zero):
    """softmax(scores + mask) over the last dim. A query whose every place is masked gets NaN weights, as
    PyTorch's explicit softmax gives them, or with ``empty_rows_to_zero`` zeros (PyTorch's fused CPU kernel, used by
    scaled_dot_product_attention), with no NaN in the gradient either."""
    if mask is None:
        return softmax(scores, -1)
    scores = mask + scores
    if not empty_rows_to_zero:
        return softmax(scores, -1)
    hidden = (scores == float("-inf")).all(-1, keepdim=True)
    return where(hidden, 0.0, softmax(where(hidden, 0.0, scores), -1))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """``torch.nn.functional.scaled_dot_product_attention``: softmax(q k^T * scale + mask) v over (..., L, E) and
    (..., S, E) inputs; ``scale`` defaults to 1/sqrt(E), a bool ``attn_mask`` keeps True places, ``is_causal``
    keeps column <= row; a query with every place masked gets zeros (PyTorch's CPU kernel). With ``enable_gqa``
    the key and value heads are repeated to the query's (grouped-query attention)."""
    from ..nn.dropout import dropout
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        # grouped-query attention: each key/value head serves query.heads / key.heads query heads in turn
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if heads % kv_heads or value.shape[-3] != kv_heads:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
        key = key.repeat_interleave(heads // kv_heads, dim=-3)
        value = value.repeat_interleave(heads // kv_heads, dim=-3)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ key.transpose(-2, -1) * factor
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        attn_mask = Tensor(np.tril(np.ones((length, source), dtype=bool)), dtype=np.dtype(bool), device=query.device)
    weights = _attention_weights(scores, _as_additive(attn_mask, scores.dtype, False), empty_rows_to_zero=True)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, dropout_p=0.0, training=True, key_padding_mask=None,
                                 need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False,
                                 q_proj_weight=None, k_proj_weight=None, v_proj_weight=None, bias_k=None, bias_v=None,
                                 add_zero_attn=False):
    """PyTorch's multi-head attention on (L, N, E) query and (S, N, E_k/E_v) key and value (unbatched: without N):
    the projections, the heads' attention with the masks merged (True or -inf masks a place), the output
    projection; returns (output, weights), the weights averaged over heads with ``average_attn_weights``, None
    without ``need_weights``. ``bias_k``/``bias_v`` append a learned key and value, ``add_zero_attn`` a zero one,
    each an extra source place that no mask hides."""
    from ..nn.dropout import dropout
    from ..nn.functional import linear
    _check_mask_types(key_padding_mask, attn_mask)
    batched = query.ndim == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    length, batch, embed = query.shape
    source = key.shape[0]
    head = embed // num_heads
    if head * num_heads != embed:
        raise AssertionError(f"embed_dim {embed} not divisible by num_heads {num_heads}")
    if q_proj_weight is None:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
    q = linear(query, w_q, b_q).reshape(length, batch * num_heads, head).transpose(0, 1)
    k, v = linear(key, w_k, b_k), linear(value, w_v, b_v)
    extra = 0
    if bias_k is not None:
        k = cat([k, bias_k.reshape(1, 1, embed).expand(1, batch, embed)], 0)
        v = cat([v, bias_v.reshape(1, 1, embed).expand(1, batch, embed)], 0)
        extra += 1
    k = k.reshape(source + extra, batch * num_heads, head).transpose(0, 1)
    v = v.reshape(source + extra, batch * num_heads, head).transpose(0, 1)
    if add_zero_attn:
        zeros = k.new_zeros((batch * num_heads, 1, head))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        extra += 1
    if is_causal and attn_mask is None:
        attn_mask = Tensor(np.triu(np.ones((length, source), dtype=bool), 1), dtype=np.dtype(bool),
                           device=query.device)
    mask = _as_additive(attn_mask, q.dtype, True)
    if mask is not None and mask.ndim == 2:
        mask = mask.unsqueeze(0)
    if mask is not None and extra:
        mask = pad(mask, (0, extra))
    if key_padding_mask is not None:
        padding = _as_additive(key_padding_mask, q.dtype, True)
        padding = pad(padding, (0, extra)) if extra else padding
        padding = padding.reshape(batch, 1, 1, source + extra)
        padding = padding.expand(batch, num_heads, 1, source + extra).reshape(batch * num_heads, 1, source + extra)
        mask = padding if mask is None else mask + padding
    source += extra
    scores = (q * math.sqrt(1.0 / head)) @ k.transpose(-2, -1)
    # (without need_weights PyTorch runs scaled_dot_product_attention: a fully masked query gets zeros)
    weights = _attention_weights(scores, mask, empty_rows_to_zero=not need_weights)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    out = (weights @ v).transpose(0, 1).reshape(length * batch, embed)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, embed)
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.reshape(batch, num_heads, length, source)
    if average_attn_weights:
        weights = weights.mean(1)
    return (out, weights) if batched else (out.squeeze(1), weights.squeeze(0))




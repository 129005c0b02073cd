"""Attention against PyTorch: scaled_dot_product_attention (scale, causal, bool and float masks),
MultiheadAttention (batch_first, no bias, other key and value sizes, key padding and attention masks, averaged or
per-head weights, need_weights=False), and the Transformer encoder and decoder (post- and pre-norm, gelu, causal
masks): outputs, weights and every gradient; reprs and state_dict keys."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare

TF = torch.nn.functional
RNG = np.random.default_rng(0)
CAUSAL = np.triu(np.ones((5, 7), bool), 3)


@pytest.mark.parametrize("options", [{}, {"is_causal": True}, {"scale": 0.1},
                                     {"attn_mask": RNG.random((5, 6)) > 0.3},
                                     {"attn_mask": RNG.standard_normal((5, 6)).astype(np.float32)}],
                         ids=["plain", "causal", "scale", "bool-mask", "float-mask"])
def test_scaled_dot_product_attention(options, device):
    mask = options.get("attn_mask")
    rest = {k: v for k, v in options.items() if k != "attn_mask"}
    if mask is None:
        compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **rest), shapes=[(2, 3, 5, 4), (2, 3, 6, 4),
                                                                                        (2, 3, 6, 4)],
                torch_fn=lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, **rest), device=device)
    else:
        compare(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
                inputs=[RNG.standard_normal(s).astype(np.float32) for s in ((2, 5, 4), (2, 6, 4), (2, 6, 4))] + [mask],
                torch_fn=lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, attn_mask=m),
                requires_grad=[True, True, True, False], device=device)


def _modules(text):
    """The module ``text`` names built with each library (``torch.nn.`` inside it is each library's nn too)."""
    theirs = eval("torch.nn." + text)
    ours = eval("minigrad.nn." + text.replace("torch.nn.", "minigrad.nn."))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _check(ours_out, theirs_out, ours_params, theirs_params, inputs, rtol, atol):
    ours_out = [o for o in ours_out if o is not None]
    theirs_out = [t for t in theirs_out if t is not None]
    for o, t in zip(ours_out, theirs_out):
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    weights = [RNG.standard_normal(tuple(t.shape)) for t in theirs_out]
    sum((o * minigrad.tensor(w, dtype=o.dtype)).sum() for o, w in zip(ours_out, weights)).backward()
    sum((t * torch.tensor(w, dtype=t.dtype)).sum() for t, w in zip(theirs_out, weights)).backward()
    for (a, b) in list(zip(ours_params, theirs_params)) + inputs:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("text", ["MultiheadAttention(8, 2)", "MultiheadAttention(8, 2, batch_first=True)",
                                  "MultiheadAttention(8, 4, bias=False)", "MultiheadAttention(8, 2, kdim=6, vdim=5)",
                                  "MultiheadAttention(8, 2, add_bias_kv=True)", "MultiheadAttention(8, 2, add_zero_attn=True)",
                                  "MultiheadAttention(8, 4, add_bias_kv=True, add_zero_attn=True, batch_first=True)"])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_multihead_attention(text, need_weights, average):
    ours, theirs = _modules(text)
    ours, theirs = ours.double(), theirs.double()
    sizes = (8, 6 if "kdim" in text else 8, 5 if "vdim" in text else 8)
    arrays = [RNG.standard_normal((length, 3, size)) for length, size in zip((5, 7, 7), sizes)]
    if "batch_first" in text:
        arrays = [a.transpose(1, 0, 2).copy() for a in arrays]
    padding = np.zeros((3, 7), bool)
    padding[1, 5:] = True
    pairs = [(minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)) for a in arrays]
    options = dict(need_weights=need_weights, average_attn_weights=average)
    ours_out = ours(*(m for m, _ in pairs), key_padding_mask=minigrad.tensor(padding),
                    attn_mask=minigrad.tensor(CAUSAL), **options)
    theirs_out = theirs(*(t for _, t in pairs), key_padding_mask=torch.tensor(padding),
                        attn_mask=torch.tensor(CAUSAL), **options)
    _check(ours_out, theirs_out, ours.parameters(), theirs.parameters(), pairs, 1e-10, 1e-12)


@pytest.mark.parametrize("text", ["TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2)",
                                  "TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, "
                                  "activation='gelu', norm_first=True, batch_first=True), 2)"])
@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_transformer_encoder(text):
    ours, theirs = _modules(text)
    ours, theirs = ours.double(), theirs.double()
    x = RNG.standard_normal((5, 3, 8))
    mask = np.triu(np.ones((5 if "batch_first" not in text else 3,) * 2, bool), 1)
    pair = (minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True))
    _check([ours(pair[0], mask=minigrad.tensor(mask))], [theirs(pair[1], mask=torch.tensor(mask))],
           ours.parameters(), theirs.parameters(), [pair], 1e-10, 1e-12)


def test_transformer_decoder_with_causal_target_and_padded_memory():
    layer = "TransformerDecoderLayer(8, 2, 16, dropout=0.0)"
    ours = minigrad.nn.TransformerDecoder(eval("minigrad.nn." + layer), 2).double()
    theirs = torch.nn.TransformerDecoder(eval("torch.nn." + layer), 2).double()
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    target, memory = RNG.standard_normal((4, 3, 8)), RNG.standard_normal((6, 3, 8))
    causal, padding = np.triu(np.ones((4, 4), bool), 1), np.zeros((3, 6), bool)
    padding[2, 4:] = True
    pairs = [(minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)) for a in (target, memory)]
    ours_out = ours(pairs[0][0], pairs[1][0], tgt_mask=minigrad.tensor(causal),
                    memory_key_padding_mask=minigrad.tensor(padding))
    theirs_out = theirs(pairs[0][1], pairs[1][1], tgt_mask=torch.tensor(causal),
                        memory_key_padding_mask=torch.tensor(padding))
    _check([ours_out], [theirs_out], ours.parameters(), theirs.parameters(), pairs, 1e-10, 1e-12)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_full_transformer(batch_first):
    """nn.Transformer with the causal mask its generate_square_subsequent_mask makes, float64, every gradient."""
    text = f"Transformer(8, 2, 2, 1, 16, dropout=0.0, batch_first={batch_first})"
    ours, theirs = _modules(text)
    ours, theirs = ours.double(), theirs.double()
    source, target = RNG.standard_normal((5, 3, 8)), RNG.standard_normal((4, 3, 8))
    if batch_first:
        source, target = source.transpose(1, 0, 2).copy(), target.transpose(1, 0, 2).copy()
    pairs = [(minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)) for a in (source, target)]
    mask_ours = minigrad.nn.Transformer.generate_square_subsequent_mask(4, dtype=minigrad.float64)
    mask_theirs = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    np.testing.assert_array_equal(mask_ours.numpy(), mask_theirs.numpy())
    ours_out = ours(pairs[0][0], pairs[1][0], tgt_mask=mask_ours)
    theirs_out = theirs(pairs[0][1], pairs[1][1], tgt_mask=mask_theirs)
    _check([ours_out], [theirs_out], ours.parameters(), theirs.parameters(), pairs, 1e-10, 1e-12)
    fresh = minigrad.nn.Transformer(8, 2, 1, 1, 16)
    bound = (6 / (8 + 8)) ** 0.5  # Xavier-uniform for every matrix, as PyTorch's reset
    assert abs(fresh.encoder.layers[0].linear1.weight.detach().numpy()).max() <= (6 / (8 + 16)) ** 0.5
    assert abs(fresh.decoder.layers[0].self_attn.out_proj.weight.detach().numpy()).max() <= bound
    with pytest.raises(RuntimeError):
        ours(minigrad.zeros(5, 3, 8, dtype=minigrad.float64), minigrad.zeros(4, 3, 6, dtype=minigrad.float64))


@pytest.mark.parametrize("need_weights", [True, False])
def test_a_fully_masked_query_as_pytorchs(need_weights):
    """A batch element whose every key is padded: PyTorch's explicit softmax (need_weights) gives NaN, its fused
    kernel (scaled_dot_product_attention, used without need_weights) zeros; minigrad the same, and gradients
    equal PyTorch's for the other elements."""
    x = np.random.default_rng(0).standard_normal((3, 2, 4))
    results, weights = [], None
    for lib in (torch, minigrad):
        lib.manual_seed(0)
        layer = lib.nn.MultiheadAttention(4, 2, dtype=lib.float64)
        if weights is None:
            weights = {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}
        else:
            layer.load_state_dict({k: minigrad.tensor(v) for k, v in weights.items()})
        inputs = lib.tensor(x, requires_grad=True)
        padding = lib.tensor([[True, True, True], [False, True, False]])
        out, _ = layer(inputs, inputs, inputs, key_padding_mask=padding, need_weights=need_weights)
        out[:, 1].sum().backward()
        results.append((out.detach().numpy(), inputs.grad[:, 1].numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-10, atol=1e-12)
    assert np.isnan(results[1][0][:, 0]).all() == need_weights

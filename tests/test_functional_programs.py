"""Random calls of ~70 nn.functional forms the other program tests leave out (1-D and 3-D pooling and
convolutions, transposed convolutions with output_padding and dilation, adaptive and Lp pooling, max_unpool,
fold/unfold, grid_sample through affine_grid in every mode, group/instance/local-response/RMS norms, GLU,
pixel and channel shuffles, scaled_dot_product_attention with masks, causality, scale and grouped-query heads,
embedding_bag in every mode, fractional max pooling, multi_head_attention_forward, distances, the pointwise
activations), in float64, against PyTorch: the outputs and the gradients of a random projection with respect to
every input to 1e-8, or the same error class. Left out, where PyTorch itself fails: native_channel_shuffle's
backward and adaptive_max_pool2d(x, None)."""

import random
import warnings

import numpy as np
import pytest

from helpers import outcomes_in_both


def gen(pick):
    """(call string, list of input shapes, dict of extra int-tensors)"""
    r = pick.randint
    c = pick.choice
    k = c(
        [
            "pool1d",
            "pool3d",
            "conv3d",
            "convT1d",
            "convT3d",
            "adapt",
            "lp",
            "unpool",
            "fold",
            "unfold",
            "grid",
            "gn",
            "inorm",
            "lrn",
            "rms",
            "glu",
            "shuffle",
            "sdpa",
            "ebag",
            "pointwise",
            "prelu",
            "fmp",
            "mha",
            "pdist",
            "cos",
            "norm",
        ]
    )
    if k == "pool1d":
        ks = r(1, 3)
        st = c([None, 1, 2])
        pd = r(0, ks // 2)
        cm = c([False, True])
        f = c(
            [
                f"F.max_pool1d(x, {ks}, {st}, {pd}, dilation={r(1,2)}, ceil_mode={cm})",
                f"F.avg_pool1d(x, {ks}, {st}, {pd}, ceil_mode={cm}, count_include_pad={c([False, True])})",
                f"F.max_pool1d(x, {ks}, {st}, {pd}, return_indices=True)[1].double()",
            ]
        )
        return f, [(r(1, 2), r(1, 3), r(4, 8))]
    if k == "pool3d":
        ks = r(1, 2)
        st = c([None, 1, 2])
        pd = r(0, ks // 2)
        cm = c([False, True])
        f = c(
            [
                f"F.max_pool3d(x, {ks}, {st}, {pd}, ceil_mode={cm})",
                f"F.avg_pool3d(x, {ks}, {st}, {pd}, ceil_mode={cm}, count_include_pad={c([False, True])}, divisor_override={c([None, 3])})",
                f"F.max_pool3d(x, ({ks}, {ks}, 1), {st}, {pd}, dilation={r(1,2)}, return_indices=True)[1].double()",
            ]
        )
        return f, [(r(1, 2), r(1, 2), r(3, 5), r(3, 5), r(3, 5))]
    if k == "conv3d":
        g = c([1, 2])
        cin = g * r(1, 2)
        cout = g * r(1, 2)
        ks = r(1, 2)
        return (
            f"F.conv3d(x, w, b, stride={r(1,2)}, padding={c([0, 1, 'same' if True else 0])}, dilation=1, groups={g})",
            [(1, cin, r(3, 4), r(3, 4), r(3, 4)), (cout, cin // g, ks, ks, ks), (cout,)],
        )
    if k == "convT1d":
        g = c([1, 2])
        cin = g * r(1, 2)
        cout = g * r(1, 2)
        ks = r(1, 3)
        st = r(1, 3)
        dl = r(1, 2)
        op = r(0, max(st, dl) - 1)
        return (
            f"F.conv_transpose1d(x, w, b, stride={st}, padding={r(0, 1)}, output_padding={op}, groups={g}, dilation={dl})",
            [(r(1, 2), cin, r(2, 5)), (cin, cout // g, ks), (cout,)],
        )
    if k == "convT3d":
        g = 1
        cin = r(1, 2)
        cout = r(1, 2)
        ks = r(1, 2)
        st = r(1, 2)
        return (
            f"F.conv_transpose3d(x, w, b, stride={st}, padding={r(0, 1) if ks > 1 else 0}, output_padding={r(0, st - 1)})",
            [(1, cin, r(2, 3), r(2, 3), r(2, 3)), (cin, cout, ks, ks, ks), (cout,)],
        )
    if k == "adapt":
        o = c([1, 2, 3, (2, None)])
        f = c(
            [
                f"F.adaptive_avg_pool1d(x.flatten(2), {o if isinstance(o, int) else 2})",
                f"F.adaptive_max_pool1d(x.flatten(2), {o if isinstance(o, int) else 2}, return_indices=True)[1].double()",
                f"F.adaptive_max_pool2d(x, {o!r}, return_indices=True)[1].double()",
                f"F.adaptive_avg_pool3d(x.unsqueeze(2).expand(-1, -1, 3, -1, -1), {o if isinstance(o, int) else 2})",
                f"F.adaptive_max_pool3d(x.unsqueeze(2), {o if isinstance(o, int) else 1})",
                f"F.adaptive_max_pool2d(x, {o!r})",
            ]
        )
        return f, [(r(1, 2), r(1, 2), r(2, 6), r(2, 6))]
    if k == "lp":
        p = c([1, 2, 3, 1.5])
        ks = r(1, 3)
        f = c(
            [
                f"F.lp_pool1d(x.flatten(2).abs() + 0.1, {p}, {ks}, stride={c([None, 1, 2])}, ceil_mode={c([False, True])})",
                f"F.lp_pool2d(x.abs() + 0.1, {p}, {ks}, stride={c([None, 1])}, ceil_mode={c([False, True])})",
                f"F.lp_pool3d(x.unsqueeze(2).expand(-1, -1, 2, -1, -1).abs() + 0.1, {p}, (1, {ks}, {ks}))",
            ]
        )
        return f, [(r(1, 2), r(1, 2), r(3, 6), r(3, 6))]
    if k == "unpool":
        ks = r(2, 3)
        st = c([None, 1, 2])
        f = c(
            [
                f"F.max_unpool2d(*F.max_pool2d(x, {ks}, {st}, return_indices=True), {ks}, {st})",
                f"F.max_unpool1d(*F.max_pool1d(x.flatten(2), {ks}, {st}, return_indices=True), {ks}, {st})",
                f"F.max_unpool2d(*F.max_pool2d(x, {ks}, {st}, return_indices=True), {ks}, {st}, output_size=(x.shape[2], x.shape[3]))",
                f"F.max_unpool3d(*F.max_pool3d(x.unsqueeze(2).expand(-1, -1, 2, -1, -1).contiguous(), (1, {ks}, {ks}), return_indices=True), (1, {ks}, {ks}))",
            ]
        )
        return f, [(r(1, 2), r(1, 2), r(4, 7), r(4, 7))]
    if k == "fold":
        ks = r(1, 3)
        st = r(1, 2)
        pd = r(0, 1)
        dl = r(1, 2)
        H, W = r(3, 6), r(3, 6)
        bh = (H + 2 * pd - dl * (ks - 1) - 1) // st + 1
        bw = (W + 2 * pd - dl * (ks - 1) - 1) // st + 1
        if bh < 1 or bw < 1:
            return "F.relu(x)", [(2, 3)]
        return f"F.fold(x, ({H}, {W}), {ks}, dilation={dl}, padding={pd}, stride={st})", [
            (r(1, 2), 2 * ks * ks, bh * bw)
        ]
    if k == "unfold":
        ks = r(1, 3)
        return f"F.unfold(x, {ks}, dilation={r(1, 2)}, padding={r(0, 1)}, stride={r(1, 2)})", [
            (r(1, 2), r(1, 2), r(3, 6), r(3, 6))
        ]
    if k == "grid":
        ac = c([False, True])
        mode = c(["bilinear", "nearest", "bicubic"])
        pm = c(["zeros", "border", "reflection"])
        return (
            f"F.grid_sample(x, F.affine_grid(t, (x.shape[0], 1, {r(2, 5)}, {r(2, 5)}), align_corners={ac}), mode='{mode}', padding_mode='{pm}', align_corners={ac})",
            [(2, r(1, 2), r(2, 5), r(2, 5)), (2, 2, 3)],
        )
    if k == "gn":
        g = c([1, 2])
        C = g * r(1, 3)
        return f"F.group_norm(x, {g}, w, b, eps={c([1e-5, 0.1])})", [(r(1, 3), C, r(1, 4)), (C,), (C,)]
    if k == "inorm":
        C = r(1, 3)
        return c(
            [
                "F.instance_norm(x, weight=w, bias=b, use_input_stats=True)",
                "F.instance_norm(x, running_mean=None, running_var=None, eps=0.1)",
            ]
        ), [(r(1, 3), C, r(2, 5)), (C,), (C,)]
    if k == "lrn":
        return (
            f"F.local_response_norm(x, {r(1, 4)}, alpha={c([1e-4, 0.5])}, beta={c([0.75, 1.0])}, k={c([1.0, 2.0])})",
            [(r(1, 2), r(1, 5), r(2, 4), r(2, 4))[: c([3, 4])]],
        )
    if k == "rms":
        return c(["F.rms_norm(x, (x.shape[-1],), w, eps=None)", "F.rms_norm(x, x.shape[-2:], None, eps=1e-3)"]), [
            (r(1, 3), r(1, 3), 3),
            (3,),
        ]
    if k == "glu":
        return f"F.glu(x, {c([-1, 0, 1])})", [(2 * r(1, 2), 2 * r(1, 2), 2)]
    if k == "shuffle":
        return c(
            [
                "F.pixel_shuffle(x, 2)",
                "F.pixel_unshuffle(x.reshape(x.shape[0], -1, 4, 4), 2)",
                "F.channel_shuffle(x, 2)",
            ]
        ), [(r(1, 2), 4, r(1, 3) * 4 // 4 * 2 if False else 2, 2 * r(1, 2))]
    if k == "sdpa":
        L, S, E = r(1, 4), r(1, 4), r(1, 4)
        call = c(
            [
                f"F.scaled_dot_product_attention(q, kk, v, is_causal={c([False, True])}, scale={c([None, 0.5])})",
                "F.scaled_dot_product_attention(q, kk, v, attn_mask=(m > 0))",
                "F.scaled_dot_product_attention(q, kk, v, attn_mask=m)",
                "F.scaled_dot_product_attention(q.repeat(1, 2, 1, 1), kk, v, enable_gqa=True)",
            ]
        )
        return call.replace("kk", "w").replace(" v", " b").replace("(q", "(x").replace("q.", "x.").replace(
            "m)", "t)"
        ).replace("(m ", "(t "), [(2, 1, L, E), (2, 1, S, E), (2, 1, S, r(1, 3)), (L, S)]
    if k == "ebag":
        mode = c(["sum", "mean", "max"])
        return c(
            [
                f"F.embedding_bag(t.long(), x, mode='{mode}')",
                f"F.embedding_bag(t.long().flatten(), x, torch.tensor([0, 2]), mode='{mode}', include_last_offset={c([False, True])})",
                "F.embedding_bag(t.long(), x, mode='sum', per_sample_weights=w)",
                f"F.embedding_bag(t.long(), x, mode='{mode}', padding_idx=0)",
                f"F.embedding_bag(t.long().flatten(), x, torch.tensor([0, 0, 3]), mode='{mode}')",
            ]
        ), [(5, 3), (2, 3), (2, 3)]
    if k == "pointwise":
        return c(
            [
                "F.threshold(x, 0.1, 20.0)",
                "F.hardtanh(x, -0.5, 0.7)",
                "F.softmin(x, 0)",
                "F.celu(x, 0.5)",
                "F.relu6(x * 4)",
                "F.hardsigmoid(x * 3)",
                "F.hardswish(x * 3)",
                "F.softsign(x)",
                "F.tanhshrink(x)",
                "F.hardshrink(x, 0.3)",
                "F.softshrink(x, 0.3)",
                "F.rrelu(x, training=False)",
                "F.gumbel_softmax(x, tau=0.5, hard=False) * 0 + 1",
                "F.one_hot(t.abs().long() % 3).double()",
                "F.mish(x)",
                "F.logsigmoid(x)",
                "F.silu(x)",
                "F.gelu(x, approximate='tanh')",
                "F.elu(x, 0.5)",
                "F.selu(x)",
                "F.leaky_relu(x, 0.2)",
                "F.log_softmax(x, 0)",
                "F.normalize(x, p=1.5, dim=0)",
            ]
        ), [(r(1, 3), r(1, 4)), (r(1, 3), r(1, 4))]
    if k == "prelu":
        C = r(1, 3)
        return c(["F.prelu(x, w)", "F.prelu(x, w[:1])"]), [(2, C, r(1, 3)), (C,)]
    if k == "fmp":
        return c(
            [
                "F.fractional_max_pool2d(x, 2, output_size=(2, 2), _random_samples=t)",
                "F.fractional_max_pool2d(x, 2, output_ratio=0.5, _random_samples=t, return_indices=True)[1].double()",
            ]
        ), [(1, 2, 5, 5), (1, 2, 2)]
    if k == "mha":
        E = 4
        return (
            f"F.multi_head_attention_forward(x, x, x, {E}, 2, w, b, None, None, False, 0.0, w2, b2, training=False, need_weights={c([True, False])}, average_attn_weights={c([True, False])})[0]",
            [(r(1, 3), 2, E), (3 * E, E), (3 * E,), (E, E), (E,)],
        )
    if k == "pdist":
        return c(
            [
                f"F.pdist(x, p={c([1, 2, 3, 0.5])})",
                "F.pairwise_distance(x, w, p=1.5, eps=1e-3, keepdim=True)",
                "F.triplet_margin_with_distance_loss(x, w, b, margin=0.5, swap=True)",
            ]
        ), [(r(2, 4), 3), (r(2, 4), 3), (r(2, 4), 3)]
    if k == "cos":
        return c(["F.cosine_similarity(x, w, dim=-1)", "F.cosine_similarity(x, w[:1], dim=1, eps=0.5)"]), [
            (3, 2),
            (3, 2),
        ]
    return c(
        [
            "F.layer_norm(x, x.shape[-1:], w, b)",
            "F.batch_norm(x, None, None, w, b, training=True)",
            "F.normalize(x, dim=0)",
        ]
    ), [(3, 2), (2,), (2,)]


NAMES = ["x", "w", "b", "t", "w2", "b2"]


def run(lib, seed):
    """One program: (its call, [outputs..., gradients of a random projection with respect to each input])."""
    pick = random.Random(seed)
    call, shapes = gen(pick)
    rng = np.random.default_rng(seed)
    env = {"F": lib.nn.functional, "torch": lib}
    leaves = []
    for name, shape in zip(NAMES, shapes):
        a = rng.standard_normal(shape)
        if "embedding_bag" in call and name == "t":
            a = rng.integers(0, 5, shape)
        if "fractional" in call and name == "t":
            a = rng.random(shape)
        if "affine_grid" in call and name == "t":
            a = np.eye(2, 3)[None].repeat(2, 0) + 0.3 * rng.standard_normal(shape)
        if "attn_mask" in call and name == "t":
            a = rng.standard_normal(shape)
        ten = lib.tensor(a)
        if ten.is_floating_point() and not ("fractional" in call and name == "t"):
            ten.requires_grad_()
        env[name] = ten
        if ten.requires_grad:
            leaves.append(ten)
    lib.manual_seed(seed)
    out = eval(call, env)
    outs = out if isinstance(out, tuple) else (out,)
    grads = []
    if out.requires_grad:
        gs = lib.autograd.grad(
            (out * lib.tensor(rng.standard_normal(tuple(out.shape)))).sum(), leaves, allow_unused=True
        )
        grads = [g if g is not None else lib.zeros(()) for g in gs]
    return call, [o.detach() for o in outs] + grads


@pytest.mark.parametrize("block", range(5))
def test_functional_programs_match_pytorch(block):
    warnings.filterwarnings("ignore")
    for seed in range(block * 100, block * 100 + 100):
        expected, got, raised = outcomes_in_both(run, seed)
        if raised:
            assert type(got).__name__ == type(expected).__name__, (seed, got, expected)
            continue
        call = expected[0]
        assert len(got[1]) == len(expected[1]), (seed, call)
        for have, want in zip(got[1], expected[1]):
            h, w = have.numpy(), want.numpy()
            assert h.shape == w.shape and h.dtype == w.dtype, (seed, call)
            np.testing.assert_allclose(h, w, rtol=1e-8, atol=1e-10, err_msg=f"{seed}: {call}")

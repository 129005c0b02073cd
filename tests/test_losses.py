"""Losses against PyTorch: cross_entropy (every option), nll_loss, BCE with logits, MSE, L1, one_hot, Dice."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from devices import sized
from helpers import compare

TF = torch.nn.functional
REDUCTIONS = ["mean", "sum", "none"]
CE_SHAPES = [(6, 4), (2, 3, 4, 5), (2, 3, 2, 3, 2)]


def _targets(shape, n_class, seed=1, ignore=None):
    """Class ids for logits of ``shape``; about a quarter of them set to ``ignore`` when given."""
    rng = np.random.default_rng(seed)
    target_shape = (shape[0],) + tuple(shape[2:])
    t = rng.integers(0, n_class, target_shape).astype(np.int64)
    if ignore is not None:
        t.reshape(-1)[::4] = ignore
    return t


def _weight(n_class):
    return np.linspace(0.5, 2.0, n_class).astype(np.float32)


# ignore: None (no target ignored), -100 (the default ignore_index, present in the targets),
# or a real class id passed as ignore_index.
@pytest.mark.parametrize("shape", sized([pytest.param(s, id=i) for s, i in zip(CE_SHAPES, ["NC", "NCHW", "NCD1D2D3"])],
                                       simulator=[pytest.param(CE_SHAPES[1], id="NCHW")]))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("ignore", sized([None, -100, 1], simulator=[-100, 1]), ids=lambda i: f"ignore{i or ''}")
@pytest.mark.parametrize("smoothing", [0.0, 0.2], ids=["", "smooth"])
def test_cross_entropy_matches_torch(shape, reduction, weighted, ignore, smoothing, device):
    c = shape[1]
    target = _targets(shape, c, ignore=ignore)
    ignore_index = -100 if ignore is None else ignore
    weight = _weight(c)
    inputs = [np.random.default_rng(0).standard_normal(shape).astype(np.float32) * 3, target, weight]

    def run(lib):
        def fn(x, t, w):
            return lib.cross_entropy(x, t, weight=w if weighted else None, ignore_index=ignore_index,
                                     reduction=reduction, label_smoothing=smoothing)
        return fn

    compare(run(F), inputs=inputs, torch_fn=run(TF), requires_grad=[True, False, False], device=device)


def test_cross_entropy_unbatched_input():
    x = np.random.default_rng(0).standard_normal(5).astype(np.float32)
    for reduction in REDUCTIONS:
        compare(lambda a, t: F.cross_entropy(a, t, reduction=reduction), inputs=[x, np.array(3)],
                torch_fn=lambda a, t: TF.cross_entropy(a, t, reduction=reduction))


@pytest.mark.parametrize("shape", [(70, 3), (4, 5, 64, 64), (3, 4, 1000)])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_adds_losses_in_pytorchs_order(shape, weighted):
    """Logits equal within each pixel make every loss log(C) (times its class weight) in both libraries, bit for
    bit; the mean and the sum then equal PyTorch's only when they are added in its order (nll_loss's cascade of
    partial sums, ignored pixels skipped), not numpy's pairwise order."""
    rng = np.random.default_rng(0)
    logits = np.broadcast_to(rng.standard_normal((shape[0], 1) + shape[2:]), shape).astype(np.float32).copy()
    target = rng.integers(0, shape[1], (shape[0],) + shape[2:])
    target[rng.random(target.shape) < 0.1] = -100
    weight = rng.uniform(0.5, 2.0, shape[1]).astype(np.float32) if weighted else None
    for reduction in ("none", "sum", "mean"):
        ours = F.cross_entropy(minigrad.tensor(logits), minigrad.tensor(target), reduction=reduction,
                               weight=None if weight is None else minigrad.tensor(weight))
        theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target), reduction=reduction,
                                                   weight=None if weight is None else torch.tensor(weight))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=reduction)


def test_cross_entropy_of_two_logits_is_pytorchs_to_the_last_bit():
    """-log_softmax rounded as PyTorch rounds it, log(sum exp(x - max)) - (x_t - max): forming max + log(sum)
    first gave 0.31326175 for logits [1, 2] and target 1, 2 ulps from PyTorch's 0.31326166."""
    ours = F.cross_entropy(minigrad.tensor([[1.0, 2.0]]), minigrad.tensor([1]))
    assert ours.item() == torch.nn.functional.cross_entropy(torch.tensor([[1.0, 2.0]]), torch.tensor([1])).item()


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_huge_logits_are_finite(smoothing):
    rng = np.random.default_rng(0)
    x = (rng.choice([-1.0, 1.0], (4, 5, 3)) * 1e4 + rng.standard_normal((4, 5, 3))).astype(np.float32)
    target = rng.integers(0, 5, (4, 3))
    out, = compare(lambda a, t: F.cross_entropy(a, t, label_smoothing=smoothing), inputs=[x, target],
                   torch_fn=lambda a, t: TF.cross_entropy(a, t, label_smoothing=smoothing))
    assert np.isfinite(out.item()) and out.item() > 1e3  # the loss is genuinely huge, not NaN / inf


def test_cross_entropy_errors():
    x = minigrad.randn(4, 3)
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 3, 2]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.cross_entropy(x, minigrad.tensor([0, -1, 1, 2]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(5\)"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0, 1]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4, 4\], got \[2, 4, 5\]"):
        F.cross_entropy(minigrad.randn(2, 3, 4, 4), minigrad.zeros(2, 4, 5).long())
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0]), reduction="avg")
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 3 classes"):
        F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0]), weight=minigrad.ones(4))


def test_cross_entropy_output_dtype_and_gradient_dtype():
    x = minigrad.randn(3, 4, requires_grad=True)
    loss = F.cross_entropy(x, minigrad.tensor([0, 3, 1]), label_smoothing=0.1)
    loss.backward()
    assert loss.dtype == minigrad.float32 and x.grad.dtype == minigrad.float32


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 2, 3)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_nll_loss_matches_torch(shape, reduction, weighted, ignore_index):
    c = shape[1]
    inputs = [np.random.default_rng(0).standard_normal(shape).astype(np.float32),
              _targets(shape, c, ignore=ignore_index), _weight(c)]

    def run(lib):
        return lambda x, t, w: lib.nll_loss(x, t, weight=w if weighted else None, ignore_index=ignore_index,
                                            reduction=reduction)

    compare(run(F), inputs=inputs, torch_fn=run(TF), requires_grad=[True, False, False])


def test_nll_loss_errors():
    with pytest.raises(IndexError, match="out of bounds"):
        F.nll_loss(minigrad.randn(3, 4), minigrad.tensor([0, 4, 1]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        F.nll_loss(minigrad.randn(3, 4), minigrad.tensor([0, 1]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [None, (4, 3), (3,)], ids=["", "weight", "weight-bcast"])
@pytest.mark.parametrize("pos_weighted", [False, True], ids=["", "pos_weight"])
def test_bce_with_logits_matches_torch(reduction, weight_shape, pos_weighted):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype(np.float32) * 3
    target = rng.uniform(0, 1, (4, 3)).astype(np.float32)
    weight = rng.uniform(0.5, 2, weight_shape or (1,)).astype(np.float32)
    pos_weight = np.array([0.5, 1.0, 3.0], np.float32)  # shape (C,), broadcast over the batch

    def run(lib):
        return lambda a, t, w, pw: lib.binary_cross_entropy_with_logits(
            a, t, weight=w if weight_shape else None, reduction=reduction, pos_weight=pw if pos_weighted else None)

    compare(run(F), inputs=[x, target, weight, pos_weight], torch_fn=run(TF),
            requires_grad=[True, True, False, False])


@pytest.mark.parametrize("pos_weighted", [False, True])
def test_bce_with_logits_extreme_logits(pos_weighted):
    x = np.array([[-100.0, 100.0, 0.0, -30.0, 30.0, -1e4, 1e4]], np.float32)
    target = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.25]], np.float32)
    pos_weight = np.full(7, 2.5, np.float32)

    def run(lib):
        return lambda a, t, pw: lib.binary_cross_entropy_with_logits(a, t, reduction="none",
                                                                     pos_weight=pw if pos_weighted else None)

    out, = compare(run(F), inputs=[x, target, pos_weight], torch_fn=run(TF), requires_grad=[True, False, False])
    assert np.isfinite(out.detach().numpy()).all()


def test_bce_with_logits_shape_error():
    with pytest.raises(ValueError, match=r"Target size .*\[4\].* must be the same as input size .*\[4, 1\]"):
        F.binary_cross_entropy_with_logits(minigrad.randn(4, 1), minigrad.rand(4))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_bce_with_logits_far_logits_bit_for_bit(dtype, pos_weighted):
    """Where sigmoid rounds to 0 or 1 (or is exactly 1/2) PyTorch's formulas give exact values: a float32 logit of
    -20 with target 0 loses 2.06e-9 (not 0), its gradient is 2.06e-9; a logit of 20 with target 1 has gradient 0;
    infinities give PyTorch's NaN pattern. Values and both gradients equal PyTorch's bit for bit. (In float64
    sigmoid(20) is not 1: there the far logits are +-800.)"""
    far = 20.0 if dtype == np.float32 else 800.0
    x = np.array([-np.inf, -800.0, -far, 0.0, far, 800.0, np.inf, -far, far, np.nan], dtype)
    target = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0], dtype)
    pos_weight = np.full(10, 2.5, dtype)
    results = []
    for library in (minigrad, torch):
        a, t = library.tensor(x, requires_grad=True), library.tensor(target, requires_grad=True)
        out = library.nn.functional.binary_cross_entropy_with_logits(
            a, t, reduction="none", pos_weight=library.tensor(pos_weight) if pos_weighted else None)
        results.append([out.detach().numpy()] + [g.numpy() for g in library.autograd.grad(out.sum(), (a, t))])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_bce_with_logits_weights_are_not_differentiable_as_in_torch():
    for name in ("weight", "pos_weight"):
        messages = []
        for library in (minigrad, torch):
            with pytest.raises(RuntimeError) as error:
                library.nn.functional.binary_cross_entropy_with_logits(
                    library.zeros(2, 3), library.ones(2, 3), **{name: library.ones(3, requires_grad=True)})
            messages.append(str(error.value))
        assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(name, reduction):
    compare(lambda a, b: getattr(F, name)(a, b, reduction=reduction), shapes=[(3, 4, 2), (3, 4, 2)],
            torch_fn=lambda a, b: getattr(TF, name)(a, b, reduction=reduction))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses_broadcast_a_mismatched_target_with_pytorchs_warning(name):
    x, y = np.random.default_rng(0).normal(size=(3, 1)), np.random.default_rng(1).normal(size=(3,))
    with pytest.warns(UserWarning, match=r"target size \(minigrad.Size\(\[3\]\)\) that is different to the input "
                                         r"size \(minigrad.Size\(\[3, 1\]\)\)"):
        ours = getattr(F, name)(minigrad.tensor(x), minigrad.tensor(y))
    with pytest.warns(UserWarning):
        theirs = getattr(TF, name)(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_one_hot_matches_torch():
    t = np.array([[0, 2, 1], [3, 3, 0]], np.int64)
    for k in (-1, 4, 6):
        ours, theirs = F.one_hot(minigrad.tensor(t), k), TF.one_hot(torch.tensor(t), k)
        assert ours.dtype == minigrad.int64 and tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(minigrad.tensor(t), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(minigrad.tensor([0, -1]), 3)
    with pytest.raises(RuntimeError, match="index tensor of type LongTensor"):
        F.one_hot(minigrad.randn(3), 3)


def _torch_dice(x, t, smooth, ignore_background):
    """The Dice loss documented in ``F.dice_loss``, written with torch ops."""
    p = torch.softmax(x, 1)
    hot = TF.one_hot(t, x.shape[1]).movedim(-1, 1).to(x.dtype)
    dims = (0,) + tuple(range(2, x.ndim))
    dice = (2 * (p * hot).sum(dims) + smooth) / (p.sum(dims) + hot.sum(dims) + smooth)
    return 1 - (dice[1:] if ignore_background else dice).mean()


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 6)])
@pytest.mark.parametrize("smooth,ignore_background", [(1.0, False), (0.0, False), (1e-3, True)])
def test_dice_loss_matches_formula(shape, smooth, ignore_background):
    compare(lambda x, t: F.dice_loss(x, t, smooth, ignore_background),
            inputs=[np.random.default_rng(0).standard_normal(shape).astype(np.float32), _targets(shape, shape[1])],
            torch_fn=lambda x, t: _torch_dice(x, t, smooth, ignore_background))


def test_dice_loss_perfect_prediction_is_near_zero():
    t = minigrad.tensor(_targets((2, 3, 4, 4), 3))
    logits = F.one_hot(t, 3).permute(0, 3, 1, 2).float() * 50
    assert F.dice_loss(logits, t).item() < 1e-5
    with pytest.raises(ValueError, match=r"\(2, 3, 4, 4\).*\(2, 4\)"):
        F.dice_loss(logits, minigrad.zeros(2, 4).long())


@pytest.mark.parametrize("module,functional,kwargs,float_target", [
    (nn.CrossEntropyLoss, F.cross_entropy, dict(ignore_index=1, reduction="sum", label_smoothing=0.1), False),
    (nn.NLLLoss, F.nll_loss, dict(reduction="none"), False),
    (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, dict(reduction="sum"), True),
    (nn.MSELoss, F.mse_loss, dict(reduction="sum"), True),
    (nn.L1Loss, F.l1_loss, dict(), True),
])
def test_loss_modules_equal_functional(module, functional, kwargs, float_target):
    x = minigrad.randn(6, 4)
    t = minigrad.rand(6, 4) if float_target else minigrad.tensor(_targets((6, 4), 4))
    np.testing.assert_array_equal(module(**kwargs)(x, t).numpy(), functional(x, t, **kwargs).numpy())


def test_weighted_loss_modules_equal_functional_and_torch_state_dict():
    w = minigrad.tensor(_weight(4))
    x, t = minigrad.randn(6, 4), minigrad.tensor(_targets((6, 4), 4))
    ce = nn.CrossEntropyLoss(weight=w)
    np.testing.assert_array_equal(ce(x, t).numpy(), F.cross_entropy(x, t, weight=w).numpy())
    assert list(ce.state_dict()) == list(torch.nn.CrossEntropyLoss(weight=torch.ones(4)).state_dict()) == ["weight"]
    pw = minigrad.tensor([1.0, 2.0, 3.0, 4.0])
    bce = nn.BCEWithLogitsLoss(pos_weight=pw)
    xt = minigrad.rand(6, 4)
    np.testing.assert_array_equal(bce(x, xt).numpy(), F.binary_cross_entropy_with_logits(x, xt, pos_weight=pw).numpy())
    assert list(bce.state_dict()) == list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(4)).state_dict())
    t2 = minigrad.tensor(_targets((2, 3, 4, 4), 3))
    x2 = minigrad.randn(2, 3, 4, 4)
    np.testing.assert_array_equal(nn.DiceLoss(smooth=0.5)(x2, t2).numpy(), F.dice_loss(x2, t2, 0.5).numpy())


def _f64(*arrays):
    return [minigrad.tensor(a, dtype=minigrad.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2, 2)])
def test_cross_entropy_gradcheck(shape):
    x, = _f64(np.random.default_rng(0).standard_normal(shape))
    t = minigrad.tensor(_targets(shape, shape[1], ignore=1))
    w = minigrad.tensor(_weight(shape[1]), dtype=minigrad.float64)
    for reduction in REDUCTIONS:
        assert minigrad.gradcheck(lambda a: F.cross_entropy(a, t, weight=w, ignore_index=1, reduction=reduction,
                                                            label_smoothing=0.15), (x,))


def test_bce_with_logits_gradcheck():
    rng = np.random.default_rng(0)
    x, target = _f64(rng.standard_normal((3, 4)) * 3, rng.uniform(0, 1, (3, 4)))
    pos_weight = minigrad.tensor(rng.uniform(0.5, 2, 4), dtype=minigrad.float64)
    weight = minigrad.tensor(rng.uniform(0.5, 2, (3, 4)), dtype=minigrad.float64)
    assert minigrad.gradcheck(lambda a, t: F.binary_cross_entropy_with_logits(a, t, weight, pos_weight=pos_weight),
                              (x, target))


def test_dice_loss_gradcheck():
    x, = _f64(np.random.default_rng(0).standard_normal((2, 3, 2, 3)))
    t = minigrad.tensor(_targets((2, 3, 2, 3), 3))
    assert minigrad.gradcheck(lambda a: F.dice_loss(a, t), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
def test_binary_cross_entropy_matches_torch(reduction, weighted):
    rng = np.random.default_rng(4)
    probs = rng.uniform(0.01, 0.99, (4, 3, 5)).astype(np.float32)
    target = rng.uniform(0, 1, (4, 3, 5)).astype(np.float32)
    weight = rng.uniform(0.5, 2, (3, 5)).astype(np.float32)
    extra = [weight] if weighted else []

    def run(lib, functional):
        return lambda x, t, *w: functional.binary_cross_entropy(x, t, *w, reduction=reduction)
    compare(run(minigrad, F), inputs=[probs, target] + extra, torch_fn=run(torch, TF), requires_grad=[True, True]
            + [False] * len(extra))
    module = nn.BCELoss(minigrad.tensor(weight) if weighted else None, reduction=reduction)
    reference = torch.nn.BCELoss(torch.tensor(weight) if weighted else None, reduction=reduction)
    np.testing.assert_allclose(module(minigrad.tensor(probs), minigrad.tensor(target)).detach().numpy(),
                               reference(torch.tensor(probs), torch.tensor(target)).numpy(), rtol=1e-5)


def test_binary_cross_entropy_clamps_its_logs_at_minus_100_as_torch():
    probs = np.array([0.0, 1.0, 0.0, 1.0, 1e-30, 0.5], np.float32)
    target = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.3], np.float32)
    compare(lambda x, t: F.binary_cross_entropy(x, t, reduction="none"), inputs=[probs, target],
            torch_fn=lambda x, t: TF.binary_cross_entropy(x, t, reduction="none"), requires_grad=[True, False])
    for bad in ([1.5], [-0.1]):
        with pytest.raises(RuntimeError, match="between 0 and 1"):
            F.binary_cross_entropy(minigrad.tensor(bad), minigrad.tensor([0.0]))
    with pytest.raises(ValueError, match="same size"):
        F.binary_cross_entropy(minigrad.tensor([0.5, 0.5]), minigrad.tensor([1.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs", [("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.3}),
                                         ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {}),
                                         ("huber_loss", {"delta": 2.5})], ids=str)
def test_smooth_l1_and_huber_match_torch(reduction, name, kwargs):
    x = np.array([[-3.0, -1.0, -0.4, 0.0, 0.2, 1.0, 2.4, 4.0]], np.float32) + np.float32(0.1)
    t = np.zeros_like(x)
    compare(lambda a, b: getattr(F, name)(a, b, reduction=reduction, **kwargs), inputs=[x, t],
            torch_fn=lambda a, b: getattr(TF, name)(a, b, reduction=reduction, **kwargs))
    compare(lambda a, b: getattr(F, name)(a, b, reduction=reduction, **kwargs), shapes=[(3, 4, 5), (3, 4, 5)],
            torch_fn=lambda a, b: getattr(TF, name)(a, b, reduction=reduction, **kwargs))
    module = {"smooth_l1_loss": "SmoothL1Loss", "huber_loss": "HuberLoss"}[name]
    ours = getattr(nn, module)(reduction=reduction, **kwargs)(minigrad.tensor(x), minigrad.tensor(t))
    theirs = getattr(torch.nn, module)(reduction=reduction, **kwargs)(torch.tensor(x), torch.tensor(t))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=1e-6)


def test_softmax2d_and_activation_modules_match_torch():
    compare(lambda x: nn.Softmax2d()(x), shapes=[(2, 3, 4, 5)], torch_fn=lambda x: torch.nn.Softmax2d()(x))
    compare(lambda x: nn.Softmax2d()(x), shapes=[(3, 4, 5)], torch_fn=lambda x: torch.nn.Softmax2d()(x))
    compare(lambda x: nn.Sigmoid()(x), shapes=[(3, 4)], torch_fn=lambda x: torch.nn.Sigmoid()(x))
    compare(lambda x: nn.Softmax(dim=1)(x), shapes=[(3, 4)], torch_fn=lambda x: torch.nn.Softmax(dim=1)(x))
    compare(lambda x: minigrad.log1p(x), shapes=[(30,)], low=-0.9, high=3.0, torch_fn=torch.log1p)
    with pytest.raises(ValueError, match="3D or 4D"):
        nn.Softmax2d()(minigrad.ones(2, 3))


# --- the keywords and forms PyTorch scripts pass: legacy size_average/reduce, probability targets, weights ---

LEGACY_FLAGS = [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True),
                dict(size_average=False, reduce=False)]


@pytest.mark.parametrize("flags", LEGACY_FLAGS, ids=str)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy_with_logits",
                                  "soft_margin_loss"])
def test_legacy_size_average_and_reduce_pick_pytorchs_reduction(name, flags):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecation warning
        compare(lambda a, b: getattr(F, name)(a, b, **flags), inputs=_pair(name),
                torch_fn=lambda a, b: getattr(TF, name)(a, b, **flags), requires_grad=[True, False])


def _pair(name, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 4))
    y = (rng.random((3, 4)) < 0.5).astype(np.float64) if "logits" in name else rng.normal(size=(3, 4))
    return [x, np.sign(y) if name == "soft_margin_loss" else y]


@pytest.mark.parametrize("flags", LEGACY_FLAGS, ids=str)
def test_legacy_flags_of_the_class_losses_and_their_modules(flags):
    rng = np.random.default_rng(1)
    logits, target = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("CrossEntropyLoss", "NLLLoss"):
            ours = getattr(nn, name)(**flags)(minigrad.tensor(logits), minigrad.tensor(target))
            theirs = getattr(torch.nn, name)(**flags)(torch.tensor(logits), torch.tensor(target))
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, err_msg=name)
        for name in ("MSELoss", "L1Loss", "BCEWithLogitsLoss", "SmoothL1Loss", "KLDivLoss"):
            assert getattr(nn, name)(**flags).reduction == getattr(torch.nn, name)(**flags).reduction, name


def test_class_losses_take_pytorchs_positional_order():
    """cross_entropy(input, target, weight, size_average, ignore_index, reduce, reduction): PyTorch's order."""
    rng = np.random.default_rng(2)
    logits, target, weight = rng.normal(size=(6, 3)), np.array([0, 2, 1, 1, 2, 0]), rng.random(3)
    for name in ("cross_entropy", "nll_loss"):
        args = (None, 2, None, "sum")  # size_average, ignore_index, reduce, reduction
        ours = getattr(F, name)(minigrad.tensor(logits), minigrad.tensor(target), minigrad.tensor(weight), *args)
        theirs = getattr(TF, name)(torch.tensor(logits), torch.tensor(target), torch.tensor(weight), *args)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, err_msg=name)
    ours = nn.CrossEntropyLoss(minigrad.tensor(weight), None, 1)(minigrad.tensor(logits), minigrad.tensor(target))
    theirs = torch.nn.CrossEntropyLoss(torch.tensor(weight), None, 1)(torch.tensor(logits), torch.tensor(target))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4, 2), (4,)], ids=str)
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_against_class_probabilities(shape, reduction, smoothing, weighted):
    """Soft targets (mixup, distillation): float targets of the logits' shape, as PyTorch."""
    rng = np.random.default_rng(3)
    logits = rng.normal(size=shape)
    probabilities = rng.random(shape)
    probabilities /= probabilities.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
    classes = shape[1] if len(shape) > 1 else shape[0]
    inputs = [logits, probabilities] + ([rng.random(classes)] if weighted else [])

    def loss(lib_f):
        return lambda x, t, *w: lib_f.cross_entropy(x, t, *w, reduction=reduction, label_smoothing=smoothing)
    compare(loss(F), inputs=inputs, torch_fn=loss(TF), atol=1e-12, rtol=1e-12)


def test_cross_entropy_probability_target_of_another_shape_raises():
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        F.cross_entropy(minigrad.randn(3, 4), minigrad.rand(3, 5))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_regression_losses(name, reduction):
    """PyTorch 2.13's ``weight``: 'mean' divides by the weights' sum for MSE and L1, by the count for Huber."""
    rng = np.random.default_rng(4)
    inputs = [rng.normal(size=(3, 4)), rng.normal(size=(3, 4)) * 2, rng.random((3, 4))]
    compare(lambda a, b, w: getattr(F, name)(a, b, reduction=reduction, weight=w), inputs=inputs,
            torch_fn=lambda a, b, w: getattr(TF, name)(a, b, reduction=reduction, weight=w), atol=1e-12, rtol=1e-12)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        getattr(F, name)(minigrad.ones(3, 4), minigrad.ones(3, 4), weight=minigrad.ones(4))


def test_private_loss_bases_take_legacy_flags_as_pytorchs():
    from minigrad.nn.modules.loss import _Loss, _WeightedLoss

    class Scaled(_WeightedLoss):
        def forward(self, a, b):
            return F.mse_loss(a * self.weight, b, reduction=self.reduction)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert Scaled(minigrad.ones(2), size_average=False).reduction == "sum"
        assert _Loss(reduce=False).reduction == "none" == torch.nn.modules.loss._Loss(reduce=False).reduction
    assert float(Scaled(minigrad.tensor([2.0, 1.0]))(minigrad.ones(2), minigrad.zeros(2))) == 2.5
    for name in ("CrossEntropyLoss", "NLLLoss", "BCELoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "MSELoss"):
        assert issubclass(getattr(nn, name), _WeightedLoss) == issubclass(getattr(torch.nn, name),
                                                                           torch.nn.modules.loss._WeightedLoss), name
    assert nn.CrossEntropyLoss(minigrad.ones(3)).state_dict()["weight"].tolist() == [1.0, 1.0, 1.0]

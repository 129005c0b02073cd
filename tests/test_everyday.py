"""The everyday surface around the layers, against PyTorch: scalar conversions, operators, in-place ops and their
version counters, dtypes and promotion, .grad assignment."""
import math
import operator

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from helpers import compare


def both(fn):
    """fn(lib) on minigrad and on torch."""
    return fn(minigrad), fn(torch)


def raises_like_torch(fn, same_message=False):
    """fn(lib) raises on both libraries, with the same exception type (and message, when asked)."""
    errors = []
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            fn(lib)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]) or issubclass(type(errors[0]), type(errors[1])), errors
    if same_message:
        assert str(errors[0]) == str(errors[1])


# ------------------------------------------------------------------ scalar conversions
@pytest.mark.parametrize("convert", [
    float, int, complex, math.isnan, math.isfinite, lambda t: f"{t:.4f}", lambda t: "%.2f" % t,
    lambda t: f"{t}", bool, lambda t: round(float(t), 3)])
def test_scalar_conversions_of_a_float_tensor(convert):
    mine, theirs = both(lambda lib: convert(lib.tensor(2.71828)))
    assert mine == theirs


@pytest.mark.parametrize("convert", [
    operator.index, lambda t: [10, 20, 30, 40][t], lambda t: list(range(t)), int, float, lambda t: f"{t:>5d}"])
def test_scalar_conversions_of_an_int_tensor(convert):
    mine, theirs = both(lambda lib: convert(lib.tensor(3)))
    assert mine == theirs


def test_conversion_errors_match_torch():
    raises_like_torch(lambda lib: operator.index(lib.tensor(2.0)))
    raises_like_torch(lambda lib: operator.index(lib.tensor([1, 2])))
    raises_like_torch(lambda lib: float(lib.tensor([1.0, 2.0])))
    raises_like_torch(lambda lib: int(lib.tensor([1, 2])))
    raises_like_torch(lambda lib: f"{lib.ones(2):.3f}")
    raises_like_torch(lambda lib: bool(lib.ones(2)))
    raises_like_torch(lambda lib: iter(lib.tensor(1.0)))
    raises_like_torch(lambda lib: len(lib.tensor(1.0)))
    raises_like_torch(lambda lib: "a" in lib.tensor([1]))


def test_the_builtins_keep_their_meaning_and_the_aliases_stay():
    assert minigrad.float is minigrad.float32 and minigrad.int is minigrad.int32 and minigrad.long is minigrad.int64
    assert minigrad.ones(2).float().dtype == minigrad.float32 and minigrad.ones(2).int().dtype == minigrad.int32
    import minigrad.tensor as tensor_module
    assert tensor_module.__dict__.get("float") is None and tensor_module.__dict__.get("int") is None


def test_containment_iteration_comparison_with_none_len_bool():
    for lib in (minigrad, torch):
        t = lib.tensor([1.0, 2.0, 3.0])
        assert 2 in t and 2.0 in t and 5 not in t and lib.tensor(3.0) in t
        assert (t == None) is False and (t != None) is True  # noqa: E711
        assert len(t) == 3 and [float(v) for v in t] == [1.0, 2.0, 3.0]
        assert bool(lib.tensor([0.5])) and not bool(lib.tensor(0))
        assert [v.shape for v in lib.zeros(2, 3)] == [(3,), (3,)]


# ------------------------------------------------------------------ operators
@pytest.mark.parametrize("op", [
    lambda a, b: a & b, lambda a, b: a | b, lambda a, b: a ^ b, lambda a, b: ~a,
    lambda a, b: a // b, lambda a, b: a % b, lambda a, b: 7 // b, lambda a, b: 7 % b, lambda a, b: a & 6,
    lambda a, b: 3 | a, lambda a, b: 5 ^ a, lambda a, b: a // 3, lambda a, b: a % -3])
def test_integer_operators(op):
    a, b = np.array([5, -5, 7, 0, 12]), np.array([2, 3, -4, 5, 7])
    mine = op(minigrad.tensor(a), minigrad.tensor(b))
    theirs = op(torch.tensor(a), torch.tensor(b))
    assert mine.dtype == minigrad.int64 and mine.tolist() == theirs.tolist()


@pytest.mark.parametrize("op", [
    lambda a, b: a & b, lambda a, b: a | b, lambda a, b: a ^ b, lambda a, b: ~a, lambda a, b: a & True,
    lambda a, b: False | a, lambda a, b: a ^ True])
def test_bool_operators(op):
    a, b = np.array([True, False, True, False]), np.array([True, True, False, False])
    mine = op(minigrad.tensor(a), minigrad.tensor(b))
    theirs = op(torch.tensor(a), torch.tensor(b))
    assert mine.dtype == minigrad.bool_ and mine.tolist() == theirs.tolist()


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_ops_on_any_dtype(name):
    a, b = np.array([1.5, 0.0, -2.0, 0.0], np.float32), np.array([3, 0, 0, 7])
    mine = getattr(minigrad, name)(minigrad.tensor(a), minigrad.tensor(b))
    theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    assert mine.dtype == minigrad.bool_ and mine.tolist() == theirs.tolist()
    assert minigrad.logical_not(minigrad.tensor(a)).tolist() == torch.logical_not(torch.tensor(a)).tolist()


def test_float_floor_divide_remainder_and_their_gradients():
    compare(lambda a, b: a % b, inputs=[np.array([5.5, -5.5, 7.25, 3.0], np.float32),
                                        np.array([2.0, 3.0, -2.5, -1.5], np.float32)])
    compare(lambda a: a % 1.5, shapes=[(3, 4)])
    mine = minigrad.tensor([5.5, -5.5, 7.25, 3.0]) // minigrad.tensor([2.0, 3.0, -2.5, -1.5])
    theirs = torch.tensor([5.5, -5.5, 7.25, 3.0]) // torch.tensor([2.0, 3.0, -2.5, -1.5])
    assert mine.tolist() == theirs.tolist()
    raises_like_torch(lambda lib: lib.tensor([1, 2]) // 0)
    raises_like_torch(lambda lib: lib.tensor([1.5]) & lib.tensor([1.0]))
    raises_like_torch(lambda lib: ~lib.tensor([1.5]))


def test_isnan_isinf_isfinite_is_tensor():
    values = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    for name in ("isnan", "isinf", "isfinite"):
        assert getattr(minigrad, name)(minigrad.tensor(values)).tolist() == getattr(torch, name)(
            torch.tensor(values)).tolist()
        assert getattr(minigrad.tensor([1, 2]), name)().tolist() == getattr(torch.tensor([1, 2]), name)().tolist()
    assert minigrad.is_tensor(minigrad.ones(1)) and not minigrad.is_tensor(np.ones(1))
    assert minigrad.tensor([0, 1]).any().item() and not minigrad.tensor([0, 1]).all().item()


# ------------------------------------------------------------------ in place
def test_augmented_assignment_modifies_the_tensor_views_and_aliases_see_it():
    for lib in (minigrad, torch):
        x = lib.arange(6).reshape(2, 3).float()
        alias, row = x, x[1]
        x += 1
        x *= 2
        x -= lib.ones(3)
        x /= 2
        assert alias is x
        assert row.tolist() == [3.5, 4.5, 5.5] and x._version == 4
    ints = minigrad.tensor([5, 7])
    ints //= 2
    ints %= 2
    ints |= 4
    assert ints.tolist() == [4, 5]


def test_trailing_underscore_methods_equal_torch():
    ops = [("add_", (2.0,)), ("sub_", (1.5,)), ("mul_", (3.0,)), ("div_", (4.0,)), ("pow_", (2,)), ("neg_", ()),
           ("abs_", ()), ("exp_", ()), ("clamp_", (-0.5, 0.5)), ("clamp_min_", (0.1,)), ("clamp_max_", (0.2,)),
           ("sqrt_", ()), ("sigmoid_", ()), ("tanh_", ()), ("relu_", ()), ("fill_", (7.0,)), ("zero_", ())]
    data = np.random.default_rng(0).standard_normal(5).astype(np.float32)
    for name, args in ops:
        m, t = minigrad.tensor(np.abs(data) if name == "sqrt_" else data), torch.tensor(
            np.abs(data) if name == "sqrt_" else data)
        assert getattr(m, name)(*args) is m
        getattr(t, name)(*args)
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, err_msg=name)
    m, t = minigrad.zeros(2, 3), torch.zeros(2, 3)
    m.copy_(minigrad.tensor([1.0, 2.0, 3.0]))
    t.copy_(torch.tensor([1.0, 2.0, 3.0]))
    m.masked_fill_(minigrad.tensor([True, False, True]), -1.0)
    t.masked_fill_(torch.tensor([True, False, True]), -1.0)
    assert m.tolist() == t.tolist()


def test_manual_training_loop_updates_the_parameter_in_place():
    """micrograd's and PyTorch's loop: with no_grad(): w -= lr * w.grad, then the next step trains."""
    losses = {}
    for lib in (minigrad, torch):
        w = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
        y = lib.tensor([1.0, 0.0])
        seen = []
        for _ in range(5):
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.05 * w.grad
                w.grad.zero_()
            seen.append(float(loss))
        assert w.requires_grad and w.is_leaf
        losses[lib.__name__] = seen
    np.testing.assert_allclose(losses["minigrad"], losses["torch"], rtol=1e-6)


def test_inplace_on_a_leaf_that_requires_grad_raises_as_torch():
    raises_like_torch(lambda lib: lib.ones(3, requires_grad=True).add_(1), same_message=True)
    raises_like_torch(lambda lib: lib.ones(3, requires_grad=True).__iadd__(1))
    raises_like_torch(lambda lib: lib.ones(3, requires_grad=True)[0:2].mul_(2), same_message=True)
    raises_like_torch(lambda lib: lib.ones(3, requires_grad=True).__setitem__(0, 5.0))
    for index in [(slice(None), slice(None, 5)), (slice(None), slice(-5, None)), (0, slice(0, 5)), (Ellipsis, 0)]:
        raises_like_torch(lambda lib: lib.ones(3, 5, requires_grad=True).__setitem__(index, 5.0), same_message=True)
    raises_like_torch(lambda lib: lib.nn.functional.relu(lib.ones(3, requires_grad=True), inplace=True))


def test_version_counter_catches_a_saved_tensor_changed_in_place():
    for lib in (minigrad, torch):
        x = lib.randn(4, requires_grad=True)
        y = x.exp()
        y += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        w = lib.randn(3, requires_grad=True)
        a = lib.ones(3)
        z = (a * w).sum()
        a.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.backward()


def test_version_is_shared_with_views_and_detach_not_with_data():
    for lib in (minigrad, torch):
        x = lib.randn(4, requires_grad=True)
        y = x.exp()
        y.detach().add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        y = x.exp()
        y.data.add_(1)
        y.sum().backward()  # .data escapes the counter, as in PyTorch


def test_inplace_ops_inside_the_graph_give_torch_gradients():
    def fn(lib, a, w):
        h = a * 2
        h.mul_(w)
        h += w
        h[0] = w[1] * 3
        h.relu_()
        return (h * h).sum()
    inputs = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    grads = []
    for lib in (minigrad, torch):
        a, w = (lib.tensor(v, requires_grad=True) for v in inputs)
        fn(lib, a, w).backward()
        grads.append((a.grad.numpy(), w.grad.numpy()))
    for mine, theirs in zip(*grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_relu_inplace_module_modifies_its_input():
    for lib in (minigrad, torch):
        x = lib.tensor([-1.0, 2.0, -3.0])
        out = lib.nn.ReLU(inplace=True)(x)
        assert out is x and x.tolist() == [0.0, 2.0, 0.0]
        y = lib.tensor([-1.0, 2.0])
        assert lib.nn.functional.relu(y).tolist() == [0.0, 2.0] and y.tolist() == [-1.0, 2.0]


def test_inplace_dtype_and_shape_rules_as_torch():
    raises_like_torch(lambda lib: lib.tensor([1, 2]).__iadd__(1.5))
    raises_like_torch(lambda lib: lib.ones(3).__iadd__(lib.ones(2, 3)))
    raises_like_torch(lambda lib: lib.ones(3, dtype=lib.bool).__iadd__(1))
    for lib in (minigrad, torch):
        f = lib.ones(3)
        f += lib.tensor(1.0, dtype=lib.float64)
        assert f.dtype == lib.float32 and f.tolist() == [2.0, 2.0, 2.0]


# ------------------------------------------------------------------ dtypes
def test_dtypes_follow_torch():
    cases = [lambda lib: lib.tensor(np.zeros(2)), lambda lib: lib.tensor(np.zeros(2, np.int32)),
             lambda lib: lib.tensor([np.float64(1.0)]), lambda lib: lib.tensor(2.0), lambda lib: lib.tensor([1, 2]),
             lambda lib: lib.tensor([True]), lambda lib: lib.tensor([[1, 2], [3.5, 4]]),
             lambda lib: lib.ones(2) + lib.tensor(1.0, dtype=lib.float64),
             lambda lib: lib.ones(2, dtype=lib.int64) + lib.tensor(1.0, dtype=lib.float64),
             lambda lib: lib.ones(2, dtype=lib.int32) + lib.tensor(1, dtype=lib.int64),
             lambda lib: lib.tensor([1, 2]) + 1.5, lambda lib: lib.tensor([True]) + 1,
             lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]),
             lambda lib: lib.tensor([lib.tensor(1.0, dtype=lib.float64), lib.tensor(2.0)])]
    for case in cases:
        mine, theirs = both(case)
        assert str(mine.dtype) == str(theirs.dtype).replace("torch.", "") and tuple(mine.shape) == tuple(theirs.shape)


def test_from_numpy_keeps_dtype_and_shares_memory():
    a = np.zeros(3)
    t = minigrad.from_numpy(a)
    a[0] = 5
    assert t.dtype == minigrad.float64 and t[0].item() == 5.0
    t += 1
    assert a.tolist() == [6.0, 1.0, 1.0]
    graph = minigrad.ones(2, requires_grad=True) * 2  # numpy(force=True) detaches, as torch's
    assert graph.numpy(force=True).tolist() == [2.0, 2.0] and t.numpy(force=True) is not None


def test_cross_entropy_dtype_errors_and_float16_convolution():
    raises_like_torch(lambda lib: lib.nn.functional.cross_entropy(lib.zeros(2, 5, dtype=lib.int64),
                                                                  lib.zeros(2, dtype=lib.int64)))
    raises_like_torch(lambda lib: lib.nn.functional.cross_entropy(lib.zeros(2, 5), lib.zeros(2, dtype=lib.bool)))
    with pytest.raises(NotImplementedError, match="float16"):
        F.conv2d(minigrad.zeros(1, 3, 4, 4, dtype=minigrad.float16), minigrad.zeros(2, 3, 3, 3,
                                                                                   dtype=minigrad.float16))


# ------------------------------------------------------------------ .grad and grad modes
def test_grad_assignment_is_checked_as_torch():
    raises_like_torch(lambda lib: setattr(lib.ones(3, requires_grad=True), "grad", [1.0, 2.0, 3.0]))
    raises_like_torch(lambda lib: setattr(lib.ones(3, requires_grad=True), "grad", lib.ones(4)))
    raises_like_torch(lambda lib: setattr(lib.ones(3, requires_grad=True), "grad", lib.ones(3, dtype=lib.float64)))
    p = minigrad.ones(3, requires_grad=True)
    p.grad = minigrad.full((3,), 2.0)
    p.grad = None
    assert p.grad is None


def test_set_grad_enabled_as_function_context_and_decorator():
    assert minigrad.is_grad_enabled()
    with minigrad.set_grad_enabled(False):
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()

    @minigrad.set_grad_enabled(False)
    def inside():
        return minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled() and inside() is False and minigrad.is_grad_enabled()
    minigrad.set_grad_enabled(False)
    try:
        assert not minigrad.is_grad_enabled()
    finally:
        minigrad.set_grad_enabled(True)
    assert minigrad.is_grad_enabled()


def test_std_of_a_constant_and_relu_at_nan_give_torch_gradients():
    compare(lambda x: x.std(), inputs=[np.full(4, 3.0, np.float32)])
    compare(lambda x: x.std(dim=1), inputs=[np.full((2, 3), 1.5, np.float32)])
    compare(lambda x: x.relu(), inputs=[np.array([-1.0, 0.0, 2.0, np.nan], np.float32)])


def test_module_training_step_with_inplace_relu_equals_torch():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((8, 4)).astype(np.float32), rng.integers(0, 3, 8)
    m_model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(inplace=True), nn.Linear(8, 3))
    t_model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(inplace=True), torch.nn.Linear(8, 3))
    m_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    m_opt, t_opt = minigrad.optim.SGD(m_model.parameters(), lr=0.1), torch.optim.SGD(t_model.parameters(), lr=0.1)
    for _ in range(3):
        for model, opt, lib in ((m_model, m_opt, minigrad), (t_model, t_opt, torch)):
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
    for k, v in t_model.state_dict().items():
        np.testing.assert_allclose(m_model.state_dict()[k], v.numpy(), rtol=1e-5, atol=1e-6)


def test_special_values_come_without_warnings_as_in_torch():
    """log(0) is -inf, 0/0 NaN, exp(1000) inf, inf * 0 NaN: silently, as PyTorch computes them."""
    import warnings
    cases = [lambda L: L.log(L.tensor([0.0, -1.0])), lambda L: L.tensor([1.0, 0.0]) / 0,
             lambda L: L.exp(L.tensor([1000.0])), lambda L: L.tensor([float("inf")]) * 0,
             lambda L: L.sqrt(L.tensor([-1.0])), lambda L: L.tensor([0.0]) ** -1.0,
             lambda L: L.tensor([float("inf")]) - float("inf"), lambda L: L.log1p(L.tensor([-1.0, -2.0])),
             # (these four warned through numpy until 2026-12-01)
             lambda L: L.floor_divide(L.tensor([1.0, 0.0, -1.0]), 0.0),
             lambda L: L.tensor([float("inf"), float("nan")]).long() * 0,
             lambda L: L.nn.functional.cross_entropy(L.tensor([[float("inf"), 1.0]]), L.tensor([0])),
             lambda L: L.polygamma(1, L.tensor([1e-30])),
             lambda L: L.softmax(L.tensor([float("-inf"), float("-inf")]), 0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for case in cases:
            np.testing.assert_array_equal(case(minigrad).numpy(), case(torch).numpy())


def test_legacy_constructors_type_and_new_as_torch():
    for lib in (minigrad, torch):
        assert lib.Tensor(3, 4).shape == (3, 4) and lib.Tensor().shape == (0,) and lib.Tensor(2).shape == (2,)
    for make in ("Tensor([1, 2])", "Tensor(np.array([1.5, 2.0]))", "FloatTensor([1, 2])", "LongTensor([1.7, 2.2])",
                 "DoubleTensor(2, 2)", "IntTensor([3])", "BoolTensor([1, 0])", "ByteTensor([255])"):
        ours, theirs = eval("minigrad." + make), eval("torch." + make)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") and ours.shape == theirs.shape, make
        if "[" in make:  # (from sizes, PyTorch's values are whatever the memory held)
            assert ours.tolist() == theirs.tolist(), make
    for lib in (minigrad, torch):
        x = lib.tensor([1, 2])
        assert x.type() == "torch.LongTensor" and x.float().type() == "torch.FloatTensor"
        assert x.type(lib.FloatTensor).dtype == lib.float32 and x.type("torch.DoubleTensor").dtype == lib.float64
        assert x.new(3).shape == (3,) and x.new([5, 6]).tolist() == [5, 6] and x.new([5]).dtype == lib.int64
    assert minigrad.get_default_dtype() == minigrad.float32 and minigrad.finfo(minigrad.float32).eps == \
        torch.finfo(torch.float32).eps and minigrad.iinfo(minigrad.int64).max == torch.iinfo(torch.int64).max
    minigrad.set_default_dtype(minigrad.float32)  # (float64 too: tests/test_dropin_modules.py)
    assert minigrad.get_default_dtype() == minigrad.float32


@pytest.mark.parametrize("expression", [
    "L.div(L.tensor([7, -7, 6]), 2, rounding_mode='trunc')", "L.div(L.tensor([7, -7]), 2, rounding_mode='floor')",
    "L.tensor([7.5, -7.5]).div(2, rounding_mode='trunc')", "L.tensor([7.5, -7.5]).div(2.0, rounding_mode='floor')",
    "L.div(L.tensor([-6, -7]), L.tensor([3, -2]), rounding_mode='trunc')", "L.where(L.tensor([True, False]), 1.0, 0.0)",
    "L.where(L.tensor([True, False]), 1, 0)", "L.where(L.tensor([True, False]), 1, 0.5)",
    "L.where(L.tensor([True, False]), True, 2)", "L.where(L.tensor([True, False]), True, False)",
    "L.where(L.tensor([True, False]), 1, 2j)", "L.where(L.tensor([True, False]), np.float32(1), 2)",
    "L.tensor([1.0, 2.0]).sub(1, alpha=2)", "L.ones(2, 3).masked_fill(L.ones(2, 2, 3, dtype=L.bool), 1.0)",
    "L.take(L.arange(6.0).reshape(2, 3), L.tensor([-1, 0]))", "L.ones(2, 3).index_fill(1, L.tensor([-1]), 5.0)",
    "L.ones(2, 3).unflatten(1, (3, -1))", "L.tensor([1.5, -1.5]).frac()",
    "L.sgn(L.tensor([-2.0, 0.0]))", "L.heaviside(L.tensor([-1.0, 0.0, 2.0]), L.tensor([0.5]))",
    "L.nansum(L.tensor([1.0, float('nan')]))", "L.nanmean(L.tensor([[1.0, float('nan')], [2.0, 4.0]]), 1)",
    "L.ones(2, 2).fill_diagonal_(5)", "L.zeros(5, 2).fill_diagonal_(1, wrap=True)", "L.zeros(3, 5).fill_diagonal_(1)",
    "L.zeros(2, 2, 2).fill_diagonal_(3)", "L.remainder(L.tensor([0.0, -0.0, 5.0, 7.5]), L.tensor([-5.0, 5.0, -5.0, 2.0]))",
    "L.tensor([0.0, 3.0]) % -3.0", "L.tensor([0.0, -0.0, 3.0]).remainder(L.tensor(-3.0, dtype=L.float64))"])
def test_everyday_helpers_equal_torch(expression):
    ours, theirs = eval(expression, {"L": minigrad, "np": np}), eval(expression, {"L": torch, "np": np})
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    if ours.numpy().dtype.kind == "f":  # a zero's sign too
        np.testing.assert_array_equal(np.signbit(ours.numpy()), np.signbit(theirs.numpy()))


def test_finfo_iinfo_and_unary_plus_as_torch():
    """torch.finfo and iinfo hold Python numbers (a script may json.dump them or compare their types) and print
    as PyTorch's; unary + gives the tensor itself and refuses bool (minigrad had numpy's finfo and no +x)."""
    seen = []
    for lib in (minigrad, torch):
        infos = [lib.finfo(lib.float32), lib.finfo(lib.float16), lib.finfo(lib.float64), lib.finfo(),
                 lib.iinfo(lib.int32), lib.iinfo(lib.uint8)]
        fields = [(repr(i), type(i.max).__name__, i.bits, i.dtype) for i in infos]
        fields.append((type(infos[0].eps).__name__, infos[0].eps, infos[0].tiny, infos[0].resolution))
        x = lib.ones(2)
        errors = []
        for make in (lambda: lib.finfo(lib.int32), lambda: lib.iinfo(lib.float32), lambda: lib.iinfo(lib.bool),
                     lambda: +lib.tensor([True])):
            with pytest.raises(Exception) as info:
                make()
            errors.append((type(info.value).__name__, str(info.value)))
        seen.append((fields, (+x) is x, lib.positive(x) is x, errors))
    assert seen[0] == seen[1]

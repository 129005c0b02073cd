"""Complex tensors against PyTorch: values, dtypes and gradients of every op that takes them (one line per case),
central differences in complex128, printing, type promotion, random draws, checkpoints, and PyTorch's errors for
the ops complex numbers have no meaning for. An op minigrad has not made complex-ready refuses complex inputs."""
import io
import warnings

import numpy as np
import pytest
import torch

import minigrad

F_TORCH, F_MG = torch.nn.functional, minigrad.nn.functional


def _complex_inputs(count, dtype, seed, size=6):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(size) + 1j * rng.standard_normal(size)).astype(dtype) for _ in range(count)]


def _real_loss(lib, out, seed):
    """A real loss that weighs every real and imaginary part of ``out`` differently, so that no gradient hides."""
    rng = np.random.default_rng(seed)
    if out.is_complex():
        pairs = lib.view_as_real(out.resolve_conj())
        return (pairs * lib.tensor(rng.standard_normal(tuple(pairs.shape)), dtype=pairs.dtype)).sum()
    return (out * lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=out.dtype)).sum()


def run_both(fn, dtype=np.complex64, count=2, seed=0):
    """``fn(lib, *inputs)`` on both libraries: (output, gradients) for torch and for minigrad."""
    results = []
    for lib in (torch, minigrad):
        inputs = [lib.tensor(a, requires_grad=True) for a in _complex_inputs(count, dtype, seed)]
        out = fn(lib, *inputs)
        _real_loss(lib, out, seed + 1).backward()
        grads = [None if x.grad is None else x.grad.resolve_conj().numpy() for x in inputs]
        results.append((out.detach().resolve_conj().numpy(), str(out.dtype).split(".")[-1], grads))
    return results


def compare_complex(fn, dtype=np.complex64, count=2):
    """Forward values and dtypes, and the gradient of every input, equal PyTorch's (complex64 to float32 rounding,
    complex128 to 1e-10)."""
    (t_out, t_dtype, t_grads), (m_out, m_dtype, m_grads) = run_both(fn, dtype, count)
    tolerance = 2e-5 if dtype == np.complex64 else 1e-10
    assert m_dtype == t_dtype
    assert m_out.shape == t_out.shape
    np.testing.assert_allclose(m_out, t_out, rtol=tolerance, atol=tolerance)
    for t_grad, m_grad in zip(t_grads, m_grads):
        assert (t_grad is None) == (m_grad is None)
        if t_grad is not None:
            assert m_grad.dtype == np.dtype(dtype)
            np.testing.assert_allclose(m_grad, t_grad, rtol=tolerance, atol=tolerance)


def _set_part(x, value):
    x[1:3] = value[:2]
    return x


CASES = {
    "add_sub": lambda L, a, b: a + b - 2 * a,
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / b,
    "mixed_real": lambda L, a, b: a.real * b + 2j * a - 1.5,
    "neg": lambda L, a, b: -a,
    "exp_log": lambda L, a, b: a.exp() + L.log(b),
    "sqrt": lambda L, a, b: L.sqrt(a) * b,
    "log1p_expm1": lambda L, a, b: (a * 0.1).log1p() + (b * 0.1).expm1(),
    "sin_cos": lambda L, a, b: a.sin() + b.cos(),
    "tan_tanh": lambda L, a, b: (a * 0.3).tan() * (b * 0.2).tanh(),
    "sinh_cosh": lambda L, a, b: a.sinh() * b.cosh(),
    "asin_acos": lambda L, a, b: (a * 0.3).asin() + (b * 0.3).acos(),
    "atan_asinh": lambda L, a, b: (a * 0.3).atan() + (b * 0.3).asinh(),
    "sigmoid": lambda L, a, b: a.sigmoid() * b,
    "reciprocal_rsqrt": lambda L, a, b: a.reciprocal() + b.rsqrt(),
    "pow_int": lambda L, a, b: a ** 2 + b ** 3,
    "pow_half": lambda L, a, b: a ** 0.5,
    "pow_tensor": lambda L, a, b: a ** (b * 0.3),
    "number_pow": lambda L, a, b: 2 ** a,
    "square": lambda L, a, b: a.square() - b * b,
    "abs": lambda L, a, b: a.abs() + b.abs() ** 2,
    "angle": lambda L, a, b: L.angle(a) * b.angle(),
    "sgn": lambda L, a, b: a.sgn() * b,
    "real_imag": lambda L, a, b: a.real * b.imag,
    "conj": lambda L, a, b: a.conj() * b,
    "view_as_real": lambda L, a, b: L.view_as_real(a * b),
    "view_as_complex": lambda L, a, b: L.view_as_complex(L.view_as_real(a) * 2) * b,
    "complex": lambda L, a, b: L.complex(a.real, b.imag) * a,
    "polar": lambda L, a, b: L.polar(a.abs(), b.real),
    "cast_from_real": lambda L, a, b: a.real.double().to(L.complex128) * b.to(L.complex128),
    "matmul": lambda L, a, b: a.reshape(2, 3) @ b.reshape(3, 2),
    "mH": lambda L, a, b: a.reshape(2, 3).mH @ b.reshape(2, 3),
    "linear": lambda L, a, b: L.nn.functional.linear(a.reshape(2, 3), b.reshape(2, 3)),
    "vdot": lambda L, a, b: L.vdot(a, b),
    "sum_mean": lambda L, a, b: (a * b).sum(0) + (a - b).mean(),
    "mean_dim": lambda L, a, b: (a * b).reshape(2, 3).mean(1),
    "prod": lambda L, a, b: (a * b).prod(),
    "cumsum": lambda L, a, b: (a * b).cumsum(0),
    "var_std": lambda L, a, b: (a * b).var() + a.std(),
    "norm": lambda L, a, b: L.linalg.norm(a) * b,
    "where": lambda L, a, b: L.where(a.real > 0, a, b),
    "diagonal": lambda L, a, b: (a.reshape(2, 3) @ b.reshape(3, 2)).diagonal() * 2,
    "trace": lambda L, a, b: a.reshape(2, 3)[:, :2].trace() * b,
    "index": lambda L, a, b: a[1:] * b[:-1] + a[[0, 2, 4, 1, 3]].sum(),
    "cat_stack": lambda L, a, b: L.cat([a, b]).reshape(2, 6).T + L.stack([a, b], 1).sum(),
    "expand": lambda L, a, b: (a[:, None] * b[None, :]).sum(1),
    "permute": lambda L, a, b: a.reshape(2, 3).permute(1, 0).reshape(-1) * b,
    "flip_roll": lambda L, a, b: a.flip(0) * b.roll(2),
    "setitem": lambda L, a, b: _set_part(a * 1, b),
    "copy_from_real": lambda L, a, b: (a * 1).copy_(b.real) * a,
    "sum_dtype": lambda L, a, b: a.sum(dtype=L.complex128),
    "inv_det_solve": lambda L, a, b: L.linalg.inv(a.reshape(2, 3)[:, :2]) * L.linalg.det(b.reshape(3, 2)[1:]) + (
        L.linalg.solve(a.reshape(3, 2)[:2], b.reshape(2, 3))).sum(),
    "logsumexp": lambda L, a, b: L.logsumexp(a.reshape(2, 3), 1) * b[:2],
    "lerp": lambda L, a, b: L.lerp(a, b, 0.3) + a.lerp(b, 0.7) + a.lerp(b, b.real.sigmoid().to(a.dtype)),
    "addcmul_addcdiv": lambda L, a, b: a.addcmul(b, a, value=0.5) + b.addcdiv(a, b, value=2),
    "exp2_log2_log10": lambda L, a, b: (a * 0.5).exp2() + b.log2() * a.log10(),
    "cumprod": lambda L, a, b: (a * b).cumprod(0),
    "scatter_index_add": lambda L, a, b: a.scatter_add(0, L.tensor([1, 1, 0]), b[:3]) + a.index_add(
        0, L.tensor([5, 0]), b[1:3]),
    "chain": lambda L, a, b: (a.log() * b).exp(),
}


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("name", sorted(CASES))
def test_complex_ops_equal_pytorch(name, dtype):
    compare_complex(CASES[name], dtype)


CASES_BY_DIFFERENCES = {"singular_det": lambda L, a, b: L.linalg.det(
    L.stack([a[:3], 2 * a[:3], b[:3]]))}  # (a rank-2 matrix: the gradient is its cofactor matrix; README)


def _central_differences(fn, z, eps=1e-6):
    """dL/dx + i dL/dy of the real loss L = fn(z), by central differences in each part of each element."""
    grad = np.zeros_like(z)
    for i in range(z.size):
        for step in (1, 1j):
            up, down = z.copy(), z.copy()
            up[i] += eps * step
            down[i] -= eps * step
            slope = (fn(up) - fn(down)) / (2 * eps)
            grad[i] += slope * step
    return grad


@pytest.mark.parametrize("name", ["mul", "div", "exp_log", "sin_cos", "abs", "angle", "sgn", "pow_tensor", "matmul",
                                  "polar", "var_std", "tan_tanh", "sigmoid", "inv_det_solve", "singular_det"])
def test_complex_gradients_by_central_differences(name):
    """The gradient convention itself (dL/dx + i dL/dy), checked without PyTorch in complex128."""
    fn = CASES_BY_DIFFERENCES.get(name) or CASES[name]
    a, b = _complex_inputs(2, np.complex128, seed=3)

    def loss(values):
        x = minigrad.tensor(values[:6])
        y = minigrad.tensor(values[6:])
        return float(_real_loss(minigrad, fn(minigrad, x, y), seed=4))
    z = np.concatenate([a, b])
    x, y = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
    _real_loss(minigrad, fn(minigrad, x, y), seed=4).backward()
    expected = _central_differences(loss, z)
    np.testing.assert_allclose(np.concatenate([x.grad.numpy(), y.grad.numpy()]), expected, rtol=1e-6, atol=1e-7)


PRINTED = [[1 + 2j, 3.5 - 1j], [[1e-5 + 2j, 3.5e6 - 1j]], 1 + 2j, [0j], [complex("nan+1j"), complex(0, float("inf"))],
           [1 - 0j, -2.5 + 0.25j, 3j], [[1 + 1j] * 3] * 2, [1e10 + 1j], [-0.0 - 0.0j]]


@pytest.mark.parametrize("values", PRINTED, ids=range(len(PRINTED)))
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_tensors_print_as_pytorch(values, dtype):
    text = repr(torch.tensor(values, dtype=getattr(torch, dtype))).replace("torch.", "minigrad.")
    assert repr(minigrad.tensor(values, dtype=getattr(minigrad, dtype))) == text


def test_long_complex_tensor_prints_summarized_as_pytorch():
    values = np.arange(2000) * (1 + 1j)
    assert repr(minigrad.tensor(values)) == repr(torch.tensor(values)).replace("torch.", "minigrad.")
    z = [1 + 2j]
    assert repr(minigrad.tensor(z, requires_grad=True)) == repr(torch.tensor(z, requires_grad=True))


PROMOTIONS = [
    lambda L: L.tensor([1 + 2j]),
    lambda L: L.tensor([1, 2j]),
    lambda L: L.ones(2, dtype=L.float64) + 1j,
    lambda L: L.ones(2, dtype=L.int64) + 1j,
    lambda L: L.ones(2) + L.tensor(1j, dtype=L.complex128),
    lambda L: L.ones(2, dtype=L.float64) + L.tensor(1j),
    lambda L: L.tensor(1.5, dtype=L.float64) + 1j,
    lambda L: L.ones(2, dtype=L.complex64) * 2.5,
    lambda L: L.ones(2, dtype=L.complex64) / L.ones(2, dtype=L.float64),
    lambda L: L.ones(2, dtype=L.int32) / L.tensor(1j),
    lambda L: L.full((2,), 1 + 2j),
    lambda L: L.zeros(2, dtype=L.cfloat) + L.ones(1, dtype=L.cdouble),
]


@pytest.mark.parametrize("index", range(len(PROMOTIONS)))
def test_complex_type_promotion_as_pytorch(index):
    make = PROMOTIONS[index]
    expected, got = make(torch), make(minigrad)
    assert str(got.dtype) == str(expected.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_promote_types_and_result_type_with_complex():
    assert minigrad.promote_types(minigrad.complex64, minigrad.float64) == minigrad.complex128
    assert minigrad.promote_types(minigrad.float16, minigrad.complex64) == minigrad.complex64
    assert minigrad.result_type(minigrad.ones(2), 2j) == minigrad.complex64
    assert minigrad.result_type(minigrad.ones(2, dtype=minigrad.float64), 2j) == minigrad.complex128
    assert minigrad.can_cast(minigrad.float32, minigrad.complex64)
    assert not minigrad.can_cast(minigrad.complex64, minigrad.float64)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("size", [3, 20])
def test_random_complex_draws_are_pytorchs(dtype, size):
    """randn draws each part with variance 1/2, rand each part in [0, 1): PyTorch's numbers for the same seed."""
    for draw in ("randn", "rand"):
        torch.manual_seed(5)
        expected = getattr(torch, draw)(size, dtype=getattr(torch, dtype)).numpy()
        minigrad.manual_seed(5)
        got = getattr(minigrad, draw)(size, dtype=getattr(minigrad, dtype))
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got.numpy(), expected)


def test_complex_checkpoints_load_in_both_libraries():
    z = minigrad.tensor([1 + 2j, 3 - 1j])
    w = minigrad.randn(2, 2, dtype=minigrad.complex128)
    buffer = io.BytesIO()
    minigrad.save({"z": z, "w": w, "real": w.real.clone()}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer)
    np.testing.assert_array_equal(loaded["z"].numpy(), z.numpy())
    np.testing.assert_array_equal(loaded["w"].numpy(), w.numpy())
    np.testing.assert_array_equal(loaded["real"].numpy(), w.numpy().real)
    buffer = io.BytesIO()
    pairs = torch.tensor([1 + 2j, 3j])
    torch.save({"z": pairs, "view": torch.view_as_real(pairs.clone())}, buffer)
    buffer.seek(0)
    back = minigrad.load(buffer)
    assert back["z"].dtype == minigrad.complex64
    np.testing.assert_array_equal(back["z"].numpy(), pairs.numpy())
    np.testing.assert_array_equal(back["view"].numpy(), [[1.0, 2.0], [0.0, 3.0]])


def test_real_imag_and_view_as_real_are_views_as_in_pytorch():
    for lib in (torch, minigrad):
        z = lib.tensor([1 + 2j, 3 - 1j])
        z.real.mul_(10)
        lib.view_as_real(z)[:, 1] += 1
        z.imag[0] = -5
        assert z.numpy().tolist() == [10 - 5j, 30 + 0j]


@pytest.mark.parametrize("expression", [
    "z.abs_()", "z.clone().conj_physical_()", "z.clone().uniform_(-1, 2)", "z.clone().normal_(1.0, 0.5)",
    "z < z", "z <= z", "z > 1", "z >= z", "z.max()", "z.min()", "z.max(0)", "z.amax()", "z.argmin()", "z.argmax()",
    "lib.topk(z, 1)", "z.sort()", "lib.argsort(z)", "z.unique()", "z.ceil()", "z.floor()", "z.trunc()", "z.round()",
    "lib.fft.rfft(z)", "lib.view_as_complex(z)", "lib.complex(z.real, z.real.double())", "z.to(lib.int64).sum()",
])
def test_errors_as_pytorch_for_complex(expression):
    outcomes = []
    for lib in (torch, minigrad):
        z = lib.tensor([1 + 2j, 3j])
        lib.manual_seed(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = eval(expression, {"lib": lib, "z": z})
            outcomes.append(("value", np.asarray(result).tolist()))
        except Exception as error:  # noqa: BLE001  (the error class and message are what is compared)
            outcomes.append((type(error).__name__, str(error).strip()))
    assert outcomes[1] == outcomes[0]


@pytest.mark.parametrize("op", [
    lambda L, z: L.linalg.eigh(z.reshape(2, 2)),
    lambda L, z: L.linalg.svd(z.reshape(2, 2)),
    lambda L, z: L.nn.functional.softplus(z),
    lambda L, z: L.nn.functional.mse_loss(z, z),
    lambda L, z: L.erf(z),
    lambda L, z: z.cosh().cummax(0),
    lambda L, z: L.cov(z.reshape(2, 2)),
    lambda L, z: L.maximum(z, z),
])
def test_ops_not_made_complex_ready_refuse_complex_inputs(op):
    """Rather than a value or gradient without the conjugates PyTorch's convention needs, an error."""
    z = minigrad.tensor([1 + 2j, 3j, -1 + 0.5j, 2 + 0j], requires_grad=True)
    with pytest.raises((NotImplementedError, RuntimeError)):
        op(minigrad, z)


def test_complex_linear_layer_initializes_and_trains_as_pytorch():
    """nn.Linear(dtype=cfloat): PyTorch's initial weights (a complex tensor's uniform_ fills both parts), its
    gradient clipping by the magnitudes, and its weights after three Adam steps."""
    results = []
    for lib in (torch, minigrad):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 2, dtype=lib.cdouble)
        start = layer.weight.detach().numpy().copy()
        optimizer = lib.optim.Adam(layer.parameters(), lr=0.05)
        inputs = lib.tensor(_complex_inputs(1, np.complex128, seed=7, size=12)[0].reshape(4, 3))
        target = lib.tensor(_complex_inputs(1, np.complex128, seed=8, size=8)[0].reshape(4, 2))
        norms = []
        for _ in range(3):
            optimizer.zero_grad()
            loss = (layer(inputs) - target).abs().pow(2).mean()
            loss.backward()
            norms.append(float(lib.nn.utils.clip_grad_norm_(layer.parameters(), 0.5)))
            optimizer.step()
        results.append((start, norms, layer.weight.detach().numpy(), layer.bias.detach().numpy()))
    np.testing.assert_array_equal(results[1][0], results[0][0])
    for got, expected in zip(results[1][1:], results[0][1:]):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


OPTIMIZERS = [("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}), ("SGD", {"lr": 0.1, "nesterov": True,
                                                                                  "momentum": 0.5}),
              ("Adam", {"lr": 0.1}), ("Adam", {"lr": 0.1, "amsgrad": True, "maximize": True}),
              ("AdamW", {"lr": 0.1}), ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
              ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}), ("Adadelta", {"lr": 1.0}),
              ("Adamax", {"lr": 0.1}), ("NAdam", {"lr": 0.1}), ("RAdam", {"lr": 0.1}), ("ASGD", {"lr": 0.1}),
              ("Rprop", {"lr": 0.1}), ("LBFGS", {"lr": 0.5, "max_iter": 4}),
              ("LBFGS", {"lr": 0.5, "max_iter": 4, "line_search_fn": "strong_wolfe"})]


def _complex_training(lib, name, settings, steps, state=None, start=None):
    p_values, q_values = start or (np.array([1 + 2j, -0.5 + 0.25j, 3j]), np.array([0.5, -1.0]))
    p = lib.nn.Parameter(lib.tensor(p_values))
    q = lib.nn.Parameter(lib.tensor(q_values))
    optimizer = getattr(lib.optim, name)([p, q], **settings)
    if state is not None:
        optimizer.load_state_dict(state)
    for _ in range(steps):
        def closure():
            optimizer.zero_grad()
            loss = (p * p.conj()).real.sum() + (p.sum() * q[0]).abs() + (q ** 2).sum()
            loss.backward()
            return loss
        optimizer.step(closure)
    return p, q, optimizer


@pytest.mark.parametrize("name, settings", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_optimizers_update_complex_parameters_as_pytorch(name, settings):
    """As PyTorch's, each complex parameter is updated as a real tensor of (real, imag) pairs, its state kept as
    complex tensors: the parameters after 5 steps agree, and PyTorch resumes minigrad's run after 3 steps (its
    parameters and state dict carried across in a checkpoint) as it resumes its own (not always where the
    uninterrupted run ends: PyTorch's load_state_dict casts NAdam's float32 mu_product to a float parameter's
    dtype)."""
    results = {lib: _complex_training(lib, name, settings, 5) for lib in (torch, minigrad)}
    for index in (0, 1):
        np.testing.assert_allclose(results[minigrad][index].detach().numpy(),
                                   results[torch][index].detach().numpy(), rtol=1e-12, atol=1e-14)
    resumed = []
    for lib in (minigrad, torch):
        p, q, optimizer = _complex_training(lib, name, settings, 3)
        buffer = io.BytesIO()
        lib.save({"p": p.detach(), "q": q.detach(), "optimizer": optimizer.state_dict()}, buffer)
        buffer.seek(0)
        carried = torch.load(buffer)
        if name != "LBFGS":  # (LBFGS keeps its history flat over all parameters' real pairs, as PyTorch's)
            assert all(v.dtype == torch.complex128 for v in carried["optimizer"]["state"][0].values()
                       if isinstance(v, torch.Tensor) and v.ndim)
        resumed.append(_complex_training(torch, name, settings, 2, state=carried["optimizer"],
                                         start=(carried["p"].numpy(), carried["q"].numpy()))[0].detach().numpy())
    np.testing.assert_allclose(resumed[0], resumed[1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, error", [("Adafactor", RuntimeError), ("Muon", RuntimeError)])
def test_optimizers_that_refuse_complex_parameters(name, error):
    """Adafactor and Muon refuse them, with PyTorch's message."""
    p = minigrad.nn.Parameter(minigrad.tensor([[1 + 2j, 3j], [1j, 2 + 0j]]))
    optimizer = getattr(minigrad.optim, name)([p], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (p * p.conj()).real.sum()
        loss.backward()
        return loss
    closure()
    with pytest.raises(error, match="complex parameters"):
        optimizer.step(closure)


def test_complex_casts_item_and_lists():
    for lib in (torch, minigrad):
        z = lib.tensor([1 + 2j, 3 - 1j])
        assert z.is_complex() and not z.is_floating_point()
        assert z[1].item() == 3 - 1j and complex(z[0]) == 1 + 2j
        assert z.tolist() == [1 + 2j, 3 - 1j]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert z.float().tolist() == [1.0, 3.0]
        assert lib.isreal(z).tolist() == [False, False]
        special = lib.tensor([complex("nan+1j"), complex(0, float("inf")), complex(float("-inf"), 2)])
        assert special.nan_to_num(posinf=2.0).tolist() == [1j, 2j, complex(np.finfo(np.float32).min, 2)]
        assert lib.isinf(special).tolist() == [False, True, True]
        assert lib.isfinite(special).tolist() == [False, False, False]
        assert lib.zeros(2, dtype=lib.complex64, requires_grad=True).requires_grad


@pytest.mark.parametrize("dtype", ["float64", "complex64", "int64", "float16"])
def test_module_to_casts_float_and_complex_tensors_as_pytorch(dtype):
    """Module.to(dtype): floating point and complex parameters take it (a complex one cast to a float loses its
    imaginary part), integer buffers keep theirs; a complex dtype warns, an integer one is refused."""
    outcomes = []
    for lib in (torch, minigrad):
        module = lib.nn.Linear(2, 2)
        module.register_buffer("counter", lib.tensor([3]))
        module.register_parameter("z", lib.nn.Parameter(lib.tensor([1 + 2j])))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                module.to(getattr(lib, dtype))
            except TypeError as error:
                outcomes.append(("TypeError", str(error).split("dtype=")[0]))
                continue
        complex_warning = any("Complex modules are a new feature" in str(w.message) for w in caught)
        outcomes.append(tuple(str(t.dtype).split(".")[-1] for t in (module.weight, module.counter, module.z))
                        + (module.z.detach().numpy().tolist(), complex_warning))
    assert outcomes[1] == outcomes[0]


IN_PLACE = [
    "y = x * 1; y.real.mul_(2); out = y",
    "y = x * 1; y.imag.add_(1); out = y * x",
    "y = x * 1; lib.view_as_real(y)[:, 0] = 0; out = y",
    "y = x.clone(); y[1] = 3j; out = y * x",
    "y = x.clone(); y[0:2] *= x[1:3]; out = y",
    "y = x.clone(); y.mul_(1j); out = y.exp()",
    "y = x.clone(); y.conj_physical_(); out = y",
    "y = x * 2; z = y.view(2, 2); z[0, 0] = 1 + 1j; out = y",
    "y = x.clone(); y.masked_fill_(x.real > 0, 2j); out = y * x",
    "y = x.clone(); y.index_put_((lib.tensor([0, 2]),), lib.tensor([1j, 2.0 + 0j])); out = y * x",
    "y = x.clone(); y.index_put_((lib.tensor([0, 2]),), lib.tensor([1j, 2.0 + 0j], dtype=x.dtype)); out = y * x",
    "y = x.clone(); y += 1j; y -= x.conj(); out = y",
    "out = x[x.real > 0] * x.gather(0, lib.tensor([3, 0]))",
    "out = lib.einsum('i,j->ij', x, x.conj())",
    "out = lib.nn.functional.linear(x.reshape(2, 2), x.reshape(2, 2), x[:2])",
    "out = lib.nn.functional.normalize(x, dim=0) * lib.linalg.vector_norm(x, 1)",
]


@pytest.mark.parametrize("program", IN_PLACE)
def test_in_place_changes_and_views_of_complex_tensors_as_pytorch(program):
    """In-place ops on complex tensors and on their real, imaginary and real-pair views, under autograd: the
    result and the input's gradient, or PyTorch's error."""
    outcomes = []
    for lib in (torch, minigrad):
        x = lib.tensor(np.array([1 + 2j, -0.5 + 0.25j, 3j, 2 - 1j]), requires_grad=True)
        scope = {"lib": lib, "x": x}
        try:
            exec(program, scope)
            out = scope["out"]
            _real_loss(lib, out, seed=5).backward()
            outcomes.append(("value", out.detach().resolve_conj().numpy(), x.grad.resolve_conj().numpy()))
        except Exception as error:  # noqa: BLE001  (the error class and message are what is compared)
            outcomes.append(("error", type(error).__name__, str(error)))
    (expected, got) = outcomes
    assert got[0] == expected[0], (got, expected)
    if got[0] == "error":
        assert got[1:] == expected[1:]
    else:
        np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[2], expected[2], rtol=1e-12, atol=1e-14)


def test_cfloat_and_cdouble_casts():
    """``Tensor.cfloat()`` and ``cdouble()``, differentiable as PyTorch's casts."""
    seen = []
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y, z = x.cfloat(), x.cdouble()
        (y.abs().sum() + z.real.sum()).backward()
        seen.append((str(y.dtype).split(".")[-1], str(z.dtype).split(".")[-1], y.detach().numpy().tolist(),
                     x.grad.numpy().tolist()))
    assert seen[0] == seen[1]

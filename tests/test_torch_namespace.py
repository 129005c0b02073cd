"""The ``torch.*`` names that scripts reach besides the layers, against PyTorch: the native forms of functional ops
(their own argument orders and integer reductions), top-level in-place forms, ``*_copy`` forms of views, window
functions, constants and dtypes, legacy constructors and settings, ``torch.cpu``/``torch.version``/``torch.cond``."""
import warnings

import numpy as np
import pytest
import torch

import minigrad as M
from helpers import compare

rng = np.random.default_rng(0)


def _floats(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def _both(name):
    """The same top-level function of both libraries, as one callable taking the library."""
    return lambda lib, *args, **kwargs: getattr(lib, name)(*args, **kwargs)


def _on(fn):
    """fn(lib, *tensors) run on each library by compare (which calls one function with both kinds of tensors)."""
    return dict(fn=lambda *t: fn(M, *t), torch_fn=lambda *t: fn(torch, *t))


CASES = [  # (name, fn(lib, *inputs), inputs)
    ("conv2d", lambda L, x, w, b: L.conv2d(x, w, b, 1, 1), [_floats(2, 3, 6, 6), _floats(4, 3, 3, 3), _floats(4)]),
    ("conv1d", lambda L, x, w: L.conv1d(x, w, None, 2), [_floats(2, 3, 9), _floats(4, 3, 3)]),
    ("conv_transpose2d", lambda L, x, w: L.conv_transpose2d(x, w, None, 2, 1, 1), [_floats(1, 3, 4, 4),
                                                                                  _floats(3, 2, 3, 3)]),
    ("max_pool2d", lambda L, x: L.max_pool2d(x, 2), [_floats(2, 3, 6, 6)]),
    ("max_pool2d stride", lambda L, x: L.max_pool2d(x, 3, 2, 1), [_floats(2, 3, 7, 7)]),
    ("max_pool1d", lambda L, x: L.max_pool1d(x, 2), [_floats(2, 3, 8)]),
    ("max_pool3d", lambda L, x: L.max_pool3d(x, 2), [_floats(1, 2, 4, 4, 4)]),
    ("max_pool1d_with_indices", lambda L, x: L.max_pool1d_with_indices(x, 3, 2), [_floats(2, 3, 9)]),
    ("avg_pool1d", lambda L, x: L.avg_pool1d(x, 3, 2, 1), [_floats(2, 3, 9)]),
    ("adaptive_avg_pool1d", lambda L, x: L.adaptive_avg_pool1d(x, 4), [_floats(2, 3, 9)]),
    ("adaptive_max_pool1d", lambda L, x: L.adaptive_max_pool1d(x, 4), [_floats(2, 3, 9)]),
    ("batch_norm", lambda L, x, w, b: L.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
     [_floats(4, 3, 5, 5), _floats(3), _floats(3)]),
    ("instance_norm", lambda L, x, w, b: L.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
     [_floats(2, 3, 5, 5), _floats(3), _floats(3)]),
    ("layer_norm", lambda L, x, w, b: L.layer_norm(x, (5,), w, b, 1e-5), [_floats(2, 3, 5), _floats(5), _floats(5)]),
    ("group_norm", lambda L, x, w, b: L.group_norm(x, 2, w, b), [_floats(2, 4, 3, 3), _floats(4), _floats(4)]),
    ("rms_norm", lambda L, x, w: L.rms_norm(x, (5,), w), [_floats(2, 3, 5), _floats(5)]),
    ("embedding", lambda L, w, i: L.embedding(w, i), [_floats(6, 4), np.array([[0, 5, 2], [2, 2, 1]])]),
    ("embedding padding_idx", lambda L, w, i: L.embedding(w, i, 2), [_floats(6, 4), np.array([[0, 5, 2], [2, 2, 1]])]),
    ("dropout eval", lambda L, x: L.dropout(x, 0.5, False), [_floats(3, 4)]),
    ("feature_dropout eval", lambda L, x: L.feature_dropout(x, 0.5, False), [_floats(2, 3, 4)]),
    ("threshold", lambda L, x: L.threshold(x, 0.1, -2.0), [_floats(3, 4)]),
    ("bilinear", lambda L, a, b, w: L.bilinear(a, b, w), [_floats(3, 2), _floats(3, 4), _floats(5, 2, 4)]),
    ("channel_shuffle", lambda L, x: L.channel_shuffle(x, 2), [_floats(1, 4, 2, 2)]),
    ("constant_pad_nd", lambda L, x: L.constant_pad_nd(x, (1, 2, 0, 1), 0.5), [_floats(2, 3, 4)]),
    ("rrelu eval", lambda L, x: L.rrelu(x), [_floats(3, 4)]),
    ("kl_div", lambda L, x, t: L.kl_div(x, t), [_floats(3, 4), rng.uniform(0.1, 1, (3, 4)).astype(np.float32)]),
    ("kl_div mean", lambda L, x, t: L.kl_div(x, t, 1), [_floats(3, 4), rng.uniform(0.1, 1, (3, 4)).astype(np.float32)]),
    ("bce_with_logits default", lambda L, x, t: L.binary_cross_entropy_with_logits(x, t),
     [_floats(3, 4), rng.random((3, 4)).astype(np.float32)]),
    ("kl_div sum log_target", lambda L, x, t: L.kl_div(x, t, 2, log_target=True), [_floats(3, 4), _floats(3, 4)]),
    ("cosine_embedding_loss", lambda L, a, b, y: L.cosine_embedding_loss(a, b, y, 0.1, 0),
     [_floats(4, 5), _floats(4, 5), np.array([1, -1, 1, -1], np.float32)]),
    ("hinge_embedding_loss", lambda L, x, y: L.hinge_embedding_loss(x, y, 1.0, 2),
     [_floats(3, 4), np.where(rng.random((3, 4)) < 0.5, -1.0, 1.0).astype(np.float32)]),
    ("margin_ranking_loss", lambda L, a, b, y: L.margin_ranking_loss(a, b, y, 0.2),
     [_floats(5), _floats(5), np.array([1, -1, 1, 1, -1], np.float32)]),
    ("triplet_margin_loss", lambda L, a, p, n: L.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, True, 1),
     [_floats(4, 3), _floats(4, 3), _floats(4, 3)]),
    ("poisson_nll_loss", lambda L, x, t: L.poisson_nll_loss(x, t, True, True, 1e-8, 1),
     [_floats(3, 4), rng.uniform(0, 3, (3, 4)).astype(np.float32)]),

    ("ctc_loss", lambda L, lp, t: L.ctc_loss(lp.log_softmax(2), t, [6, 5], [3, 2], 0, 1, False),
     [_floats(6, 2, 4), np.array([[1, 2, 3], [3, 1, 0]])]),
    ("rsub", lambda L, x, y: L.rsub(x, y, alpha=2), [_floats(3), _floats(3)]),
    ("rsub number", lambda L, x: L.rsub(x, 3.5), [_floats(3)]),
    ("fill", lambda L, x: L.fill(x, 2.5) + x, [_floats(2, 3)]),
    ("fill tensor", lambda L, x, v: L.fill(x, v), [_floats(2, 3), np.array(1.5, np.float32)]),
    ("adjoint", lambda L, x: L.adjoint(x), [_floats(2, 3, 4)]),
    ("detach", lambda L, x: L.detach(x) * x, [_floats(3)]),
    ("narrow_copy", lambda L, x: L.narrow_copy(x, 1, 1, 2), [_floats(3, 4)]),
    ("split_with_sizes", lambda L, x: L.split_with_sizes(x, [1, 3], 1), [_floats(3, 4)]),
    ("unsafe_chunk", lambda L, x: L.unsafe_chunk(x, 2, 1), [_floats(3, 4)]),
    ("unsafe_split", lambda L, x: L.unsafe_split(x, 3), [_floats(7, 2)]),
    ("unsafe_split_with_sizes", lambda L, x: x.unsafe_split_with_sizes([2, 5]), [_floats(7, 2)]),
    ("permute_copy", lambda L, x: L.permute_copy(x, (2, 0, 1)), [_floats(2, 3, 4)]),
    ("transpose_copy", lambda L, x: L.transpose_copy(x, 0, 1), [_floats(2, 3)]),
    ("t_copy", lambda L, x: L.t_copy(x), [_floats(2, 3)]),
    ("diagonal_copy", lambda L, x: L.diagonal_copy(x, 1), [_floats(3, 4)]),
    ("expand_copy", lambda L, x: L.expand_copy(x, (3, 4)), [_floats(1, 4)]),
    ("select_copy", lambda L, x: L.select_copy(x, 1, 2), [_floats(3, 4)]),
    ("slice_copy", lambda L, x: L.slice_copy(x, 1, 1, None, 2), [_floats(3, 5)]),
    ("squeeze_copy", lambda L, x: L.squeeze_copy(x, 1), [_floats(3, 1, 4)]),
    ("unsqueeze_copy", lambda L, x: L.unsqueeze_copy(x, 0), [_floats(3, 4)]),
    ("view_copy", lambda L, x: L.view_copy(x, (4, 3)), [_floats(3, 4)]),
    ("unfold_copy", lambda L, x: L.unfold_copy(x, 1, 2, 1), [_floats(3, 4)]),
    ("unbind_copy", lambda L, x: L.unbind_copy(x, 1), [_floats(3, 2)]),
    ("split_copy", lambda L, x: L.split_copy(x, 2), [_floats(5, 2)]),
    ("alias_copy", lambda L, x: L.alias_copy(x), [_floats(3)]),
    ("trapz", lambda L, y: L.trapz(y, dim=1), [_floats(3, 5)]),
    ("cumulative_trapezoid", lambda L, y: L.cumulative_trapezoid(y, dx=0.5), [_floats(3, 5)]),
    ("cumulative_trapezoid x", lambda L, y, x: L.cumulative_trapezoid(y, x.cumsum(0), dim=0), [_floats(5, 2),
                                                                                           _floats(5)]),
    ("gradient", lambda L, y: L.gradient(y), [_floats(3, 5)]),
    ("gradient spacing edge_order 2", lambda L, y: L.gradient(y, spacing=[0.5], dim=1, edge_order=2),
     [_floats(3, 5)]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [_floats(2, 3, 3)]),
    ("matrix_exp large", lambda L, a: L.matrix_exp(a * 4), [_floats(4, 4)]),
    ("lstsq", lambda L, a, b: L.linalg.lstsq(a, b).solution, [_floats(5, 3), _floats(5, 2)]),
    ("interpolate area", lambda L, x: L.nn.functional.interpolate(x, size=(2, 3), mode="area"), [_floats(1, 2, 5, 7)]),
    ("interpolate area 1d", lambda L, x: L.nn.functional.interpolate(x, scale_factor=0.5, mode="area"),
     [_floats(1, 2, 8)]),
    ("i0", lambda L, x: L.i0(x), [_floats(5)]),
    ("special i0e ndtri", lambda L, x: L.special.i0e(x) + L.special.ndtri(x.sigmoid()), [_floats(6)]),
    ("solve_triangular upper", lambda L, a, b: L.linalg.solve_triangular(a + 4 * L.eye(3), b, upper=True),
     [_floats(3, 3), _floats(3, 2)]),
    ("solve_triangular lower right unit", lambda L, a, b: L.linalg.solve_triangular(
        a, b, upper=False, left=False, unitriangular=True), [_floats(3, 3), _floats(2, 3)]),
    ("vander", lambda L, x: L.linalg.vander(x, N=4), [_floats(3)]),
    ("cond", lambda L, a: L.linalg.cond(a + 3 * L.eye(3)), [_floats(3, 3)]),
    ("tensorinv", lambda L, a: L.linalg.tensorinv((a + 4 * L.eye(6)).reshape(6, 2, 3), ind=1), [_floats(6, 6)]),
    ("tensorsolve", lambda L, a, b: L.linalg.tensorsolve((a + 4 * L.eye(6)).reshape(2, 3, 2, 3), b),
     [_floats(6, 6), _floats(2, 3)]),
    ("methods i0 prelu matrix_exp", lambda L, x, w: x.i0() + x.prelu(w) + x[0, :2].reshape(1, 2).expand(2, 2)
     .matrix_exp().sum(), [_floats(2, 3), np.array([0.25], np.float32)]),
    ("as_strided", lambda L, x: x.as_strided((4, 3), (2, 1)) * 2, [_floats(10)]),
    ("as_strided offset", lambda L, x: L.as_strided(x, (3, 3), (4, 1), 1), [_floats(3, 4)]),
    ("as_strided of a view", lambda L, x: x[1:].as_strided((2, 2), (1, 3)), [_floats(3, 4)]),
    ("lp_pool3d", lambda L, x: L.nn.functional.lp_pool3d(x.abs() + 0.1, 2, 2), [_floats(1, 2, 4, 4, 4)]),
    ("LPPool3d", lambda L, x: L.nn.LPPool3d(3, (2, 2, 2), 1)(x.abs() + 0.1), [_floats(1, 2, 3, 3, 3)]),
    ("max_pool3d_with_indices", lambda L, x: L.nn.functional.max_pool3d_with_indices(x, 2), [_floats(1, 2, 4, 4, 4)]),
    ("adaptive_max_pool1d_with_indices", lambda L, x: L.nn.functional.adaptive_max_pool1d_with_indices(x, 2),
     [_floats(2, 5)]),
    ("adaptive_max_pool2d_with_indices", lambda L, x: L.nn.functional.adaptive_max_pool2d_with_indices(x, 3),
     [_floats(2, 4, 5)]),
    ("interpolate nearest-exact", lambda L, x: L.nn.functional.interpolate(x, scale_factor=1.5, mode="nearest-exact"),
     [_floats(1, 2, 4, 5)]),
    ("interpolate nearest-exact size 3-d", lambda L, x: L.nn.functional.interpolate(x, size=(2, 5, 3),
                                                                                     mode="nearest-exact"),
     [_floats(1, 1, 3, 4, 5)]),
]


@pytest.mark.parametrize("name, fn, inputs", CASES, ids=[c[0] for c in CASES])
def test_native_forms_equal_torch(name, fn, inputs):
    compare(inputs=inputs, **_on(fn))


def test_bce_with_logits_native_form_with_pos_weight():  # (PyTorch differentiates neither target nor pos_weight)
    compare(inputs=[_floats(3, 4), rng.random((3, 4)).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)],
            requires_grad=[True, False, False],
            **_on(lambda L, x, t, pw: L.binary_cross_entropy_with_logits(x, t, None, pw, 2)))


def test_native_forms_are_the_functional_ops():
    """The same numbers as F's, in the native argument orders (a wrong order could not pass the cases above)."""
    x, w, b = M.randn(4, 3, 5, 5), M.randn(3), M.randn(3)
    mean, var = M.zeros(3), M.ones(3)
    expected = M.nn.functional.batch_norm(x, mean.clone(), var.clone(), w, b, True, 0.1, 1e-5)
    assert M.equal(M.batch_norm(x, w, b, mean, var, True, 0.1, 1e-5, False), expected)
    t_mean, t_var = torch.zeros(3), torch.ones(3)
    torch.batch_norm(torch.tensor(x.numpy()), torch.tensor(w.numpy()), torch.tensor(b.numpy()), t_mean, t_var, True,
                     0.1, 1e-5, False)
    np.testing.assert_allclose(mean.numpy(), t_mean.numpy(), rtol=1e-5, atol=1e-6)  # running statistics updated
    np.testing.assert_allclose(var.numpy(), t_var.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="reduction"):
        M.kl_div(M.zeros(2), M.zeros(2), 3)


def test_training_dropouts_zero_what_torch_zeroes():
    """Dropout draws differ between the libraries; the pattern does not: elements, or whole channels, zeroed and
    the rest scaled by 1 / (1 - p)."""
    M.manual_seed(0)
    x = M.ones(8, 6, 5, 5)
    dropped = M.dropout(x, 0.5, True)
    assert set(np.unique(dropped.numpy())) == {0.0, 2.0}
    channels = M.feature_dropout(x, 0.5, True).numpy()
    assert ((channels == 0).all(axis=(2, 3)) | (channels == 2).all(axis=(2, 3))).all()
    assert 0 < (channels == 0).mean() < 1
    volumes = M.nn.functional.dropout3d(M.ones(4, 6, 2, 3, 3), 0.5).numpy()
    assert ((volumes == 0).all(axis=(2, 3, 4)) | (volumes == 2).all(axis=(2, 3, 4))).all()
    with pytest.warns(UserWarning, match="dropout3d"):
        M.nn.functional.dropout3d(M.ones(2, 3, 4), 0.5)
    assert set(np.unique(M.nn.Dropout3d(0.25)(M.ones(2, 3, 2, 2, 2)).numpy())) <= {0.0, np.float32(1 / 0.75)}
    assert repr(M.nn.Dropout3d()) == repr(torch.nn.Dropout3d())
    y = M.ones(3, 4)
    assert M.dropout_(y, 1.0, True) is y and not y.numpy().any()
    z = M.ones(2, 3)
    M.selu_(z), M.celu_(z, 2.0)
    t = torch.ones(2, 3)
    torch.selu_(t), torch.celu_(t, 2.0)
    np.testing.assert_allclose(z.numpy(), t.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["relu_", "sigmoid_", "exp_", "tanh_", "abs_", "neg_", "sqrt_", "zero_",
                                  "clamp_", "fill_", "round_"])
def test_top_level_in_place_forms_change_their_argument(name):
    values = np.abs(_floats(3, 4)) + 0.1
    args = {"clamp_": (0.2, 0.9), "fill_": (1.5,)}.get(name, ())
    x, t = M.tensor(values), torch.tensor(values)
    assert getattr(M, name)(x, *args) is x
    getattr(torch, name)(t, *args)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)


def test_copy_forms_are_not_views():
    x = M.arange(12.0).reshape(3, 4)
    for copy in (M.transpose_copy(x, 0, 1), M.view_copy(x, (12,)), M.select_copy(x, 0, 1), M.detach_copy(x)):
        copy.add_(100)
    assert x.tolist() == M.arange(12.0).reshape(3, 4).tolist()


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                  "kaiser_window"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows_equal_torch(name, dtype):
    # The cosines are rounded from float64 (PyTorch's vectorized cosine can differ by an ulp); Kaiser's float32
    # Bessel function is PyTorch's own float32 evaluation, ours is float64 rounded once; in float64 numpy's I0 and
    # PyTorch's sum the same Chebyshev series (Cephes') with their own exp: up to 7 ulps apart.
    ulp = np.finfo(dtype).eps
    atol = {("kaiser_window", "float32"): 1.1e-6, ("kaiser_window", "float64"): 8 * ulp}.get((name, dtype), ulp)
    for length in (0, 1, 2, 3, 8, 33, 100):
        for periodic in (True, False):
            ours = getattr(M, name)(length, periodic, dtype=getattr(M, dtype))
            theirs = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype))
            assert ours.dtype == np.dtype(dtype) and tuple(ours.shape) == tuple(theirs.shape)
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=atol, err_msg=f"{length} {periodic}")
    assert M.hamming_window(9, False, 0.5, 0.5).tolist() == M.hann_window(9, False).tolist()
    np.testing.assert_allclose(M.kaiser_window(10, True, 5.0).numpy(), torch.kaiser_window(10, True, 5.0).numpy(),
                               atol=1.1e-6)
    with pytest.raises(RuntimeError, match="floating point"):
        M.hann_window(4, dtype=M.int64)


def test_constants_dtypes_and_typed_constructors():
    for name in ("pi", "e", "inf"):
        assert getattr(M, name) == getattr(torch, name)
    assert np.isnan(M.nan) and M.newaxis is None and M.zeros(3)[M.newaxis].shape == (1, 3)
    for name in ("int8", "int16", "short", "uint16", "uint32", "uint64"):
        assert str(getattr(M, name)) == str(getattr(torch, name)).replace("torch.", "")
    x, t = M.tensor([1.7, -2.2]), torch.tensor([1.7, -2.2])
    for method in ("short", "char"):
        ours, theirs = getattr(x, method)(), getattr(t, method)()
        assert ours.type() == theirs.type() and ours.tolist() == theirs.tolist()
    assert M.ShortTensor([3, 4]).type() == torch.ShortTensor([3, 4]).type()
    assert M.CharTensor(2, 3).shape == (2, 3) and M.CharTensor(2, 3).dtype == np.int8
    assert (M.tensor([1, 2], dtype=M.int8) + 1).dtype == np.int8


def test_layouts_as_torch():
    for name in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged"):
        assert repr(getattr(M, name)).replace("minigrad", "torch") == repr(getattr(torch, name))
        assert isinstance(getattr(M, name), M.layout)
    x = M.ones(2, 3)
    assert x.layout == M.strided and x.layout != M.sparse_coo and x.t().layout is M.strided
    assert x.const_data_ptr() == x.mutable_data_ptr() == x.data_ptr() != 0


def test_legacy_settings_and_device_modules():
    with pytest.warns(UserWarning, match="deprecated"):
        M.set_default_tensor_type("torch.DoubleTensor")
    try:
        assert M.ones(1).dtype == np.float64 and M.tensor(1.5).dtype == np.float64
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            M.set_default_tensor_type(M.FloatTensor)
    assert M.ones(1).dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError, match="only floating-point types"):
            M.set_default_tensor_type("torch.LongTensor")
        with pytest.raises(NotImplementedError):
            M.set_default_tensor_type("torch.cuda.FloatTensor")
    assert M.get_default_device() == M.device("cpu") and str(M.get_default_device()) == str(torch.get_default_device())
    M.set_default_device("cpu"), M.set_default_device(None)
    with pytest.raises(NotImplementedError):
        M.set_default_device("cuda")
    M.set_num_interop_threads(3)
    assert M.get_num_interop_threads() == 3
    assert M.cpu.is_available() and M.cpu.device_count() == 1 and M.cpu.current_device() == torch.cpu.current_device()
    M.cpu.synchronize()
    assert M.version.cuda is None and M.version.__version__ == M.__version__
    assert M.scalar_tensor(3).dtype == np.float32 and M.scalar_tensor(3, dtype=M.int64).item() == 3
    assert M.empty_strided((2, 3), (1, 2)).shape == (2, 3) and M.empty_permuted((2, 3), (1, 0)).shape == (2, 3)
    x = M.zeros(2)
    for name in ("is_xpu", "is_mps", "is_ipu", "is_maia", "is_mtia", "is_vulkan", "is_xla", "is_sparse_csr"):
        assert getattr(x, name) is False and getattr(torch.zeros(2), name) is False


def test_cond_takes_the_branch_and_its_gradient():
    x = M.tensor([1.0, 2.0], requires_grad=True)
    out = M.cond(M.tensor(True), lambda v: (v * v).sum(), lambda v: v.sum(), (x,))
    out.backward()
    assert x.grad.tolist() == [2.0, 4.0]
    assert M.cond(False, lambda v: v + 1, lambda v: v - 1, (M.ones(1),)).tolist() == [0.0]
    with pytest.raises(RuntimeError, match="single-element"):
        M.cond(M.ones(2) > 0, lambda: 1, lambda: 2)


def test_creation_dtypes_shifts_rank_and_random_counts():
    for value in (True, 3, 2.5):
        assert str(M.full((2,), value).dtype) == str(torch.full((2,), value).dtype).replace("torch.", "")
    for lib in (M, torch):
        a = lib.tensor([1, -8, 5], dtype=lib.int32)
        b = a.clone()
        b <<= 1
        b >>= 2
        results = [a << 2, a >> 1, 3 << lib.tensor([1, 2]), lib.bitwise_left_shift(a, lib.tensor([0, 1, 2])),
                   lib.bitwise_right_shift(a, 2), b]
        assert (a << 2).dtype == a.dtype
        if lib is M:
            ours = [r.tolist() for r in results]
        else:
            assert ours == [r.tolist() for r in results]
    for matrix, rank in (([[1.0, 2.0], [2.0, 4.0]], 1), (np.eye(3), 3)):
        assert M.linalg.matrix_rank(M.tensor(matrix)).item() == torch.linalg.matrix_rank(torch.tensor(matrix)) == rank
    assert M.linalg.matrix_rank(M.ones(2, 3, 3)).tolist() == [1, 1]
    M.manual_seed(0)
    counts = M.poisson(M.full((20000,), 3.0))
    assert counts.dtype == np.float32 and abs(counts.mean().item() - 3.0) < 0.05 and (counts == counts.round()).all()
    trials = M.binomial(M.full((20000,), 10.0), M.full((20000,), 0.3))
    assert abs(trials.mean().item() - 3.0) < 0.05 and trials.max().item() <= 10


def test_grad_fn_names_print_as_torch():
    def results(lib):
        x, F = lib.ones(2, requires_grad=True), lib.nn.functional
        return [x * 2, (x * 2).sum(), (x + 1).mean(), F.relu(x), x.reshape(2, 1), x.exp(), x.tanh(), x - 1, x / 3,
                F.cross_entropy(lib.ones(2, 3, requires_grad=True), lib.tensor([0, 1])), x.sigmoid(), x ** 2]
    for ours, theirs in zip(results(M), results(torch)):
        assert repr(ours) == repr(theirs) and ours.grad_fn.name() == theirs.grad_fn.name()

    class Square(M.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            return 2 * ctx.saved_tensors[0] * g
    assert "grad_fn=<SquareBackward>" in repr(Square.apply(M.ones(2, requires_grad=True)))


def test_in_place_math_datasets_init_aliases_and_weight_format():
    for lib in (M, torch):
        x = lib.tensor([1.0, -2.0, 3.0])
        results = []
        for name, other in (("copysign_", lib.tensor([-1.0, 1.0, -1.0])), ("ldexp_", lib.tensor([1, 2, 3])),
                            ("nextafter_", lib.tensor([2.0, 2.0, 2.0]))):
            y = x.clone()
            assert getattr(y, name)(other) is y
            results.append(y.tolist())
        stacked = lib.utils.data.StackDataset(lib.utils.data.TensorDataset(lib.arange(3.0)), list("abc"))
        results += [len(stacked), stacked[1][1], lib.utils.data.StackDataset(x=[1, 2], y=[3, 4])[1]]
        module = lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4))
        assert lib.nn.utils.convert_conv2d_weight_memory_format(module, lib.channels_last) is module
        with pytest.warns(FutureWarning, match="deprecated"):
            lib.nn.init.xavier_uniform(lib.empty(3, 3))
        if lib is M:
            ours = results
        else:
            assert ours == results
    with pytest.raises(ValueError, match="Size mismatch"):
        M.utils.data.StackDataset([1, 2], [3])
    matrix = _floats(3, 3) + 3 * np.eye(3, dtype=np.float32)
    for bad in (float("inf"), float("nan")):  # PyTorch's series gives NaN everywhere
        assert np.isnan(M.linalg.matrix_exp(M.tensor([[bad, 0.0], [0.0, 1.0]])).numpy()).all()
    for p in ("fro", 1, np.inf):
        np.testing.assert_allclose(M.linalg.cond(M.tensor(matrix), p).item(),
                                   torch.linalg.cond(torch.tensor(matrix), p).item(), rtol=1e-5)


def test_ensemble_by_stack_module_state_and_vmap():
    """PyTorch's model-ensembling idiom: stacked states, functional_call, vmap over the models."""
    x = _floats(5, 3).astype(np.float64)
    outputs = []
    state = [torch.nn.Linear(3, 2).double().state_dict() for _ in range(4)]
    for lib in (M, torch):
        models = [lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh()).double() for _ in range(4)]
        for model, weights in zip(models, state):
            model[0].load_state_dict({k: v.numpy() if lib is M else v for k, v in weights.items()})
        params, buffers = lib.func.stack_module_state(models)
        assert all(p.is_leaf and p.requires_grad for p in params.values())
        functional = lib.func.functionalize(lambda p, b, inputs: lib.func.functional_call(models[0], (p, b), (inputs,)))
        outputs.append(lib.func.vmap(functional, in_dims=(0, 0, None))(params, buffers, lib.tensor(x)))
    np.testing.assert_allclose(outputs[0].detach().numpy(), outputs[1].detach().numpy(), rtol=1e-12)


def test_cholesky_solve_inverse_and_triangular_solve_against_torch():
    """Values and gradients in float64; a junk upper triangle is not read by the forward pass, and the factor's
    gradient is PyTorch's (every entry, through the factor as given)."""
    rng = np.random.default_rng(8)
    a = rng.standard_normal((2, 3, 3))
    factor = np.linalg.cholesky(a @ a.transpose(0, 2, 1) + 3 * np.eye(3)) + np.triu(rng.standard_normal((3, 3)), 1)
    rhs = rng.standard_normal((2, 3, 2))
    for upper in (False, True):
        given = factor.transpose(0, 2, 1) if upper else factor
        results = []
        for library in (M, torch):
            L, B = library.tensor(given, requires_grad=True), library.tensor(rhs, requires_grad=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (PyTorch's deprecation of triangular_solve)
                outputs = [library.cholesky_solve(B, L, upper=upper), library.cholesky_inverse(L[0], upper=upper),
                           library.triangular_solve(B, L, upper=upper).solution,
                           library.triangular_solve(B, L, upper=upper, transpose=True, unitriangular=True)[0],
                           B.cholesky_solve(L, upper)]
            sum(o.sum() for o in outputs).backward()
            results.append([o.detach().numpy() for o in outputs] + [L.grad.numpy(), B.grad.numpy()])
        for got, expected in zip(*results):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("call", ["L.ones_like(L.ones(2), memory_format=L.preserve_format, requires_grad=True)",
                                  "L.zeros_like(L.ones(2), layout=L.strided)", "L.tensor([1.0], pin_memory=False)",
                                  "L.full_like(L.ones(2), 3, memory_format=L.preserve_format)",
                                  "L.empty_like(L.ones(2, 3), memory_format=L.contiguous_format).shape"])
def test_creation_keywords_as_torch(call):
    """The keywords PyTorch's creation functions take (layout, memory_format, pin_memory), accepted."""
    assert repr(eval(call, {"L": M})).replace("minigrad", "torch") == repr(eval(call, {"L": torch}))


def test_absent_accelerators_debug_mode_and_anomaly_switch_as_torch():
    """``torch.mps`` and ``torch.xpu`` answer as on PyTorch's CPU build (scripts probe them when picking a device),
    ``set_deterministic_debug_mode`` is use_deterministic_algorithms by number or name, ``set_anomaly_enabled``
    switches anomaly detection (all were missing)."""
    seen = []
    for lib in (M, torch):
        probes = [lib.mps.is_available(), lib.xpu.is_available(), lib.mps.device_count(), lib.xpu.device_count()]
        lib.mps.manual_seed(0)
        modes = []
        for mode in ("warn", 2, "default", 1, 0):
            lib.set_deterministic_debug_mode(mode)
            modes.append((lib.get_deterministic_debug_mode(), lib.are_deterministic_algorithms_enabled(),
                          lib.is_deterministic_algorithms_warn_only_enabled()))
        errors = []
        for bad in (5, "loud"):
            with pytest.raises(RuntimeError) as info:
                lib.set_deterministic_debug_mode(bad)
            errors.append(str(info.value))
        lib.set_anomaly_enabled(True)
        anomaly = [lib.is_anomaly_enabled()]
        lib.set_anomaly_enabled(False)
        anomaly.append(lib.is_anomaly_enabled())
        seen.append((probes, modes, errors, anomaly))
    assert seen[0] == seen[1]

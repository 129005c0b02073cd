"""CPU/CUDA backend pairs called with the same inputs in the simulator: the outputs agree. Every function of the
families whose per-element rules are shared (backends/elements: convolution, pooling, batch norm, optimizer
updates) and of the activation and resizing families, the reductions and the cross-entropy pair.
(tests/test_cuda_backend_parity.py checks names and parameters; the elementwise, shape and matmul pairs are compared
with PyTorch through the device case tables, tests/devices.py.)"""
import numpy as np
import pytest

from minigrad.backends import cpu

TOL = dict(rtol=1e-5, atol=1e-5)
rng = np.random.default_rng(0)
cuda = None  # the CUDA backend, imported once device 'cuda' is known to be usable (conftest skips otherwise)


@pytest.fixture(autouse=True)
def _cuda_backend():
    global cuda
    import minigrad.backends.cuda
    cuda = minigrad.backends.cuda


def arrays(*shapes):
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def both(name, *args, **kwargs):
    """(CPU result, CUDA result read back), the CUDA call given device copies of the array arguments."""
    def on_device(a):
        return cuda.from_numpy(a) if isinstance(a, np.ndarray) else a

    ours = getattr(cpu, name)(*args, **kwargs)
    theirs = getattr(cuda, name)(*[on_device(a) for a in args], **{k: on_device(v) for k, v in kwargs.items()})
    return ours, theirs


def assert_same(ours, theirs, **tol):
    if isinstance(ours, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, **tol)
    elif ours is None:
        assert theirs is None
    else:
        np.testing.assert_allclose(cuda.to_numpy(theirs), np.asarray(ours), **(tol or TOL))


GEOMETRIES = [((1, 1), (1, 1), (1, 1), 1), ((2, 1), (0, 2), (1, 2), 1), ((1, 2), (1, 0), (2, 1), 2)]


@pytest.mark.parametrize("stride,padding,dilation,groups", GEOMETRIES, ids=str)
def test_convolution_products(stride, padding, dilation, groups):
    x, w, b = arrays((2, 4, 7, 6), (4, 4 // groups, 3, 2), (4,))
    Ho = (7 + 2 * padding[0] - dilation[0] * 2 - 1) // stride[0] + 1
    Wo = (6 + 2 * padding[1] - dilation[1] * 1 - 1) // stride[1] + 1
    geometry = (stride, padding, dilation, groups)
    out, out_cuda = both("conv2d", x, w, b, *geometry, (Ho, Wo))
    assert_same(out, out_cuda)
    (g,) = arrays(out.shape)
    assert_same(*both("conv_transpose2d", g, w, *geometry, x.shape))
    assert_same(*both("conv2d_weight_grad", x, g, w, *geometry), rtol=1e-4, atol=1e-4)
    assert_same(*both("conv2d_bias_grad", g), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kernel,stride,padding,dilation", [((2, 2), (2, 2), (0, 0), (1, 1)),
                                                            ((3, 2), (2, 1), (1, 1), (1, 2))], ids=str)
def test_pooling(kernel, stride, padding, dilation):
    (x,) = arrays((2, 2, 7, 6))
    x[0, 0, 1, 1] = np.nan  # the shared max rule: a NaN wins its windows
    Ho = (7 + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    Wo = (6 + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    (out, idx), (out_cuda, idx_cuda) = both("max_pool2d_forward", x, kernel, stride, padding, dilation, (Ho, Wo))
    assert_same(out, out_cuda)
    np.testing.assert_array_equal(cuda.to_numpy(idx_cuda), idx)
    (g,) = arrays(out.shape)
    assert_same(*both("max_pool2d_backward", g, idx, x.shape))
    if dilation == (1, 1):
        for include, divisor in ((True, 0), (False, 3)):  # (0: no divisor_override, as the op passes it)
            avg, avg_cuda = both("avg_pool2d_forward", np.nan_to_num(x), kernel, stride, padding, (Ho, Wo), include,
                                 divisor)
            assert_same(avg, avg_cuda)
            assert_same(*both("avg_pool2d_backward", g, x.shape, kernel, stride, padding, include, divisor))


@pytest.mark.parametrize("relu", [False, True])
def test_batch_norm(relu):
    x, w, b, g = arrays((3, 4, 5, 2), (4,), (4,), (3, 4, 5, 2))
    (y, mean, invstd, var), (y_c, mean_c, invstd_c, var_c) = both("batch_norm_train_forward", x, w, b, 1e-5, relu)
    assert_same((y, mean, invstd, var), (y_c, mean_c, invstd_c, var_c), rtol=1e-4, atol=1e-5)
    needs = (True, True, True)
    ours = cpu.batch_norm_backward(g, x, mean, invstd, w, b, True, relu, needs)
    theirs = cuda.batch_norm_backward(*[cuda.from_numpy(a) for a in (g, x)], mean_c, invstd_c,
                                      *[cuda.from_numpy(a) for a in (w, b)], True, relu, needs)
    assert_same(ours, theirs, rtol=1e-4, atol=1e-4)
    running_mean, running_var = np.float32([0.5, -1, 0, 2]), np.float32([1, 0.3, 2.5, 0.01])
    evaluated, evaluated_c = both("batch_norm_eval_forward", x, running_mean, running_var, w, b, 1e-5, relu)
    assert_same(evaluated, evaluated_c, rtol=1e-4, atol=1e-5)
    # (the gradients' 1/sigma, taken in float64 and rounded once, is the same float on both)
    np.testing.assert_array_equal(cuda.to_numpy(evaluated_c[3]), evaluated[3])
    ours = cpu.batch_norm_backward(g, x, *evaluated[1:3], w, b, False, relu, needs, evaluated[3])
    theirs = cuda.batch_norm_backward(*[cuda.from_numpy(a) for a in (g, x)], *evaluated_c[1:3],
                                      *[cuda.from_numpy(a) for a in (w, b)], False, relu, needs, evaluated_c[3])
    assert_same(ours, theirs, rtol=1e-4, atol=1e-4)
    # eval mode: the input gradient is g * invstd * weight exactly, the input taking no part
    np.testing.assert_array_equal(cuda.to_numpy(theirs[0]), ours[0])


def test_optimizer_updates():
    p, grad, buf = arrays((10,), (10,), (10,))
    m, v = arrays((10,), (10,))
    v = np.abs(v)
    for name, args in (("sgd_step", (p, grad, buf, 0.1, 0.9, 0.1, 0.01, True, False, False)),
                       ("adam_step", (p, grad, m, v, v.copy(), 0.9, 0.999, 1e-8, 0.01, 0.05, 0.3, True, False))):
        host = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        device = [cuda.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
        getattr(cpu, name)(*host)
        getattr(cuda, name)(*device)
        for h, d in zip(host, device):  # every array is updated in place: parameter and state alike
            if isinstance(h, np.ndarray):
                np.testing.assert_allclose(cuda.to_numpy(d), h, rtol=1e-6, atol=1e-7, err_msg=name)


ACTIVATIONS = [("relu", "relu_backward", ()), ("sigmoid", "sigmoid_backward", ()), ("tanh", "tanh_backward", ()),
               ("softmax", "softmax_backward", (1,)), ("log_softmax", "log_softmax_backward", (1,))]


@pytest.mark.parametrize("forward,backward,extra", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations(forward, backward, extra):
    x, g = arrays((3, 4, 2), (3, 4, 2))
    y, y_cuda = both(forward, x, *extra)
    assert_same(y, y_cuda)
    assert_same(getattr(cpu, backward)(g, y, *extra), getattr(cuda, backward)(cuda.from_numpy(g), y_cuda, *extra))
    assert_same(*both("leaky_relu", x, 0.2))
    assert_same(*both("leaky_relu_backward", g, x, 0.2))


@pytest.mark.parametrize("name", ["sum", "mean", "var", "amax", "amin", "argmax", "argmin"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, True), ((0, 2), False)], ids=str)
def test_reductions(name, axis, keepdims):
    (x,) = arrays((3, 5, 4))
    if name in ("argmax", "argmin") and isinstance(axis, tuple):
        return  # (one axis or all, as PyTorch's)
    ours, theirs = both(name, x, axis, keepdims=keepdims)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-5)


def test_resize_and_crop():
    x, = arrays((2, 3, 5, 4))
    no_scale = (None, None)  # the output size alone sets the source indices
    for align, scales in ((False, no_scale), (True, no_scale), (False, (1.5, 2.1))):
        y, y_cuda = both("interpolate_bilinear", x, (7, 9), align, scales)
        assert_same(y, y_cuda)
        (g,) = arrays(y.shape)
        assert_same(*both("interpolate_bilinear_backward", g, x.shape, align, scales))
    y, y_cuda = both("interpolate_nearest", x, (8, 3), no_scale)
    assert_same(y, y_cuda)
    (g,) = arrays(y.shape)
    assert_same(*both("interpolate_nearest_backward", g, x.shape, no_scale))
    assert_same(*both("crop2d", x, 1, 0, 3, 2))
    (g,) = arrays((2, 3, 3, 2))
    assert_same(*both("crop2d_backward", g, x.shape, 1, 0))


def test_cross_entropy():
    x, w = arrays((2, 4, 6), (4,))
    target = rng.integers(0, 4, (2, 6))
    target[0, 1] = -100
    ours, theirs = both("cross_entropy_forward", x, target, w, -100)
    assert_same((ours[0], ours[2]), (theirs[0], theirs[2]))  # (the middle one: each backend's state for backward)
    (scale,) = arrays((2, 6))
    assert_same(cpu.cross_entropy_backward(x, target, w, -100, ours[1], scale),
                cuda.cross_entropy_backward(*[cuda.from_numpy(a) for a in (x, target, w)], -100, theirs[1],
                                            cuda.from_numpy(scale)))


@pytest.mark.parametrize("affine", [(True, True), (False, True), (False, False)], ids=str)
def test_layer_norm_rows(affine):
    x, g, w, b = arrays((3, 10), (3, 10), (10,), (10,))
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    ours, theirs = both("layer_norm_forward", x, w, b, 1e-5)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-6)
    _, mean, rstd = ours
    for need in ((True, affine[0], affine[1]), (False, True, True)):
        assert_same(*both("layer_norm_backward", g, x, mean, rstd, w, need), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("affine", [(True, True), (False, True), (False, False)], ids=str)
def test_group_norm_blocks(affine):
    x, g, w, b = arrays((2, 6, 3, 2), (2, 6, 3, 2), (6,), (6,))
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    ours, theirs = both("group_norm_forward", x, w, b, 3, 1e-5)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-6)
    _, mean, rstd = ours
    for need in ((True, affine[0], affine[1]), (False, True, True)):
        assert_same(*both("group_norm_backward", g, x, mean, rstd, w, 3, need), rtol=1e-5, atol=1e-5)

"""The algebra of the transposed convolution, executable: C = conv2d_matrix(w), conv2d(x) = C x,
conv_transpose2d(y) = C^T y, and conv_transpose2d as a conv2d of the flipped kernel over a zero-stuffed input."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from helpers import compare

TOL = dict(atol=1e-4, rtol=1e-4)


def _tensor(a):
    return minigrad.tensor(np.asarray(a, dtype=np.float32))


def test_four_by_four_input_three_by_three_kernel():
    """The textbook example: C is 4x16, each row the kernel laid out over the 4x4 input with zeros between."""
    w = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
    C = F.conv2d_matrix(_tensor(w), (4, 4))
    assert tuple(C.shape) == (4, 16) and C.dtype == minigrad.float32
    k = w[0, 0]
    first_row = np.concatenate([k[0], [0], k[1], [0], k[2], [0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(C.numpy()[0], first_row)
    np.testing.assert_array_equal(C.numpy()[1], np.roll(first_row, 1))
    np.testing.assert_array_equal(C.numpy()[2], np.roll(first_row, 4))
    np.testing.assert_array_equal(C.numpy()[3], np.roll(first_row, 5))
    x = np.random.default_rng(0).standard_normal((1, 1, 4, 4)).astype(np.float32)
    y = F.conv2d(_tensor(x), _tensor(w))
    np.testing.assert_allclose(y.numpy().reshape(-1), C.numpy() @ x.reshape(-1), **TOL)
    # C^T maps the 2x2 output back to a 4x4 map: the shape of x, not its values
    back = F.conv_transpose2d(y, _tensor(w))
    assert tuple(back.shape) == (1, 1, 4, 4)
    np.testing.assert_allclose(back.numpy().reshape(-1), C.numpy().T @ y.numpy().reshape(-1), **TOL)
    assert not np.allclose(back.numpy(), x)


def _matrix_configs(count, seed):
    rng = random.Random(seed)
    configs = []
    for _ in range(count):
        groups = rng.choice([1, 1, 2])
        kernel = (rng.randint(1, 4), rng.randint(1, 4))
        stride, dilation = (rng.randint(1, 3), rng.randint(1, 3)), (rng.randint(1, 2), rng.randint(1, 2))
        padding = tuple(rng.randint(0, d * (k - 1)) for k, d in zip(kernel, dilation))
        size = tuple(d * (k - 1) + 1 + rng.randint(0, 5) for k, d in zip(kernel, dilation))
        configs.append(dict(cin=groups * rng.randint(1, 2), cout=groups * rng.randint(1, 3), kernel=kernel,
                            stride=stride, padding=padding, dilation=dilation, groups=groups, size=size))
    return configs


def _setup(c, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((c["cout"], c["cin"] // c["groups"]) + c["kernel"]).astype(np.float32)
    x = rng.standard_normal((1, c["cin"]) + c["size"]).astype(np.float32)
    args = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=c["groups"])
    return w, x, args


@pytest.mark.parametrize("config", _matrix_configs(25, seed=7), ids=str)
def test_matrix_applies_conv2d_and_its_transpose_applies_conv_transpose2d(config):
    w, x, args = _setup(config)
    C = F.conv2d_matrix(_tensor(w), config["size"], **args).numpy()
    y = F.conv2d(_tensor(x), _tensor(w), **args)
    assert C.shape == (y.numel(), x.size)
    np.testing.assert_allclose(y.numpy().reshape(-1), C @ x.reshape(-1), **TOL)
    # conv_transpose2d reaches x's size exactly with the output_padding that conv2d's floor division dropped
    plain = F.conv_transpose2d_output_size(y.shape[2:], config["kernel"], config["stride"], config["padding"],
                                           dilation=config["dilation"])
    output_padding = tuple(s - p for s, p in zip(config["size"], plain))
    back = F.conv_transpose2d(y, _tensor(w), output_padding=output_padding, **args)
    np.testing.assert_allclose(back.numpy().reshape(-1), C.T @ y.numpy().reshape(-1), **TOL)


@pytest.mark.parametrize("config", _matrix_configs(10, seed=11), ids=str)
def test_matrix_equals_torch_jacobian_and_its_weight_gradient(config):
    """PyTorch's autograd Jacobian of conv2d with respect to its input is the same matrix (built independently)."""
    w, x, args = _setup(config)

    def torch_matrix(weight):
        probe = torch.tensor(x)
        jac = torch.autograd.functional.jacobian(lambda v: torch.nn.functional.conv2d(v, weight, **args), probe,
                                                 create_graph=True)
        return jac.reshape(-1, x.size)

    compare(lambda weight: F.conv2d_matrix(weight, x.shape[1:], **args), inputs=[w], torch_fn=torch_matrix, **TOL)


def _zero_stuff(y, stride, border, output_padding):
    """(stride - 1) zeros between pixels, ``border`` zeros around, ``output_padding`` more at the bottom/right."""
    n, c, h, w = y.shape
    stuffed = np.zeros((n, c, (h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1), dtype=y.dtype)
    stuffed[:, :, ::stride[0], ::stride[1]] = y
    (bt, bl) = border
    return np.pad(stuffed, ((0, 0), (0, 0), (bt, bt + output_padding[0]), (bl, bl + output_padding[1])))


@pytest.mark.parametrize("config", _matrix_configs(20, seed=13), ids=str)
def test_conv_transpose2d_is_conv2d_of_flipped_kernel_over_zero_stuffed_input(config):
    if config["groups"] != 1:
        config = dict(config, groups=1, cin=config["cin"] // config["groups"])
    w, x, args = _setup(config)
    y = F.conv2d(_tensor(x), _tensor(w), **args).numpy()
    output_padding = (1, 0) if config["stride"][0] > 1 else (0, 0)
    want = F.conv_transpose2d(_tensor(y), _tensor(w), output_padding=output_padding, **args).numpy()
    flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))  # (C_in, C_out) swapped, flipped
    border = tuple(d * (k - 1) - p for k, d, p in zip(config["kernel"], config["dilation"], config["padding"]))
    stuffed = _zero_stuff(y, config["stride"], border, output_padding)
    got = F.conv2d(_tensor(stuffed), _tensor(flipped), dilation=config["dilation"]).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, **TOL)


def test_matrix_errors():
    w = _tensor(np.ones((2, 3, 3, 3)))
    with pytest.raises(RuntimeError, match=r"input_size \(4, 5, 5\) has 4 channels.*expects 3"):
        F.conv2d_matrix(w, (4, 5, 5))
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.conv2d_matrix(w, (2, 2))
    C = F.conv2d_matrix(w, (3, 5, 6), stride=2, padding="valid")
    assert tuple(C.shape) == (2 * 2 * 2, 3 * 5 * 6)


def test_transposed_convolution_example_runs(tmp_path):
    import subprocess
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples",
                          "transposed_convolution.py")
    done = subprocess.run([sys.executable, script, "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    for claim in ("C @ x.flatten()", "equals C^T @ y.flatten(): True", "equals conv_transpose2d(y): True",
                  "x' = x: False", "recovers x exactly: True"):
        assert claim in done.stdout, claim
    assert "equal: True" in done.stdout
    assert "maps (1, 32, 28, 28) to (1, 16, 56, 56), with weight (32, 16, 2, 2)" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conv_matrix.png", "flipped_kernel.png",
                                                          "kernel_spreading.png"]

"""Two conversions as PyTorch does them: a Python int operand outside an integer tensor's range wraps around as
C's cast (``uint8 + 300``, ``== 300``), and ``Tensor.view(dtype)`` reads the same memory as another dtype (the
last dim scaled, PyTorch's errors, shared memory and version counter, outside the graph)."""
import numpy as np
import pytest
import torch

import minigrad

CASTS = ["T.tensor([1, 2], dtype=T.uint8) + 300", "T.tensor([44], dtype=T.uint8) == 300",
         "T.tensor([1], dtype=T.int8) * 1000", "T.tensor([1], dtype=T.int16) + 40000",
         "T.tensor([5], dtype=T.uint8).add(-6)", "T.tensor([True]) + 300",
         "T.tensor([1], dtype=T.int32) * (2 ** 33 + 1)",
         "T.tensor([7], dtype=T.uint8) - 2 ** 63", "T.tensor([3], dtype=T.int64) + (2 ** 64 - 1)"]


@pytest.mark.parametrize("expression", CASTS)
def test_int_operands_wrap_as_torch(expression):
    ours, theirs = eval(expression, {"T": minigrad}), eval(expression, {"T": torch})
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_ints_beyond_64_bits_raise_as_torch():
    for library in (torch, minigrad):
        with pytest.raises(OverflowError, match="int too big to convert"):
            library.tensor([1]) + 2 ** 70


VIEWS = [("arange(6.)", "int32"), ("arange(6.)", "int16"), ("arange(6.)", "float64"), ("arange(6.)", "uint8"),
         ("ones(2, 4, dtype=T.int16)", "float64"), ("arange(12.).reshape(4, 3)[:, :2]", "int16"),
         ("tensor([1., -2.], dtype=T.float64)", "int64"), ("tensor([True, False, True, True])", "int8"),
         ("ones(3)", "float64"), ("tensor(1.)", "float64"), ("ones(2, 3).t()", "int16"), ("tensor(1.)", "int32")]


@pytest.mark.parametrize("source,dtype", VIEWS)
def test_view_dtype_as_torch(source, dtype):
    def run(library):
        x = eval("T." + source, {"T": library})
        try:
            return x, x.view(getattr(library, dtype))
        except RuntimeError as error:
            return x, str(error).split("\n")[0]
    (x, ours), (_, theirs) = run(minigrad), run(torch)
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype).split(".")[-1] == dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert np.shares_memory(ours.numpy(), x.numpy()) and not ours.requires_grad


@pytest.mark.parametrize("library", [torch, minigrad], ids=["torch", "minigrad"])
def test_view_dtype_writes_through_and_counts_versions(library):
    y = library.zeros(4, requires_grad=True) * 1
    bits = y.view(library.int32)
    assert not bits.requires_grad and bits._version == y._version
    bits[0] = 1065353216  # the bits of 1.0f
    assert y[0].item() == 1.0 and y._version == 1
    z = y * y  # saves y
    bits[1] = 0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()

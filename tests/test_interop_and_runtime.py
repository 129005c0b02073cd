"""DLPack exchange with PyTorch (both directions, shared memory), and the small torch-namespace functions a
script may call: range (deprecated, inclusive), nonzero_static, histogramdd, frobenius_norm, the autocast state
queries, GradScaler at the top level, set_warn_always, set_flush_denormal."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.utils.dlpack


def test_dlpack_both_ways_shares_memory():
    ours = minigrad.arange(6.0).reshape(2, 3)
    theirs = torch.from_dlpack(ours)
    theirs[0, 0] = 42.0
    assert ours[0, 0].item() == 42.0 and tuple(theirs.shape) == (2, 3) and theirs.dtype == torch.float32
    source = torch.arange(4.0)
    back = minigrad.from_dlpack(source)
    source[1] = -1.0
    assert back.tolist() == [0.0, -1.0, 2.0, 3.0] and back.dtype == minigrad.float32
    capsule = minigrad.utils.dlpack.to_dlpack(minigrad.ones(2, dtype=minigrad.float64))
    assert torch.utils.dlpack.from_dlpack(capsule).tolist() == [1.0, 1.0]
    assert minigrad.from_dlpack(torch.utils.dlpack.to_dlpack(torch.ones(3, dtype=torch.int32))).dtype == minigrad.int32
    with pytest.raises(RuntimeError):
        torch.from_dlpack(minigrad.ones(2, requires_grad=True))


@pytest.mark.parametrize("expression", [
    "L.range(1, 4)", "L.range(0, 1, 0.25)", "L.range(1, 4, dtype=L.int64)", "L.range(5, 1, -2)",
    "L.nonzero_static(L.tensor([0, 3, 0, 5]), size=3)", "L.nonzero_static(L.tensor([[0, 3], [1, 0]]), size=1)",
    "L.nonzero_static(L.tensor([1, 1]), size=4, fill_value=-7)",
    "L.frobenius_norm(L.ones(2, 3), [0])", "L.frobenius_norm(L.ones(2, 3), [0, 1], keepdim=True)",
    "L.histogramdd(L.tensor([[0., 1.], [1., 0.], [2., 0.], [2., 2.]]), bins=[3, 3])[0]",
    "L.histogramdd(L.tensor([[0., 1.], [1., 0.]]), bins=2, range=[0., 2., 0., 2.], density=True)[0]",
    "L.histogramdd(L.tensor([[0., 1.], [1., 0.], [2., 2.]]), bins=[2, 4])[1][1]"])
def test_namespace_functions_equal_torch(expression):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = eval(expression, {"L": minigrad})
        ours_warnings = [str(w.message).split(" (Triggered")[0] for w in caught]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theirs = eval(expression, {"L": torch})
        their_warnings = [str(w.message).split(" (Triggered")[0] for w in caught]
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") and ours_warnings == their_warnings
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_autocast_state_and_switches_answer_as_torch_without_lower_precision():
    for library in (minigrad, torch):
        assert library.is_autocast_enabled() is False and library.is_autocast_enabled("cpu") is False
        assert library.is_autocast_cpu_enabled() is False
        assert str(library.get_autocast_dtype("cuda")).endswith("float16")
        assert str(library.get_autocast_gpu_dtype()).endswith("float16")
        assert str(library.get_autocast_cpu_dtype()).endswith("bfloat16")
        assert library.is_warn_always_enabled() is False
        assert library.GradScaler is library.amp.GradScaler
    assert minigrad.set_flush_denormal(True) is False  # (not supported: numpy cannot switch the CPU's mode)
    minigrad.set_warn_always(True)
    assert minigrad.is_warn_always_enabled() is True
    minigrad.set_warn_always(False)


def test_small_tensor_and_functional_names_equal_torch():
    for library in (minigrad, torch):
        x = library.arange(4.0).reshape(1, 4, 1, 1)
        assert library.nn.functional.native_channel_shuffle(x, 2).flatten().tolist() == [0.0, 2.0, 1.0, 3.0]
        y = library.tensor([0.0, 1.0, 2.0])
        assert y.i0_() is y and abs(y[1].item() - 1.2660658) < 1e-6
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            assert tuple(library.ones(2, 3).resize(6).shape) == (6,)
        assert library.is_vulkan_available() is False and library.compiled_with_cxx11_abi() is True

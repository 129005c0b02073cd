"""Tensor.untyped_storage(), storage(), dim_order(), as_subclass() and record_stream() against PyTorch's: views
report the storage of the tensor they look into (its address, size in bytes and elements, values), the typed
storage warns once as PyTorch's does, and a subclass view stays in the graph."""
import warnings

import numpy as np
import pytest
import torch

import minigrad


@pytest.mark.parametrize("make", [
    lambda L: L.arange(6.0).reshape(2, 3)[1], lambda L: L.arange(12, dtype=L.int32).reshape(3, 4).t(),
    lambda L: L.ones(5)[::2], lambda L: L.tensor(np.arange(4.0)), lambda L: L.zeros(2, 3)])
def test_views_report_their_bases_storage(make):
    facts = []
    for library in (minigrad, torch):
        x = make(library)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            typed = x.storage()
        untyped = x.untyped_storage()
        facts.append((untyped.nbytes(), untyped.size(), len(untyped), untyped.element_size(), untyped.tolist(),
                      typed.size(), typed.element_size(), typed.tolist(), typed[0], x.data_ptr() - untyped.data_ptr(),
                      typed.data_ptr() == untyped.data_ptr(), x.dim_order()))
    assert facts[0] == facts[1]


def test_views_share_one_storage_and_separate_tensors_do_not():
    base = minigrad.arange(10.0)
    view, other = base[3:7], base.clone()
    assert view.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    assert other.untyped_storage().data_ptr() != base.untyped_storage().data_ptr()


def test_typed_storage_warns_once_per_process_as_torch():
    import subprocess
    import sys
    script = ("import warnings, {0} as T\nwarnings.simplefilter('always')\nwith warnings.catch_warnings(record=True)"
              " as caught:\n    T.ones(2).storage(); T.ones(3).storage()\nprint(len(caught), caught[0].category.__name__)")
    outputs = [subprocess.run([sys.executable, "-c", script.format(name)], capture_output=True, text=True,
                              check=True).stdout for name in ("minigrad", "torch")]
    assert outputs[0] == outputs[1] == "1 UserWarning\n"


def test_as_subclass_shares_memory_and_stays_in_the_graph():
    class Marked(minigrad.Tensor):
        pass

    w = minigrad.ones(3, requires_grad=True)
    marked = (w * 2).as_subclass(Marked)
    assert type(marked) is Marked and marked.requires_grad
    (marked * marked).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [8.0, 8.0, 8.0])
    plain = minigrad.zeros(2)
    alias = plain.as_subclass(Marked)
    alias[0] = 5.0
    assert plain[0].item() == 5.0
    assert minigrad.ones(2).record_stream(None) is None

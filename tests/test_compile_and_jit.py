"""``torch.compile``, ``torch.compiler``, ``torch._dynamo``, ``torch.jit``, ``torch.profiler``, the float32
matmul precision, ``asarray``, ``frombuffer`` and ``typename``: the names scripts call around their model, with
PyTorch's shapes (a compiled module's type, attributes and state_dict keys) and eager results."""
import json

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn


def test_compile_wraps_a_module_as_pytorchs():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    compiled = minigrad.compile(model)
    reference = torch.compile(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)))
    assert type(compiled).__name__ == type(reference).__name__ == "OptimizedModule"
    assert list(compiled.state_dict()) == list(reference.state_dict())  # the _orig_mod. prefix
    assert compiled._orig_mod is model and getattr(compiled, "0") is model[0] and isinstance(compiled, nn.Module)
    assert [id(p) for p in compiled.parameters()] == [id(p) for p in model.parameters()]
    x = minigrad.randn(5, 3)
    np.testing.assert_array_equal(compiled(x).detach().numpy(), model(x).detach().numpy())
    compiled.eval()
    assert not model.training
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    minigrad.compile(fresh).load_state_dict(compiled.state_dict())
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


def test_compile_of_functions_options_and_decorators():
    def double(x):
        return x * 2
    assert minigrad.compile(double) is double
    assert minigrad.compile(double, mode="max-autotune", fullgraph=True, dynamic=False, backend="eager") is double

    @minigrad.compile(mode="reduce-overhead")
    def triple(x):
        return x * 3
    assert triple(2) == 6
    assert minigrad.compiler.disable(double) is double and not minigrad.compiler.is_compiling()
    minigrad._dynamo.config.suppress_errors = True
    minigrad._dynamo.reset()
    with pytest.raises(RuntimeError):
        minigrad.compile(3)


def test_jit_names_run_eagerly():
    model = nn.Linear(2, 2)
    assert minigrad.jit.script(model) is model and minigrad.jit.trace(model, minigrad.ones(1, 2)) is model
    assert not minigrad.jit.is_scripting() and not minigrad.jit.is_tracing()
    assert minigrad.jit.annotate(list, [1]) == [1]

    @minigrad.jit.ignore
    def a():
        return 1

    @minigrad.jit.ignore(drop=True)
    def b():
        return 2

    @minigrad.jit.unused
    def c():
        return 3
    assert (a(), b(), c()) == (1, 2, 3)
    with pytest.raises(NotImplementedError, match="state_dict"):
        minigrad.jit.save(model, "model.pt")


def test_float32_matmul_precision_as_pytorchs():
    assert minigrad.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    for precision in ("high", "medium", "highest"):
        minigrad.set_float32_matmul_precision(precision)
        assert minigrad.get_float32_matmul_precision() == precision
    with pytest.raises(RuntimeError):
        minigrad.set_float32_matmul_precision("fastest")


def test_profiler_names_time_the_ops(tmp_path):
    from minigrad.profiler import ProfilerActivity, profile, record_function, schedule
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU())
    handled = []
    with profile(activities=[ProfilerActivity.CPU], schedule=schedule(wait=1, warmup=1, active=2),
                 record_shapes=True, on_trace_ready=handled.append) as prof:
        for _ in range(3):
            with record_function("step"):
                model(minigrad.randn(4, 8)).sum().backward()
            prof.step()
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=10)
    assert "ReLU" in table and "MatMul" in table and handled == [prof]
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    events = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    assert {"ReLU forward", "ReLU backward"} <= {e["name"] for e in events}
    assert [e["args"]["calls"] for e in events if e["name"] == "ReLU forward"] == [3]


def test_asarray_frombuffer_typename_and_is_storage_as_pytorchs():
    values = np.arange(3.0)
    ours, theirs = minigrad.asarray(values), torch.asarray(values)
    values[0] = 9.0  # both share the numpy array's memory
    assert ours.tolist() == theirs.tolist() == [9.0, 1.0, 2.0]
    assert minigrad.asarray(values, copy=True).tolist() == [9.0, 1.0, 2.0]
    values[1] = 7.0
    assert minigrad.asarray(values, copy=True).array is not values
    for data in ([1, 2], [1.0, 2], [True, False]):
        assert str(minigrad.asarray(data).dtype) == str(torch.asarray(data).dtype).replace("torch.", "")
    t = minigrad.tensor([1.0, 2.0])
    assert minigrad.asarray(t) is t and minigrad.asarray(t, dtype=minigrad.float64).dtype == minigrad.float64
    with pytest.raises(ValueError):
        minigrad.asarray(t, dtype=minigrad.float64, copy=False)
    assert minigrad.asarray([1.0], requires_grad=True).requires_grad
    buffer = bytearray(np.arange(4, dtype=np.int32).tobytes())
    ours = minigrad.frombuffer(buffer, dtype=minigrad.int32, count=2, offset=4)
    assert ours.tolist() == torch.frombuffer(buffer, dtype=torch.int32, count=2, offset=4).tolist() == [1, 2]
    buffer[4] = 5  # shared with the buffer, as PyTorch's
    assert ours.tolist()[0] == 5
    for obj in (torch.tensor([1.0]), torch.tensor([1]), 3, np.zeros(1)):
        ours = minigrad.tensor(obj.numpy()) if isinstance(obj, torch.Tensor) else obj
        assert minigrad.typename(ours) == torch.typename(obj)
    assert minigrad.is_storage(t) is False and torch.is_storage(torch.tensor([1.0])) is False

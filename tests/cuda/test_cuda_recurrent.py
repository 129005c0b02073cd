"""The LSTM and GRU ops (ops/recurrent.py), over one step and over whole layers, on device 'cuda' equal the same
on the CPU: outputs and every gradient, batched and unbatched, both directions (through the backend
functions they are written with, in the simulator)."""
import numpy as np
import pytest

import minigrad


@pytest.mark.parametrize("cell,gates,node", [("LSTMCell", 4, "LSTMLayer"), ("GRUCell", 3, "GRULayer")])
@pytest.mark.parametrize("rows", [(2,), ()], ids=["batched", "unbatched"])
def test_recurrent_step_on_cuda_equals_cpu(cell, gates, node, rows):
    rng = np.random.default_rng(0)
    states = 2 if cell == "LSTMCell" else 1
    shapes = [rows + (3,)] + [rows + (4,)] * states + [(gates * 4, 3), (gates * 4, 4), (gates * 4,), (gates * 4,)]
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    weight = rng.standard_normal(rows + (4,)).astype(np.float32)
    results = {}
    for device in ("cpu", "cuda"):
        tensors = [minigrad.tensor(a, device=device, requires_grad=True) for a in arrays]
        layer = getattr(minigrad.nn, cell)(3, 4).to(device)
        with minigrad.no_grad():
            for parameter, value in zip(layer.parameters(), tensors[1 + states:]):
                parameter.copy_(value)
        state = tuple(tensors[1:1 + states]) if states == 2 else tensors[1]
        outputs = layer(tensors[0], state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        fused = outputs[0].grad_fn if states == 1 else outputs[0].grad_fn.parents[0]._ctx
        assert type(fused).__name__ == node and outputs[0].device.type == device
        sum((out * minigrad.tensor(weight, device=device)).sum() + (out * out).sum() for out in outputs).backward()
        results[device] = [out.detach().cpu().numpy() for out in outputs] + \
            [t.grad.cpu().numpy() for t in tensors[:1 + states]] + [p.grad.cpu().numpy() for p in layer.parameters()]
    for ours, theirs in zip(results["cpu"], results["cuda"]):
        np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_recurrent_layer_on_cuda_equals_cpu(kind):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 3)).astype(np.float32)
    reference = getattr(minigrad.nn, kind)(3, 4, bidirectional=True)
    results = {}
    for device in ("cpu", "cuda"):
        layer = getattr(minigrad.nn, kind)(3, 4, bidirectional=True).to(device)
        layer.load_state_dict({k: v.detach().cpu().numpy() for k, v in reference.state_dict().items()})
        inputs = minigrad.tensor(x, device=device, requires_grad=True)
        out, last = layer(inputs)
        nodes, stack = set(), [out.grad_fn]
        while stack:
            node = stack.pop()
            nodes.add(type(node).__name__)
            stack.extend(parent._ctx for parent in node.parents if parent._ctx is not None)
        assert f"{kind}Layer" in nodes and out.device.type == device
        last = last if isinstance(last, tuple) else (last,)
        ((out * out).sum() + sum(s.sum() for s in last)).backward()
        results[device] = [out.detach().cpu().numpy(), inputs.grad.cpu().numpy()] + \
            [s.detach().cpu().numpy() for s in last] + [p.grad.cpu().numpy() for p in layer.parameters()]
    for ours, theirs in zip(results["cpu"], results["cuda"]):
        np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-5)

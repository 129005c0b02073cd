"""Tensors in shared memory (``share_memory_``, ``Module.share_memory``) and Hogwild training as PyTorch's
mnist_hogwild example writes it: processes started with 'spawn' (or 'fork') update one model in place."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import minigrad
import minigrad.multiprocessing as mp
from helpers import port_imports

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_share_memory_keeps_values_dtype_and_identity():
    for values in (np.arange(12, dtype=np.float32).reshape(3, 4), np.arange(5), np.zeros((0, 3), np.float64)):
        t = minigrad.tensor(values)
        assert not t.is_shared()
        assert t.share_memory_() is t and t.is_shared()
        np.testing.assert_array_equal(t.numpy(), values)
        assert t.dtype == minigrad.tensor(values).dtype and t.shape == minigrad.tensor(values).shape
        assert t.share_memory_() is t  # a second call changes nothing
    t = minigrad.arange(6.0).share_memory_()
    assert t[2:].is_shared() and not t.clone().is_shared()  # a view shares, a copy does not
    base = minigrad.arange(12.0)
    view = base.view(3, 4)[1:]
    view.share_memory_()
    assert base.is_shared() and view.storage_offset() == 4
    view.fill_(-1.0)
    assert base.tolist() == list(range(4)) + [-1.0] * 8  # still a view of base


def test_module_share_memory_shares_parameters_and_buffers_not_gradients():
    model = minigrad.nn.Sequential(minigrad.nn.Linear(3, 2), minigrad.nn.BatchNorm1d(2))
    assert model.share_memory() is model
    assert all(p.is_shared() for p in model.parameters()) and all(b.is_shared() for b in model.buffers())
    model(minigrad.randn(4, 3)).sum().backward()
    assert not model[0].weight.grad.is_shared()


def _add_rank(rank, t, results):
    with minigrad.no_grad():
        t.add_(rank + 1)
    results.put((type(t).__name__, t.is_shared()))


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_processes_update_a_shared_parameter_in_place(method):
    context = mp.get_context(method)
    weight = minigrad.nn.Parameter(minigrad.zeros(2, 2)).share_memory_()
    plain = minigrad.zeros(2)
    results = context.Queue()
    workers = [context.Process(target=_add_rank, args=(rank, weight, results)) for rank in range(2)]
    workers += [context.Process(target=_add_rank, args=(0, plain, results))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sorted(results.get(timeout=10) for _ in workers) == [("Parameter", True), ("Parameter", True),
                                                                 ("Tensor", False)]
    assert weight.tolist() == [[3.0, 3.0], [3.0, 3.0]]  # both processes' additions, in this process's tensor
    assert plain.tolist() == [0.0, 0.0]  # an unshared tensor is each process's copy (under fork, copy-on-write)


def _fill(queue, done):
    t = queue.get()
    t.fill_(7.0)
    done.put(t.is_shared())


def test_a_shared_tensor_sent_through_a_queue_stays_shared():
    context = mp.get_context("spawn")
    queue, done = context.Queue(), context.Queue()
    t = minigrad.zeros(3).share_memory_()
    worker = context.Process(target=_fill, args=(queue, done))
    worker.start()
    queue.put(t)
    assert done.get(timeout=120) is True
    worker.join(timeout=60)
    assert t.tolist() == [7.0, 7.0, 7.0]


HOGWILD = '''
import sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.multiprocessing as mp
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3)
        self.fc1 = nn.Linear(4 * 3 * 3, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = x.view(-1, 4 * 3 * 3)
        return F.log_softmax(self.fc1(x), dim=1)


def train(rank, model, data, target, steps):
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    model.train()
    for step in range(steps):
        batch = slice((rank * steps + step) * 8, (rank * steps + step + 1) * 8)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data[batch]), target[batch])
        loss.backward()
        optimizer.step()


def mean_loss(model, data, target):
    with torch.no_grad():
        return F.nll_loss(model(data), target).item()


if __name__ == "__main__":
    inputs, out, together = np.load(sys.argv[1]), sys.argv[2], sys.argv[3] == "together"
    mp.set_start_method("spawn", force=True)
    model = Net()
    model.load_state_dict({k: torch.from_numpy(inputs[k]) for k in ("conv1.weight", "conv1.bias", "fc1.weight",
                                                                   "fc1.bias")})
    model.share_memory()  # gradients are allocated lazily, so they are not shared here
    data, target = torch.from_numpy(inputs["data"]), torch.from_numpy(inputs["target"])
    before = mean_loss(model, data, target)
    processes = []
    for rank in range(2):
        p = mp.Process(target=train, args=(rank, model, data, target, 4))
        p.start()
        processes.append(p)
        if not together:
            p.join()  # one after the other: the same updates as one process making them in turn
    for p in processes:
        p.join()
    weights = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    np.savez(out, before=before, after=mean_loss(model, data, target), **weights)
'''


def _run_hogwild(tmp_path, library, mode):
    source = port_imports(HOGWILD) if library == "minigrad" else HOGWILD
    script = tmp_path / f"hogwild_{library}.py"
    script.write_text(f"import sys; sys.path.insert(0, {ROOT!r})\n" + source)
    out = tmp_path / f"{library}_{mode}.npz"
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "inputs.npz"), str(out), mode], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return np.load(out)


def test_hogwild_training_as_pytorchs_example(tmp_path):
    """Processes one after the other: the shared model ends where PyTorch's does. Together (Hogwild, their
    updates interleaved as they come): the shared model learned from both (its loss fell)."""
    rng = np.random.default_rng(0)
    reference = torch.nn.Conv2d(1, 4, 3), torch.nn.Linear(36, 10)
    weights = {f"{name}.{k}": v.detach().numpy()
               for name, layer in zip(("conv1", "fc1"), reference) for k, v in layer.state_dict().items()}
    np.savez(tmp_path / "inputs.npz", data=rng.standard_normal((64, 1, 8, 8)).astype(np.float32),
             target=rng.integers(0, 10, 64), **weights)
    ours, theirs = _run_hogwild(tmp_path, "minigrad", "in_turn"), _run_hogwild(tmp_path, "torch", "in_turn")
    for key in ("conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(ours["after"], theirs["after"], rtol=1e-5)
    assert theirs["after"] < theirs["before"]
    together = _run_hogwild(tmp_path, "minigrad", "together")
    assert together["after"] < together["before"] - 0.1

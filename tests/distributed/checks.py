"""Run by tests/test_distributed.py as ``mpiexec -n 2 python tests/distributed/checks.py OUT.json`` and under
``python -m minigrad.distributed.run --nproc-per-node 2`` (the TCP transport): each check
runs on both ranks; rank 0 writes {check: "ok" or the failure} to OUT.json. A check compares what the ranks
compute together with what one process computes alone (or with PyTorch), so a wrong collective shows."""
import json
import os
import sys
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import minigrad  # noqa: E402
import minigrad.distributed as dist  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402
from minigrad.models import UNet  # noqa: E402
from minigrad.nn.parallel import DistributedDataParallel as DDP  # noqa: E402

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def gathered(array):
    """Every rank's numpy array, as a list (rank order)."""
    return dist.default_group().transport.all_gather_object(np.asarray(array))


@check
def collectives():
    rank, size = dist.get_rank(), dist.get_world_size()
    t = minigrad.tensor([1.0, 2.0]) * (rank + 1)
    alias = t.view(2)
    dist.all_reduce(t)
    assert t.tolist() == [3.0, 6.0] and alias.tolist() == [3.0, 6.0]  # in place: views see it
    for op, expected in [(dist.ReduceOp.AVG, [1.5, 3.0]), (dist.ReduceOp.MAX, [2.0, 4.0]),
                         (dist.ReduceOp.MIN, [1.0, 2.0]), (dist.ReduceOp.PRODUCT, [2.0, 8.0])]:
        t = minigrad.tensor([1.0, 2.0]) * (rank + 1)
        work = dist.all_reduce(t, op=op, async_op=True)
        work.wait()
        assert t.tolist() == expected, (op, t.tolist())
    b = minigrad.full((3,), float(rank))
    dist.broadcast(b, src=1)
    assert b.tolist() == [1.0] * 3
    parts = [minigrad.zeros(2, dtype=minigrad.int64) for _ in range(size)]
    dist.all_gather(parts, minigrad.tensor([rank, 10 * rank]))
    assert [p.tolist() for p in parts] == [[0, 0], [1, 10]]
    r = minigrad.tensor([float(rank + 1)])
    dist.reduce(r, dst=0)
    assert r.tolist() == ([3.0] if rank == 0 else [2.0])
    bucket = [minigrad.zeros(1) for _ in range(size)] if rank == 1 else None
    dist.gather(minigrad.tensor([rank * 5.0]), bucket, dst=1)
    if rank == 1:
        assert [x.item() for x in bucket] == [0.0, 5.0]
    objects = [None, None]
    dist.all_gather_object(objects, {"rank": rank})
    assert objects == [{"rank": 0}, {"rank": 1}]
    shared = [f"from {rank}"]
    dist.broadcast_object_list(shared, src=0)
    assert shared == ["from 0"]
    dist.barrier()


@check
def point_to_point_messages():
    rank, other = dist.get_rank(), 1 - dist.get_rank()
    if rank == 0:
        dist.send(minigrad.tensor([1.0, 2.0, 3.0]), dst=1)
        dist.send(minigrad.tensor([7], dtype=minigrad.int64), dst=1, tag=5)
    else:
        got = minigrad.zeros(3)
        assert dist.recv(got, src=0) == 0 and got.tolist() == [1.0, 2.0, 3.0]
        number = minigrad.zeros(1, dtype=minigrad.int64)
        assert dist.recv(number, tag=5) == 0 and number.tolist() == [7]  # from any rank: the sender's rank
    # both ranks send 16 MB to each other at once, then receive: the sends must not wait for the receives
    outgoing = minigrad.full((4 * 2 ** 20,), float(rank))
    incoming = minigrad.zeros(4 * 2 ** 20)
    works = [dist.isend(outgoing, dst=other), dist.irecv(incoming, src=other)]
    for work in works:
        work.wait()
    assert float(incoming.min()) == float(incoming.max()) == float(other)
    ring = [minigrad.tensor([float(rank * 10 + i)]) for i in range(3)]
    received = [minigrad.zeros(1) for _ in range(3)]
    ops = [dist.P2POp(dist.isend, t, other) for t in ring] + [dist.P2POp(dist.irecv, t, other) for t in received]
    for work in dist.batch_isend_irecv(ops):
        work.wait()
    assert [t.item() for t in received] == [float(other * 10 + i) for i in range(3)]  # in the order sent
    for bad in (rank, 5):
        try:
            dist.send(minigrad.zeros(1), dst=bad)
            raise AssertionError(f"send to {bad} did not raise")
        except ValueError as error:
            assert "Invalid destination rank" in str(error)


@check
def scatter_reduce_scatter_and_all_to_all():
    rank, size = dist.get_rank(), dist.get_world_size()
    out = minigrad.zeros(2)
    parts = [minigrad.tensor([10.0 * r, 10.0 * r + 1]) for r in range(size)] if rank == 1 else None
    dist.scatter(out, parts, src=1)
    assert out.tolist() == [10.0 * rank, 10.0 * rank + 1]
    dist.reduce_scatter(out, [minigrad.tensor([float(rank + r), 1.0]) for r in range(size)])
    assert out.tolist() == [float(2 * rank + 1), 2.0]  # (0 + r) + (1 + r)
    received = [minigrad.zeros(1) for _ in range(size)]
    dist.all_to_all(received, [minigrad.tensor([float(10 * rank + r)]) for r in range(size)])
    assert [t.item() for t in received] == [float(10 * r + rank) for r in range(size)]
    whole = minigrad.zeros(2 * size)
    dist.all_gather_into_tensor(whole, minigrad.tensor([float(rank), -1.0]))
    assert whole.tolist() == [0.0, -1.0, 1.0, -1.0]
    mine = minigrad.zeros(2)
    dist.reduce_scatter_tensor(mine, minigrad.arange(4.0) * (rank + 1), op=dist.ReduceOp.AVG)
    assert mine.tolist() == [1.5 * (2 * rank), 1.5 * (2 * rank + 1)]


@check
def rank_zero_weights_reach_every_rank():
    minigrad.manual_seed(100 + dist.get_rank())  # each rank starts from other weights
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3))
    model[1].running_mean.fill_(float(dist.get_rank()))
    DDP(model)
    for value in list(model.state_dict().values()):
        first, second = gathered(value.numpy())
        np.testing.assert_array_equal(first, second)
    assert model[1].running_mean.tolist() == [0.0] * 3


def _unet_batch(n, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((n, 3, 12, 12)).astype(dtype)
    masks = rng.integers(0, 3, (n, 12, 12))
    return images, masks


def _unet(dtype):
    minigrad.manual_seed(7)
    model = UNet(3, 3, (4, 8))
    return model.double() if dtype == np.float64 else model


@check
def syncbn_unet_on_two_ranks_equals_one_process_on_the_whole_batch():
    """2 ranks × 3 images with SyncBatchNorm + DDP against one process on the 6 images (float64): the loss, every
    gradient, the weights after 3 Adam steps and the running statistics."""
    rank, b = dist.get_rank(), 3
    images, masks = _unet_batch(2 * b)
    single = _unet(np.float64)
    single_opt = minigrad.optim.Adam(single.parameters(), lr=1e-2)
    replica = nn.SyncBatchNorm.convert_sync_batchnorm(_unet(np.float64))
    ddp = DDP(replica, bucket_cap_mb=0.002)  # small buckets: several all-reduces overlap backward
    opt = minigrad.optim.Adam(ddp.parameters(), lr=1e-2)
    assert len(ddp._bucket_list) > 3
    for step in range(3):
        single_opt.zero_grad()
        whole = F.cross_entropy(single(minigrad.tensor(images)), minigrad.tensor(masks))
        whole.backward()
        opt.zero_grad()
        part = slice(rank * b, (rank + 1) * b)
        loss = F.cross_entropy(ddp(minigrad.tensor(images[part])), minigrad.tensor(masks[part]))
        loss.backward()
        mean_loss = np.mean(gathered(loss.item()))
        np.testing.assert_allclose(mean_loss, whole.item(), rtol=1e-12)
        for (name, p), q in zip(replica.named_parameters(), single.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12,
                                       err_msg=f"step {step}: {name}")
        single_opt.step()
        opt.step()
    for (name, ours), theirs in zip(replica.state_dict().items(), single.state_dict().values()):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@check
def syncbn_with_uneven_batches_float32():
    """Rank 0 holds 1 image, rank 1 holds 4: the statistics are those of the 5 (float32 tolerance)."""
    rank = dist.get_rank()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4, 3, 3)).astype(np.float32)
    g = rng.standard_normal((5, 4, 3, 3)).astype(np.float32)
    minigrad.manual_seed(1)
    single, synced = nn.BatchNorm2d(4), nn.SyncBatchNorm(4)
    xs = minigrad.tensor(x, requires_grad=True)
    single(xs).backward(minigrad.tensor(g))
    part = slice(0, 1) if rank == 0 else slice(1, 5)
    xr = minigrad.tensor(x[part], requires_grad=True)
    out = synced(xr)
    out.backward(minigrad.tensor(g[part]))
    np.testing.assert_allclose(xr.grad.numpy(), xs.grad.numpy()[part], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(sum(gathered(synced.weight.grad.numpy())), single.weight.grad.numpy(), rtol=1e-4)
    np.testing.assert_allclose(synced.running_var.numpy(), single.running_var.numpy(), rtol=1e-5)
    np.testing.assert_allclose(synced.running_mean.numpy(), single.running_mean.numpy(), rtol=1e-5, atol=1e-7)


@check
def plain_batchnorm_under_ddp_has_torchs_per_rank_semantics():
    """Each rank normalises with its own batch statistics (PyTorch DDP's semantics): the gradients are the average
    of PyTorch's gradients on each rank's half, and after the next forward every rank holds rank 0's running
    statistics."""
    import torch
    rank, b = dist.get_rank(), 2
    images, masks = _unet_batch(2 * b, seed=5, dtype=np.float32)
    model = _unet(np.float32)
    torch_models = []
    for half in range(2):
        torch_model = _torch_unet(model)
        out = torch_model(torch.tensor(images[half * b:(half + 1) * b]))
        torch.nn.functional.cross_entropy(out, torch.tensor(masks[half * b:(half + 1) * b])).backward()
        torch_models.append(torch_model)
    ddp = DDP(model)
    part = slice(rank * b, (rank + 1) * b)
    F.cross_entropy(ddp(minigrad.tensor(images[part])), minigrad.tensor(masks[part])).backward()
    for (name, p), p0, p1 in zip(model.named_parameters(), torch_models[0].parameters(),
                                 torch_models[1].parameters()):
        expected = (p0.grad.numpy() + p1.grad.numpy()) / 2
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=2e-4, atol=1e-6, err_msg=name)
    ddp.eval()
    with minigrad.no_grad():
        ddp(minigrad.tensor(images[:1]))  # the forward broadcasts rank 0's buffers (eval: no update on top)
    theirs = dict(torch_models[0].named_buffers())
    for name, value in model.named_buffers():
        np.testing.assert_allclose(value.numpy(), theirs[name].numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


def _torch_unet(model):
    """The same U-Net in torch.nn with minigrad's weights (tests/test_unet.py's reference network)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import torch
    from test_unet import TorchUNet
    net = TorchUNet(3, 3, (4, 8))
    net.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return net


@check
def no_sync_accumulates_locally_then_averages_the_sum():
    rank = dist.get_rank()
    minigrad.manual_seed(11)
    model = nn.Linear(4, 2)
    ddp = DDP(model)
    rng = np.random.default_rng(2)
    xs = [rng.standard_normal((4, 4)).astype(np.float64) for _ in range(4)]  # 2 micro-batches per rank
    model.double()
    with ddp.no_sync():
        ddp(minigrad.tensor(xs[rank])).sum().backward()
    local = model.weight.grad.numpy().copy()
    first, second = gathered(local)
    assert not np.allclose(first, second)  # not synchronised yet
    ddp(minigrad.tensor(xs[2 + rank])).sum().backward()
    minigrad.manual_seed(11)
    single = nn.Linear(4, 2).double()
    for x in xs:
        single(minigrad.tensor(x)).sum().backward()
    np.testing.assert_allclose(model.weight.grad.numpy(), single.weight.grad.numpy() / 2, rtol=1e-12)


@check
def a_parameter_no_rank_used_keeps_no_gradient():
    rank = dist.get_rank()
    minigrad.manual_seed(0)
    model = nn.ModuleDict({"used": nn.Linear(3, 3), "sometimes": nn.Linear(3, 3), "never": nn.Linear(3, 3)})

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = model

        def forward(self, x):
            x = self.layers["used"](x)
            return self.layers["sometimes"](x) if rank == 1 else x

    net = Net()
    ddp = DDP(net, find_unused_parameters=True)
    ddp(minigrad.ones(2, 3)).sum().backward()
    assert model["never"].weight.grad is None
    grads = gathered(model["sometimes"].weight.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])  # rank 0 gets rank 1's half, averaged with its zeros


def main(out_path):
    dist.init_process_group()  # MPI under mpiexec, TCP under minigrad.distributed.run
    results = {}
    for fn in CHECKS:
        try:
            fn()
            outcome = "ok"
        except Exception:
            outcome = traceback.format_exc()
        outcomes = dist.default_group().transport.gather_object(outcome, 0)
        if dist.get_rank() == 0:
            failed = [f"rank {r}: {o}" for r, o in enumerate(outcomes) if o != "ok"]
            results[fn.__name__] = "ok" if not failed else "\n".join(failed)
    if dist.get_rank() == 0:
        with open(out_path, "w") as f:
            json.dump(results, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])

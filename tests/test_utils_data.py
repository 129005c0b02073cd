"""minigrad.utils.data against torch.utils.data: datasets, samplers, collation, generators and worker processes."""
import collections
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import minigrad
import minigrad.utils.data as mdata

Point = collections.namedtuple("Point", "x y")


def as_lists(value):
    """Batches of either library as nested Python lists (tensors by their values and dtype name)."""
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return ("tensor", str(value.dtype).split(".")[-1], value.tolist())
    if isinstance(value, dict):
        return {k: as_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [as_lists(v) for v in value])
    return value


def both(make):
    """``make(lib)`` with lib = (torch, torch.utils.data) and (minigrad, minigrad.utils.data)."""
    return make(torch, tdata), make(minigrad, mdata)


class Numbers:
    """A map-style dataset usable by both libraries: sample i is (array of i, i, what the RNGs give)."""

    def __init__(self, n, lib):
        self.n, self.lib = n, lib

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.get_worker_info()
        return (np.full(2, i, np.float32), i, -1 if info is None else info.id, -1 if info is None else info.seed,
                int(np.random.randint(0, 10 ** 6)), random.random())


def run_loader(lib, data, **kwargs):
    return [as_lists(batch) for batch in lib.DataLoader(data, **kwargs)]


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (4, True)])
def test_shuffled_order_equals_torch_for_the_same_seed(seed, batch_size, drop_last):
    theirs, ours = both(lambda lib, data: run_loader(
        data, data.TensorDataset(lib.arange(11)), batch_size=batch_size, shuffle=True, drop_last=drop_last,
        generator=lib.Generator().manual_seed(seed)))
    assert ours == theirs


@pytest.mark.parametrize("lengths", [[7, 3], [0.5, 0.3, 0.2], [0.34, 0.66], [10, 0]])
def test_random_split_equals_torch(lengths):
    theirs, ours = both(lambda lib, data: [list(s.indices) for s in data.random_split(
        range(10), lengths, generator=lib.Generator().manual_seed(42))])
    assert ours == theirs
    for lib in (torch, minigrad):
        with pytest.raises(ValueError, match="Sum of input lengths"):
            (tdata if lib is torch else mdata).random_split(range(10), [3, 3])


@pytest.mark.parametrize("make", [
    lambda lib, data, g: data.RandomSampler(range(9), generator=g),
    lambda lib, data, g: data.RandomSampler(range(9), num_samples=20, generator=g),
    lambda lib, data, g: data.RandomSampler(range(9), replacement=True, num_samples=70, generator=g),
    lambda lib, data, g: data.SubsetRandomSampler([5, 1, 8, 3], generator=g),
    lambda lib, data, g: data.SequentialSampler(range(5)),
    lambda lib, data, g: data.BatchSampler(data.RandomSampler(range(10), generator=g), 3, drop_last=False),
    lambda lib, data, g: data.BatchSampler(data.SequentialSampler(range(10)), 4, drop_last=True),
], ids=["random", "random-num_samples", "replacement", "subset", "sequential", "batch", "batch-drop_last"])
def test_samplers_equal_torch(make):
    theirs, ours = both(lambda lib, data: [list(make(lib, data, lib.Generator().manual_seed(3))) for _ in range(2)])
    assert ours == theirs
    assert len(make(minigrad, mdata, None)) == len(make(torch, tdata, None))


def test_weighted_sampler_follows_the_weights():
    weights = [0.0, 1.0, 3.0]
    sampler = mdata.WeightedRandomSampler(weights, 4000, generator=minigrad.Generator().manual_seed(0))
    counts = np.bincount(list(sampler), minlength=3)
    assert len(sampler) == 4000 and counts[0] == 0 and 2.7 < counts[2] / counts[1] < 3.3
    assert sorted(mdata.WeightedRandomSampler([1, 1, 1], 3, replacement=False)) == [0, 1, 2]
    for lib in (torch, minigrad):
        data = tdata if lib is torch else mdata
        with pytest.raises(ValueError):
            data.WeightedRandomSampler(weights, 0)
        with pytest.raises(RuntimeError, match="without replacement"):
            list(data.WeightedRandomSampler([1.0, 0.0], 3, replacement=False))
        with pytest.raises(RuntimeError, match="invalid multinomial distribution .encountering probability entry < 0"):
            list(data.WeightedRandomSampler([-1.0, 1.0], 3))
        assert sorted(data.WeightedRandomSampler([1.0, 0.0], 2, replacement=False)) == [0, 1]


def test_datasets_equal_torch():
    def make(lib, data):
        tensors = data.TensorDataset(lib.arange(6).reshape(3, 2), lib.tensor([10, 11, 12]))
        concat = data.ConcatDataset([tensors, data.TensorDataset(lib.arange(4).reshape(2, 2), lib.tensor([20, 21]))])
        subset = data.Subset(concat, [4, 0, 3])
        return ([as_lists(concat[i]) for i in range(-len(concat), len(concat))], len(concat),
                [as_lists(subset[i]) for i in range(len(subset))], as_lists(concat.cumulative_sizes))
    theirs, ours = both(make)
    assert ours == theirs


class Stream:
    def __init__(self, lib, n=5):
        self.lib, self.n = lib, n

    def __iter__(self):
        info = self.lib.get_worker_info()
        start = 0 if info is None else 100 * info.id
        return iter(range(start, start + self.n + (0 if info is None else info.id)))


@pytest.mark.parametrize("workers,batch_size,drop_last", [(0, 2, False), (2, 2, False), (2, 2, True), (3, None, False)])
def test_iterable_dataset_equals_torch(workers, batch_size, drop_last):
    def make(lib, data):
        stream = type("S", (Stream, data.IterableDataset), {})(data)
        return run_loader(data, stream, batch_size=batch_size, num_workers=workers, drop_last=drop_last)
    theirs, ours = both(make)
    assert ours == theirs
    chain = mdata.ChainDataset([type("S", (Stream, mdata.IterableDataset), {})(mdata)] * 2)
    assert [int(b) for b in mdata.DataLoader(chain, batch_size=None)] == list(range(5)) * 2
    with pytest.raises(ValueError, match="IterableDataset"):
        mdata.DataLoader(chain, shuffle=True)


@pytest.mark.parametrize("batch", [
    [(np.zeros((2, 2), np.float64), 1, 2.5, "a"), (np.ones((2, 2), np.float64), 2, 3.5, "b")],
    [{"image": np.zeros(3, np.float32), "label": 1}, {"image": np.ones(3, np.float32), "label": 0}],
    [Point(1, [2.0, 3.0]), Point(4, [5.0, 6.0])],
    [[True, 1], [False, 2]],
    [np.float32(1.5), np.float32(2.5)],
    [np.array([1, 2], np.int32), np.array([3, 4], np.int32)],
    [np.array(1.5), np.array(2.5)],
], ids=["tuple", "dict", "namedtuple", "list", "numpy-scalar", "int32", "0-d"])
def test_default_collate_equals_torch(batch):
    assert as_lists(mdata.default_collate(batch)) == as_lists(tdata.default_collate(batch))
    assert as_lists(mdata.default_convert(batch[0])) == as_lists(tdata.default_convert(batch[0]))


def test_collate_of_tensors_and_errors():
    ours = mdata.default_collate([(minigrad.ones(2), minigrad.tensor(1)), (minigrad.zeros(2), minigrad.tensor(2))])
    theirs = tdata.default_collate([(torch.ones(2), torch.tensor(1)), (torch.zeros(2), torch.tensor(2))])
    assert as_lists(ours) == as_lists(theirs)
    with pytest.raises(RuntimeError, match="equal size"):
        mdata.default_collate([np.zeros(2), np.zeros(3)])


def test_generator_state_and_seeding():
    g = minigrad.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    state = g.get_state()
    first = minigrad.randperm(20, generator=g).tolist()
    assert first == torch.randperm(20, generator=torch.Generator().manual_seed(5)).tolist()
    assert g.set_state(state) is g and minigrad.randperm(20, generator=g).tolist() == first
    seed = g.seed()
    assert g.initial_seed() == seed and minigrad.Generator().manual_seed(seed).get_state().tolist() == \
        g.get_state().tolist()
    with pytest.raises(RuntimeError):
        g.set_state(minigrad.zeros(3, dtype=minigrad.uint8))
    a = minigrad.randn(4, generator=minigrad.Generator().manual_seed(1))
    b = minigrad.randn(4, generator=minigrad.Generator().manual_seed(1))
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("workers", [1, 3])
def test_workers_give_torch_batches_and_seeds(workers):
    """Batches in order, and in each worker the seed, numpy's and Python's random draws of PyTorch's workers."""
    theirs, ours = both(lambda lib, data: run_loader(
        data, Numbers(11, data), batch_size=2, shuffle=True, num_workers=workers,
        generator=lib.Generator().manual_seed(11)))
    assert ours == theirs
    assert {b[1][2][2][0] for b in ours} == set(range(workers))  # every worker served batches


def _record_worker(worker_id):
    np.random.seed(1000 + worker_id)  # what worker_init_fn is for: each worker's own numpy stream


def test_worker_init_fn_persistent_workers_and_pin_memory():
    data = Numbers(8, mdata)
    loader = mdata.DataLoader(data, batch_size=2, num_workers=2, worker_init_fn=_record_worker,
                              persistent_workers=True, pin_memory=True)
    first = [as_lists(b) for b in loader]
    pool = loader._pool
    assert pool is not None and all(p.is_alive() for p in pool.processes)
    second = [as_lists(b) for b in loader]
    assert loader._pool is pool  # the same processes served the second epoch
    expected = np.random.RandomState(1000).randint(0, 10 ** 6, 4).tolist()
    assert [b[1][4][2] for b in first[0::2]] == [expected[0:2], expected[2:4]]
    assert [b[1][1][2] for b in second] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    for _ in loader:
        break
    assert [as_lists(b)[1][1][2] for b in loader] == [[0, 1], [2, 3], [4, 5], [6, 7]]  # the abandoned pass is dropped
    processes = pool.processes
    del loader, pool
    for p in processes:
        p.join(5)
    assert not any(p.is_alive() for p in processes)


class Failing(mdata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise KeyError(f"no sample {i} here")
        return np.float32(i)


def test_worker_exception_is_raised_with_its_traceback_and_workers_end():
    loader = mdata.DataLoader(Failing(), batch_size=2, num_workers=2)
    with pytest.raises(KeyError) as caught:
        list(loader)
    message = str(caught.value)
    assert "Caught KeyError in DataLoader worker process 0" in message and "no sample 5 here" in message
    assert "Traceback" in message and "__getitem__" in message
    assert loader._pool is None and multiprocessing.active_children() == []


class Slow(mdata.Dataset):
    def __init__(self, delay, die_at=None):
        self.delay, self.die_at = delay, die_at

    def __len__(self):
        return 100

    def __getitem__(self, i):
        time.sleep(self.delay)
        if i == self.die_at:
            os._exit(3)  # a worker that dies without a word (killed, out of memory)
        return np.float32(i)


def test_timeout_dead_worker_and_early_exit():
    with pytest.raises(RuntimeError, match="timed out after 0.2 seconds"):
        list(mdata.DataLoader(Slow(1.0), num_workers=1, timeout=0.2))
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(mdata.DataLoader(Slow(0.0, die_at=3), num_workers=1))
    for _ in mdata.DataLoader(Slow(0.0), num_workers=2):
        break
    assert multiprocessing.active_children() == []


def test_argument_errors_as_torch():
    cases = [dict(batch_sampler=[[0]], batch_size=2), dict(sampler=[0], shuffle=True), dict(num_workers=-1),
             dict(timeout=-1), dict(prefetch_factor=2), dict(persistent_workers=True), dict(batch_size=0),
             dict(batch_size=None, drop_last=True)]
    for kwargs in cases:
        with pytest.raises(ValueError):
            tdata.DataLoader(range(3), **kwargs)
        with pytest.raises(ValueError):
            mdata.DataLoader(range(3), **kwargs)


def test_reachable_as_torch_utils_data_and_from_minigrad_data():
    import minigrad as m
    import minigrad.data
    assert m.utils.data.DataLoader is mdata.DataLoader and minigrad.data.DataLoader is mdata.DataLoader
    assert minigrad.data.random_split is mdata.random_split and minigrad.data.SegmentationDataset
    assert [b.tolist() for b in mdata.DataLoader([1.0, 2.0, 3.0], batch_size=2)] == [[1.0, 2.0], [3.0]]
    assert [b for b in mdata.DataLoader(["a", "b"], batch_size=None)] == ["a", "b"]


CTRL_C_SCRIPT = textwrap.dedent("""
    import signal, sys, time, numpy as np
    import minigrad.utils.data as data

    # Ctrl-C raises KeyboardInterrupt, as in a terminal, even when the test runs as a background job (which
    # inherits SIGINT ignored, as Python then keeps it)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    class Slow(data.Dataset):
        def __len__(self):
            return 1000
        def __getitem__(self, i):
            time.sleep(0.05)
            return np.float32(i)

    loader = data.DataLoader(Slow(), batch_size=1, num_workers=2)
    for i, batch in enumerate(loader):
        if i == 1:
            print(" ".join(str(p.pid) for p in loader._pool.processes), flush=True)
""")


def test_ctrl_c_leaves_no_worker_processes(tmp_path):
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT)
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    pids = [int(p) for p in child.stdout.readline().split()]
    assert len(pids) == 2
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = child.communicate(timeout=30)
    assert child.returncode != 0 and "KeyboardInterrupt" in err, (child.returncode, err[-2000:])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_exists(p) for p in pids):
        time.sleep(0.1)
    assert not any(_exists(p) for p in pids)


def _exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has exited: only its parent's bookkeeping remains
        return f.read().split()[2] != "Z"


FORKED_AFTER_SCRIPT = textwrap.dedent("""
    import gc, multiprocessing
    import minigrad.utils.data as data

    loader = data.DataLoader(list(range(8)), batch_size=2, num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4, 5], [6, 7]]

    def child():  # another loader's worker, say: it inherits the pool object, not its processes
        global loader
        del loader
        gc.collect()

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join()
    assert process.exitcode == 0
""")


def test_a_process_forked_after_persistent_workers_leaves_them_alone(tmp_path):
    """Before, the forked process's copy of the worker pool tried to stop workers it does not own, and Python
    printed 'Exception ignored in: _WorkerPool.__del__ ... can only test a child process'."""
    script = tmp_path / "forked_after.py"
    script.write_text(FORKED_AFTER_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Exception ignored" not in done.stderr, done.stderr[-2000:]

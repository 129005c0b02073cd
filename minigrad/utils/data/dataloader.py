"""``DataLoader``: batches of a dataset, loaded in this process or in worker processes, as
``torch.utils.data.DataLoader``; its shuffle order can be saved and restored, even mid-epoch."""
import itertools
import multiprocessing
import os
import queue
import time
import warnings

import numpy as np

from ...random import Generator, default_generator
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from .worker import STATUS_CHECK_INTERVAL, StreamEnd, WorkerError, worker_loop

__all__ = ["DataLoader"]


class _Fetcher:
    """Makes one batch from a dataset (map-style: from its indices; iterable: the stream's next items)."""

    def __init__(self, iterable, batch_size, auto_collation, collate_fn, drop_last):
        self.iterable, self.batch_size, self.auto_collation = iterable, batch_size, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last

    def __call__(self, source, indices):
        if self.iterable:
            if not self.auto_collation:
                return self.collate_fn(next(source))
            items = list(itertools.islice(source, self.batch_size))
            if not items or (self.drop_last and len(items) < self.batch_size):
                raise StopIteration
            return self.collate_fn(items)
        if not self.auto_collation:
            return self.collate_fn(source[indices])
        many = getattr(source, "__getitems__", None)
        return self.collate_fn(many(indices) if many is not None else [source[i] for i in indices])


class _WorkerPool:
    """``num_workers`` processes, a task queue each and one result queue; tasks carry the pass number so that
    results of an abandoned pass (persistent workers) are recognised and dropped."""

    def __init__(self, loader, base_seed):
        context = loader.multiprocessing_context
        if context is None or isinstance(context, str):
            context = multiprocessing.get_context(context)
        self.result_queue = context.Queue()
        self.task_queues, self.processes = [], []
        for worker_id in range(loader.num_workers):
            tasks = context.Queue()
            process = context.Process(
                target=worker_loop, daemon=True, name=f"DataLoader-worker-{worker_id}",
                args=(loader.dataset, loader._iterable, loader._fetcher, tasks, self.result_queue, base_seed,
                      worker_id, loader.num_workers, loader.worker_init_fn, os.getpid()))
            process.start()
            self.task_queues.append(tasks)
            self.processes.append(process)
        self.pass_number = 0
        self.owner = os.getpid()

    def receive(self, timeout):
        """The next result; raises if a worker died or nothing came within ``timeout`` seconds (0: no limit)."""
        deadline = time.monotonic() + timeout if timeout > 0 else None
        while True:
            wait = STATUS_CHECK_INTERVAL if deadline is None else max(0.0, min(STATUS_CHECK_INTERVAL,
                                                                               deadline - time.monotonic()))
            try:
                return self.result_queue.get(timeout=wait)
            except queue.Empty:
                dead = [str(p.pid) for p in self.processes if not p.is_alive()]
                if dead:
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(dead)}) exited unexpectedly") from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None

    def shutdown(self):
        """Ask every worker to stop, drain what they still send, and terminate any that does not stop."""
        for tasks in self.task_queues:
            try:
                tasks.put(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5 * STATUS_CHECK_INTERVAL
        while any(p.is_alive() for p in self.processes) and time.monotonic() < deadline:
            try:
                while True:
                    self.result_queue.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                pass
            for p in self.processes:
                p.join(0.02)
        for p in self.processes:
            if p.is_alive():
                p.terminate()
                p.join()
        for q in self.task_queues + [self.result_queue]:
            q.cancel_join_thread()
            q.close()
        self.processes = []

    def __del__(self):
        # (a process forked later, a worker of another loader say, inherits this object but not its workers)
        if self.processes and os.getpid() == self.owner:
            self.shutdown()


class DataLoader:
    """Iterate over ``dataset`` in batches, as ``torch.utils.data.DataLoader``, with its arguments.

    - ``num_workers=N`` loads batches in N worker processes seeded as PyTorch seeds them; batches arrive in
      order; an exception in a worker is raised here with the worker's traceback. ``pin_memory`` is accepted
      and does nothing (there is no pinned host memory on the CPU backend).
    - Shuffling draws from ``generator`` (a ``minigrad.Generator``), from a generator of the loader's own
      seeded with ``seed``, or else from the global generator as PyTorch's does: each pass draws the workers'
      base seed, then the sampler's seed, so ``manual_seed(s)`` gives PyTorch's batches.
      ``state_dict()``/``load_state_dict()`` save and restore where the loader stands, mid-epoch included
      (map-style datasets).
    - Before each pass the loader calls ``dataset.set_epoch(epoch)`` when the dataset has it, so that
      minigrad's per-epoch augmentations are reproducible.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, seed=None):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 1:
            raise ValueError(f"prefetch_factor option should be a positive integer, got {prefetch_factor}")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if generator is not None and not isinstance(generator, Generator):
            raise TypeError(f"DataLoader: generator must be a minigrad.Generator, got {type(generator).__name__}")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for option, value in (("shuffle", None if shuffle is False else shuffle), ("sampler", sampler),
                                  ("batch_sampler", batch_sampler)):
                if value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {option} option, but "
                                     f"got {option}={value}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                                       or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset, self.batch_size, self.num_workers, self.drop_last = dataset, batch_size, num_workers, drop_last
        self.pin_memory, self.pin_memory_device, self.in_order = pin_memory, pin_memory_device, in_order
        self.timeout, self.worker_init_fn, self.multiprocessing_context = timeout, worker_init_fn, multiprocessing_context
        self.prefetch_factor = (2 if prefetch_factor is None else prefetch_factor) if num_workers > 0 else None
        self.persistent_workers, self.generator = persistent_workers, generator
        self._pin_memory_warned = False
        self._generator = generator if generator is not None else (
            Generator().manual_seed(seed) if seed is not None else None)  # None: the global generator
        self._replayed_state = None  # a global generator's state at the start of a pass to resume
        if not self._iterable and sampler is None and batch_sampler is None:
            sampler = RandomSampler(dataset, generator=self._generator) if shuffle else SequentialSampler(dataset)
        if not self._iterable and batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        self.collate_fn = collate_fn if collate_fn is not None else (default_collate if auto_collation
                                                                     else default_convert)
        self._fetcher = _Fetcher(self._iterable, batch_size, auto_collation, self.collate_fn, drop_last)
        self._pool = None
        self.epoch, self._epoch_start_state, self._batches_done, self._in_epoch, self._skip = 0, None, 0, False, 0

    def _pass_source(self):
        """The generator a pass draws from: the loader's, or the global one (or, resuming a pass begun on the
        global one, a copy of its state at that pass's start)."""
        if self._generator is not None:
            return self._generator
        if self._replayed_state is None:
            return default_generator
        source, self._replayed_state = Generator().set_state(self._replayed_state), None
        return source

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _index_batches(self):
        if self._iterable:
            return itertools.repeat(None)
        return iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        from ... import cuda
        fresh_workers = not (self.persistent_workers and self._pin_memory_warned)
        if self.pin_memory and fresh_workers and not cuda.is_available():  # (PyTorch warns as it starts workers)
            self._pin_memory_warned = True
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=2)
        if self._in_epoch:  # the previous pass was left early: it still counts as an epoch
            self.epoch += 1
        skip, self._skip = self._skip, 0
        source = self._pass_source()
        self._epoch_start_state = source.get_state()
        if hasattr(self.dataset, "set_epoch"):
            self.dataset.set_epoch(self.epoch)
        batches = self._index_batches()
        if self.num_workers == 0 or self._pool is None:
            base_seed = source.random64() % 2 ** 63  # drawn as PyTorch's iterator draws it
        replaying = source is not self._generator and source is not default_generator
        if replaying and isinstance(self.sampler, RandomSampler) and self.sampler.generator is None:
            self.sampler.seed_source = source  # its seed draw, replayed
        for _ in range(skip if not self._iterable else 0):
            next(batches, None)
        self._batches_done, self._in_epoch = skip, True
        if self.num_workers == 0:
            source = self._load_here(batches)
        else:
            if self._pool is None:
                self._pool = _WorkerPool(self, base_seed)
            source = self._load_in_workers(batches)
        for batch in source:
            self._batches_done += 1
            yield batch
        self._in_epoch = False
        self.epoch += 1

    def _load_here(self, batches):
        source = iter(self.dataset) if self._iterable else self.dataset
        for indices in batches:
            try:
                batch = self._fetcher(source, indices)
            except StopIteration:
                return
            yield batch

    def _load_in_workers(self, batches):
        pool = self._pool
        pool.pass_number += 1
        number_of_pass = pool.pass_number
        if self._iterable and number_of_pass > 1:  # persistent workers start their streams again
            for tasks in pool.task_queues:
                tasks.put((number_of_pass, -1, "reset"))
        active = [True] * self.num_workers
        turn = itertools.cycle(range(self.num_workers))
        sent = received = 0
        early = {}

        def dispatch():
            nonlocal sent
            if not any(active):
                return
            indices = next(batches, StopIteration)
            if indices is StopIteration:
                return
            worker = next(w for w in turn if active[w])
            pool.task_queues[worker].put((number_of_pass, sent, indices))
            sent += 1

        clean_end = False
        try:
            for _ in range(self.prefetch_factor * self.num_workers):
                dispatch()
            while received < sent:
                while received not in early:
                    tag, number, item = pool.receive(self.timeout)
                    if tag == number_of_pass:
                        early[number] = item
                item = early.pop(received)
                received += 1
                if isinstance(item, WorkerError):
                    item.reraise()
                if isinstance(item, StreamEnd):
                    active[item.worker_id] = False
                    continue
                dispatch()
                yield item
            clean_end = True
        except GeneratorExit:
            clean_end = True  # left early: persistent workers stay; results of this pass will be dropped
            raise
        finally:
            if not (self.persistent_workers and clean_end):
                pool.shutdown()
                self._pool = None

    def state_dict(self):
        """Where the loader stands: its generator's state, the epoch, and, in the middle of a pass, the
        state at that pass's start and the number of batches already handed out, so that ``load_state_dict``
        makes the next pass continue with exactly the remaining batches."""
        def packed(state):
            return bytes(state.numpy()).hex()
        if self._in_epoch and self._batches_done < len(self):
            return {"generator": packed(self._epoch_start_state), "epoch": self.epoch,
                    "batches_done": self._batches_done}
        epoch = self.epoch + 1 if self._in_epoch else self.epoch  # every batch out, loop left before the end
        # (drawing from the global generator, the next pass depends on it alone: a run's checkpoint restores it)
        generator = "" if self._generator is None else packed(self._generator.get_state())
        return {"generator": generator, "epoch": epoch, "batches_done": 0}

    def load_state_dict(self, state):
        """Restore a ``state_dict()``: the next iteration resumes where the saved one stood."""
        try:
            saved = np.frombuffer(bytes.fromhex(str(state["generator"])), np.uint8)
            if saved.size:
                replayed = Generator().set_state(saved)
                if self._generator is not None:
                    self._generator.set_state(saved)
                elif int(state.get("batches_done", 0)):
                    self._replayed_state = replayed.get_state()
        except (KeyError, ValueError, TypeError, RuntimeError) as error:
            raise ValueError(f"DataLoader.load_state_dict: invalid generator state ({error})") from None
        if self._pool is not None:  # persistent workers were seeded for another run
            self._pool.shutdown()
            self._pool = None
        self.epoch = int(state["epoch"])
        self._skip = int(state.get("batches_done", 0))
        self._in_epoch = False

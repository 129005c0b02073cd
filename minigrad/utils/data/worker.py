"""The DataLoader's worker processes: what runs in each, and ``get_worker_info``, as PyTorch's.

A worker is seeded as PyTorch seeds one (``random`` and ``minigrad.manual_seed`` with ``base_seed + id``,
numpy's global RNG from a SeedSequence of ``(id, base_seed)``), then answers tasks ``(epoch, batch number,
indices)`` from its own queue with ``(epoch, batch number, batch)`` on the shared result queue. An exception
goes back as a ``WorkerError`` holding the worker's traceback. A worker ends on ``None``, when its parent is
gone (checked every second), or on Ctrl-C (the main process raises it).
"""
import os
import queue
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info"]

STATUS_CHECK_INTERVAL = 1.0  # seconds between checks that the parent process is still alive
_worker_info = None


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself, as ``torch.utils.data.get_worker_info()``'s result."""

    id: int  # noqa: A003  (PyTorch's field name)
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """In a DataLoader worker process: its ``WorkerInfo``; in the main process: None."""
    return _worker_info


class WorkerError:
    """An exception raised in a worker, carried back to the main process with the worker's traceback."""

    def __init__(self, worker_id, where=""):
        self.worker_id = worker_id
        self.where = where
        self.exc_type = sys.exc_info()[0]
        self.text = traceback.format_exc()

    def reraise(self):
        """Raise the worker's exception type in this process, its message holding the worker's traceback."""
        where = f" {self.where}" if self.where else ""
        message = (f"Caught {self.exc_type.__name__}{where} in DataLoader worker process {self.worker_id}.\n"
                   f"Original {self.text}")
        try:
            error = self.exc_type(message)
        except TypeError:  # an exception class whose constructor takes other arguments
            error = RuntimeError(message)
        raise error


class StreamEnd:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def numpy_seed(base_seed, worker_id):
    """The seed of numpy's global RNG in worker ``worker_id``: four words from a SeedSequence of
    ``(worker_id, low and high words of base_seed, 0)``, which gives PyTorch's worker numpy seed."""
    return np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]).generate_state(4)


def _seed_worker(base_seed, worker_id):
    from ... import random as minigrad_random
    seed = base_seed + worker_id
    random.seed(seed)
    minigrad_random.manual_seed(seed)
    np.random.seed(numpy_seed(base_seed, worker_id))
    return seed


def worker_loop(dataset, iterable, fetch, task_queue, result_queue, base_seed, worker_id, num_workers,
                worker_init_fn, parent_pid):
    """The body of worker process ``worker_id``; ``fetch(source, indices)`` makes one batch."""
    global _worker_info
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        init_error = None
        try:
            if worker_init_fn is not None:
                worker_init_fn(worker_id)
        except Exception:
            init_error = WorkerError(worker_id, "in worker_init_fn")
        source = iter(dataset) if iterable else dataset
        exhausted = False
        while os.getppid() == parent_pid:
            try:
                task = task_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            epoch, number, indices = task
            if indices == "reset":  # a new pass over an iterable dataset with persistent workers
                source, exhausted = iter(dataset), False
                continue
            if init_error is not None:
                result, init_error = init_error, None
            elif exhausted:
                result = StreamEnd(worker_id)
            else:
                try:
                    result = fetch(source, indices)
                except StopIteration:
                    result, exhausted = StreamEnd(worker_id), True
                except Exception:
                    result = WorkerError(worker_id)
            result_queue.put((epoch, number, result))
            del result
    except KeyboardInterrupt:
        pass  # the main process sees the same Ctrl-C and raises it

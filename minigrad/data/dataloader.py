"""``DataLoader``: batches of a Dataset as minigrad Tensors, as ``torch.utils.data.DataLoader``,
with a shuffle order that can be saved and restored exactly (even in the middle of an epoch)."""
import json
import queue
import threading

import numpy as np

from ..creation import from_numpy
from ..tensor import Tensor

__all__ = ["DataLoader", "default_collate"]


def default_collate(samples):
    """Stack a list of samples into a batch, as ``torch.utils.data.default_collate``: numpy arrays
    and numbers become Tensors with a leading batch dimension (floats as float32, integers as
    int64), tuples and dicts are collated field by field."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise RuntimeError("default_collate: each sample in the batch should have the same number of fields")
        return type(first)(default_collate(list(field)) for field in zip(*samples)) \
            if isinstance(first, tuple) else [default_collate(list(field)) for field in zip(*samples)]
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, Tensor):
        samples = [s.detach().cpu().numpy() for s in samples]
    if isinstance(first, str):
        return list(samples)
    arrays = [np.asarray(s) for s in samples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise RuntimeError(f"default_collate: samples of one batch must have equal shapes, got {sorted(shapes)}")
    batch = np.stack(arrays)
    if batch.dtype.kind == "f":
        batch = batch.astype(np.float32, copy=False)
    elif batch.dtype.kind in "iu":
        batch = batch.astype(np.int64, copy=False)
    return from_numpy(np.ascontiguousarray(batch))


_END = object()


class _Failure:
    def __init__(self, error):
        self.error = error


class DataLoader:
    """Iterate over ``dataset`` in batches, as ``torch.utils.data.DataLoader``.

    - ``shuffle=True`` draws a new order every epoch from the loader's own numpy Generator
      (``generator``, or one seeded with ``seed``), so the order does not depend on any other
      randomness; ``state_dict()``/``load_state_dict()`` save and restore it.
    - ``num_workers=0`` loads batches in the calling thread; ``num_workers=1`` loads them in one
      background thread that keeps up to ``prefetch_factor`` batches ready in a bounded queue
      (numpy and Numba release the GIL for much of their work, so loading overlaps training).
      Batches arrive in the same order either way; more workers are not supported.
    - Before each pass the loader calls ``dataset.set_epoch(epoch)`` when the dataset has it, so
      per-epoch random augmentations are reproducible too.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, num_workers=0, collate_fn=None, drop_last=False,
                 generator=None, prefetch_factor=2, seed=None):
        if not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, but got batch_size={batch_size}")
        if num_workers not in (0, 1):
            raise ValueError(f"DataLoader: num_workers must be 0 (load in this thread) or 1 (one background "
                             f"thread), got {num_workers}")
        if prefetch_factor < 1:
            raise ValueError(f"DataLoader: prefetch_factor must be at least 1, got {prefetch_factor}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.num_workers = num_workers
        self.collate_fn = collate_fn or default_collate
        self.drop_last = bool(drop_last)
        self.prefetch_factor = int(prefetch_factor)
        self.generator = generator if generator is not None else np.random.default_rng(seed)
        self.epoch = 0
        self._epoch_start_state = None
        self._batches_done = 0
        self._in_epoch = False
        self._skip = 0

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _batch_indices(self):
        n = len(self.dataset)
        order = self.generator.permutation(n) if self.shuffle else np.arange(n)
        return [order[i:i + self.batch_size] for i in range(0, len(self) * self.batch_size, self.batch_size)]

    def _load(self, indices):
        return self.collate_fn([self.dataset[int(i)] for i in indices])

    def __iter__(self):
        if self._in_epoch:  # the previous pass was left early: it still counts as an epoch
            self.epoch += 1
        skip, self._skip = self._skip, 0
        self._epoch_start_state = json.dumps(self.generator.bit_generator.state)
        if hasattr(self.dataset, "set_epoch"):
            self.dataset.set_epoch(self.epoch)
        batches = self._batch_indices()[skip:]
        self._batches_done, self._in_epoch = skip, True
        source = self._prefetched(batches) if self.num_workers == 1 else (self._load(b) for b in batches)
        for batch in source:
            self._batches_done += 1
            yield batch
        self._in_epoch = False
        self.epoch += 1

    def _prefetched(self, batches):
        ready = queue.Queue(maxsize=self.prefetch_factor)
        stop = threading.Event()

        def put(item):
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def work():
            try:
                for b in batches:
                    if not put(self._load(b)):
                        return
            except BaseException as error:  # handed to the consumer, which re-raises it
                put(_Failure(error))
                return
            put(_END)

        worker = threading.Thread(target=work, name="DataLoader-prefetch", daemon=True)
        worker.start()
        try:
            while True:
                item = ready.get()
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item
        finally:
            stop.set()
            worker.join()

    def state_dict(self):
        """Where the loader stands: its generator's state, the epoch, and, in the middle of a pass,
        the state at that pass's start and the number of batches already handed out, so that
        ``load_state_dict`` makes the next pass continue with exactly the remaining batches."""
        if self._in_epoch and self._batches_done < len(self):
            return {"generator": self._epoch_start_state, "epoch": self.epoch, "batches_done": self._batches_done}
        if self._in_epoch:  # every batch handed out, but the loop left before the iterator ended
            return {"generator": json.dumps(self.generator.bit_generator.state), "epoch": self.epoch + 1,
                    "batches_done": 0}
        return {"generator": json.dumps(self.generator.bit_generator.state), "epoch": self.epoch, "batches_done": 0}

    def load_state_dict(self, state):
        """Restore a ``state_dict()``: the next iteration resumes where the saved one stood."""
        try:
            self.generator.bit_generator.state = json.loads(str(state["generator"]))
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"DataLoader.load_state_dict: invalid generator state ({error})") from None
        self.epoch = int(state["epoch"])
        self._skip = int(state.get("batches_done", 0))
        self._in_epoch = False
